package org.conv4j.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Lanes;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.kernels.gemm.MicroKernel;
import org.conv4j.kernels.gemm.PackedA;
import org.conv4j.tensor.WindowGeometry;

/**
 * Convolution with no column matrix: an implicit GEMM whose B operand is read straight from the padded
 * image. Tested against {@link ScalarDirectConv} and the double-precision {@code conv.ReferenceConv2d};
 * {@link Im2colConv} covers the shapes this does not pay for.
 *
 * <p><b>Why it works.</b> Pad one image (per group) into {@code xp [Cg, Hp, Wp]}. Number the output
 * positions on the <em>padded</em> width, {@code q = oh·Wp + ow}. Then, at stride 1, the im2col row of
 * kernel tap r = (c, i, j) is the contiguous run {@code xp[kOff[r] + q]} with
 * {@code kOff[r] = c·Hp·Wp + i·dilH·Wp + j·dilW}: every column-matrix row is xp shifted. The GEMM's
 * micro-kernel loads its 16-column B vectors from xp at {@code kOff[r] + q0} instead of from a packed
 * panel, so nothing is copied but the padding. The columns ow ≥ OW of each output row (Wp − OW of every
 * Wp) are computed and dropped when the result is copied out: (Wp − OW)/OW extra FMAs, against
 * im2col's full copy of the column matrix and its repacking.
 *
 * <p><b>Strides.</b> At stride (sH, sW) the padded image is stored as its sH·sW <em>phase planes</em>:
 * plane (a, b) of channel c holds the padded pixels whose row is a mod sH and column b mod sW, each plane
 * {@code ceil(Hp/sH) × ceil(Wp/sW)} (the pitch). Output (oh, ow) reads padded pixel
 * (oh·sH + ti, ow·sW + tj) for tap offset (ti, tj) = (i·dilH, j·dilW), which is pixel
 * (oh + ti / sH, ow + tj / sW) of plane (ti mod sH, tj mod sW): with q = oh·pitch + ow, every
 * column-matrix row is again one plane shifted, and everything above holds with Wp read as the pitch.
 * Stride 1 is one plane per channel, the padded image itself.
 *
 * <pre>
 *   forward  out'[F, OH·pitch]  = W [F, K] · shift(xp)                      K = Cg·KH·KW
 *   dW       dWᵀ [K, F]        += Σ_(oh, ow) shift(xp)[:, oh·pitch+ow] ⊗ dOut[:, oh, ow]
 *   dX       correlatable: the same forward on dOut padded by (eff − 1 − pad), W flipped, C↔F swapped
 *            otherwise:     dxp [phase planes] += shiftᵀ(Wᵀ [K, F] · dOut' [F, OH·pitch]), then unpadded
 * </pre>
 * The transposed-convolution identity holds at stride 1: dx[c, h, w] = Σ_f,i,j
 * W[f, c, i, j] · dOut[f, h + padTop − i·dilH, w + padLeft − j·dilW], a correlation of the padded dOut
 * with the kernel rotated by 180°; it needs pad ≤ eff − 1 on every side ({@link #correlatable}). With at
 * least 4 input channels per group it runs on the micro-kernel ({@link #transposable}); with fewer, one
 * input channel at a time straight from the padded dOut. Elsewhere dX is im2col's
 * {@code col2im(Wᵀ · dOut)} done on the phase planes: dOut' is dOut on the pitch with zero columns, so
 * each column-matrix row folds back as one contiguous add at its kOff, and the zero columns add zeros.
 *
 * <p>Edges cost no special code: W's rows are packed in panels of 4 padded with zeros, the output
 * buffer is a whole number of 16-column panels wide, xp has slack after the image for the last panel's
 * reads, and the dW tile's spare rows and columns land in parts of the partial that are never read.
 * Work is one task per image; dW and dB are reduced per chunk of fixed size and summed in chunk order,
 * so results are bitwise identical for any thread count.
 */
final class VectorDirectConv {
    static final VectorSpecies<Float> S = Lanes.SPECIES;
    static final int V = S.length();
    /** Output channels per micro-tile (broadcast rows). */
    static final int MR = MicroKernel.MR;
    /** Positions per micro-tile: two vectors. */
    static final int NR = MicroKernel.NR;
    /** Deepest k slice of the forward product (tunable for experiments: -Dconv4j.direct.kc). */
    static final int KC = Integer.getInteger("conv4j.direct.kc", 256);
    /** Output positions per block of the dW product (-Dconv4j.direct.block). */
    static final int POSITION_BLOCK = Integer.getInteger("conv4j.direct.block", 256);

    private VectorDirectConv() {}

    /**
     * True when dX is a plain correlation of dOut (the transposed convolution): stride 1 and padding no
     * larger than the dilated kernel minus one on any side. Otherwise dX is folded back from
     * {@code Wᵀ · dOut} on the phase planes.
     */
    static boolean correlatable(WindowGeometry g) {
        int eh = g.effectiveKH() - 1, ew = g.effectiveKW() - 1;
        return g.strideH() == 1 && g.strideW() == 1
                && g.padTop() <= eh && g.padBottom() <= eh && g.padLeft() <= ew && g.padRight() <= ew;
    }

    /**
     * True when that correlation runs as a forward pass of this class over dOut: at least 4 input
     * channels per group, the rows of its product. With fewer (a 1-channel first layer) those MR-row tiles
     * would be mostly padding, and each input channel is accumulated alone ({@link PhasePlanes#correlateRow}).
     */
    static boolean transposable(ConvChannels c, WindowGeometry g) {
        return correlatable(g) && c.inChannels() / c.groups() >= 4;
    }

    /**
     * out = conv(x, w) + b.
     *
     * @param x   [N, C, H, W]
     * @param w   [F, Cg, KH, KW]
     * @param b   [F], or null
     * @param out [N, F, OH, OW], overwritten
     */
    public static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        int groups = c.groups(), cg = c.inChannels() / groups, fg = c.outChannels() / groups;
        PhasePlanes plan = new PhasePlanes(g, cg);
        KernelCache cache = ws.kernels();
        float[][] packed = cache != null ? cache.direct(w, () -> packGroups(w, groups, fg, plan.k, g, cg))
                : packGroups(w, groups, fg, plan.k, g, cg);
        int xItem = c.inChannels() * g.inH() * g.inW(), outItem = c.outChannels() * plan.outH * plan.outW;
        if (n < Parallel.threads()) {
            forwardWithinImages(plan, groups, cg, fg, n, x, xItem, packed, b, out, outItem, ws);
            return;
        }
        Parallel.forChunks(n, 1, (lo, hi) -> {
            float[] xp = ws.take(plan.paddedSize);
            float[] o = ws.take(roundUp(fg, MR) * plan.qPadded);
            float[] pb = ws.take(KC * NR);
            try {
                plan.clear(xp);
                for (int item = lo; item < hi; item++) {
                    for (int gi = 0; gi < groups; gi++) {
                        plan.pad(x, item * xItem + gi * cg * g.inH() * g.inW(), xp);
                        plan.multiply(packed[gi], fg, xp, o, pb, 0, plan.qPadded);
                        plan.copyOut(o, 0, fg, b, gi * fg, out, item * outItem + gi * fg * plan.outH * plan.outW);
                    }
                }
            } finally {
                ws.give(xp);
                ws.give(o);
                ws.give(pb);
            }
        });
    }

    /** The forward product's packed weights, one array per group ({@link #packRows}). */
    private static float[][] packGroups(float[] w, int groups, int fg, int k, WindowGeometry g, int cg) {
        float[][] packed = new float[groups][];
        for (int gi = 0; gi < groups; gi++) packed[gi] = packRows(w, gi * fg, fg, k, false, g, cg);
        return packed;
    }

    /**
     * {@link #forward}'s work when there are fewer images than threads (batch 1, when serving): each image is
     * padded once, then its product is cut into ranges of NR output positions run on the pool, and its output
     * channels are copied out in ranges too. Every output is the same sequence of operations as in the
     * one-task-per-image loop, so the results are bitwise the same.
     */
    private static void forwardWithinImages(PhasePlanes plan, int groups, int cg, int fg, int n, float[] x, int xItem,
                                            float[][] packed, float[] b, float[] out, int outItem, Workspace ws) {
        float[] xp = ws.take(plan.paddedSize);
        float[] o = ws.take(roundUp(fg, MR) * plan.qPadded);
        int panels = plan.qPadded / NR, inItem = cg * plan.inH * plan.inW;
        // Ranges of about 8 panels: enough of them to balance two to four threads on a 56 × 56 output.
        int grain = Math.max(1, Math.min(8, panels / (4 * Parallel.threads())));
        try {
            plan.clear(xp);
            for (int item = 0; item < n; item++) {
                for (int gi = 0; gi < groups; gi++) {
                    plan.pad(x, item * xItem + gi * inItem, xp);
                    float[] weights = packed[gi];
                    Parallel.forChunks(panels, grain, (lo, hi) -> {
                        float[] pb = ws.take(KC * NR);
                        try {
                            plan.multiply(weights, fg, xp, o, pb, lo * NR, hi * NR);
                        } finally {
                            ws.give(pb);
                        }
                    });
                    int dstOff = item * outItem + gi * fg * plan.outH * plan.outW, group = gi;
                    Parallel.forChunks(fg, Math.max(1, fg / (2 * Parallel.threads())), (lo, hi) ->
                            plan.copyOut(o, lo, hi, b, group * fg, out, dstOff));
                }
            }
        } finally {
            ws.give(xp);
            ws.give(o);
        }
    }

    /**
     * Gradients of conv(x, w) + b given dOut; same contract as {@link Im2colConv#backward}.
     *
     * @param dX [N, C, H, W], overwritten; null when the caller needs no input gradient
     * @param dW [F, Cg, KH, KW], added into
     * @param dB [F], added into; null when the convolution has no bias
     */
    public static void backward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB, Workspace ws) {
        int groups = c.groups(), cg = c.inChannels() / groups, fg = c.outChannels() / groups, f = c.outChannels();
        PhasePlanes plan = new PhasePlanes(g, cg);
        int oh = plan.outH, ow = plan.outW, p = oh * ow;
        int k4 = roundUp(plan.k, MR), f16 = roundUp(fg, NR);
        int gradSize = k4 * f16;                                // one group's dWᵀ, padded
        int partialSize = groups * gradSize + (dB != null ? f : 0);
        int xItem = c.inChannels() * g.inH() * g.inW(), outItem = f * p;
        int grain = Chunks.grain(n);
        float[][] partials = ws.partials(Parallel.chunkCount(n, grain), partialSize);

        // dX = correlation of dOut, padded by eff − 1 − pad, with the flipped kernel (C and F swapped).
        boolean transposed = dX != null && transposable(c, g);
        boolean narrow = dX != null && correlatable(g) && !transposed, folded = dX != null && !correlatable(g);
        boolean correlated = transposed || narrow;
        WindowGeometry tg = !correlated ? null : new WindowGeometry(oh, ow, g.kH(), g.kW(), 1, 1,
                g.effectiveKH() - 1 - g.padTop(), g.effectiveKH() - 1 - g.padBottom(),
                g.effectiveKW() - 1 - g.padLeft(), g.effectiveKW() - 1 - g.padRight(),
                g.dilationH(), g.dilationW(), false);
        PhasePlanes tplan = !correlated ? null : new PhasePlanes(tg, fg);
        float[][] flipped = new float[groups][];
        if (correlated) {
            for (int gi = 0; gi < groups; gi++) flipped[gi] = packRows(w, gi * fg, fg, plan.k, true, g, cg);
        }
        Gemm gemm = Kernels.gemm();
        var ew = Kernels.arrays();
        PackedA[] wgT = ws.packedWeights(1, groups);  // W_gᵀ [K, Fg] for the folded dX, shared by every image
        if (folded) {
            for (int gi = 0; gi < groups; gi++) wgT[gi] = gemm.pack(true, plan.k, fg, w, gi * fg * plan.k, plan.k, wgT[gi]);
        }

        Parallel.forChunks(n, grain, (lo, hi) -> {
            float[] partial = partials[lo / grain];
            Arrays.fill(partial, 0, partialSize, 0f);
            float[] xp = ws.take(plan.paddedSize);
            float[] dOutP = ws.take(p * f16);
            float[] dp = !correlated ? null : ws.take(tplan.paddedSize);
            float[] o = !correlated ? null : ws.take(roundUp(cg, MR) * tplan.qPadded);
            float[] pb = !transposed ? null : ws.take(KC * NR);
            float[] dOutQ = !folded ? null : ws.take(fg * plan.qPadded);      // dOut' [Fg, qPadded]
            float[] dCols = !folded ? null : ws.take(plan.k * plan.qPadded);  // Wᵀ · dOut' [K, qPadded]
            float[] dxp = !folded ? null : ws.take(plan.paddedSize);
            try {
                if (f16 != fg) Arrays.fill(dOutP, 0, p * f16, 0f);
                plan.clear(xp);
                if (correlated) tplan.clear(dp);
                if (folded) Arrays.fill(dOutQ, 0, fg * plan.qPadded, 0f);  // the columns past OW stay zero
                for (int item = lo; item < hi; item++) {
                    int dOutBase = item * outItem;
                    for (int gi = 0; gi < groups; gi++) {
                        int dOutAt = dOutBase + gi * fg * p;
                        plan.pad(x, item * xItem + gi * cg * g.inH() * g.inW(), xp);
                        panels(dOut, dOutAt, fg, p, dOutP);
                        plan.weightGrad(xp, dOutP, f16, fg, partial, gi * gradSize);
                        int dxAt = item * xItem + gi * cg * g.inH() * g.inW();
                        if (correlated) {
                            tplan.pad(dOut, dOutAt, dp);
                            if (transposed) {
                                tplan.multiply(flipped[gi], cg, dp, o, pb, 0, tplan.qPadded);
                            } else {
                                for (int ci = 0; ci < cg; ci++) tplan.correlateRow(flipped[gi], ci, dp, o);
                            }
                            tplan.copyOut(o, 0, cg, null, 0, dX, dxAt);
                        } else if (folded) {
                            plan.onPitch(dOut, dOutAt, fg, dOutQ);
                            gemm.sgemm(wgT[gi], false, plan.qPadded, dOutQ, 0, plan.qPadded, 0f, dCols, 0, plan.qPadded);
                            Arrays.fill(dxp, 0, plan.paddedSize, 0f);
                            for (int r = 0; r < plan.k; r++) ew.axpy(plan.q, 1f, dCols, r * plan.qPadded, dxp, plan.kOff[r]);
                            plan.unpad(dxp, dX, dxAt);
                        }
                    }
                    if (dB != null) BiasGrad.addImage(dOut, dOutBase, f, p, partial, groups * gradSize);
                }
            } finally {
                ws.give(xp);
                ws.give(dOutP);
                if (dp != null) ws.give(dp);
                if (o != null) ws.give(o);
                if (pb != null) ws.give(pb);
                if (dOutQ != null) ws.give(dOutQ);
                if (dCols != null) ws.give(dCols);
                if (dxp != null) ws.give(dxp);
            }
        });
        // Sum the chunk partials in chunk order; dWᵀ [K, F16] per group back to dW [F, K]. Split over the
        // rows r on the pool, k·F·chunks adds (each element is still summed in chunk order by one task).
        // Small sums stay in one chunk, which runs on the caller without waking the pool.
        int k = plan.k;
        Parallel.forChunks(groups * k, Math.max(1, Chunks.REDUCE_GRAIN / (fg * partials.length)), (lo, hi) -> {
            for (int gr = lo; gr < hi; gr++) {
                int gi = gr / k, r = gr % k, at = gi * gradSize + r * f16, dst = gi * fg * k + r;
                for (int fi = 0; fi < fg; fi++) {
                    float s = 0f;
                    for (float[] part : partials) s += part[at + fi];
                    dW[dst + fi * k] += s;
                }
            }
        });
        if (dB != null) BiasGrad.reduce(partials, groups * gradSize, f, dB);
    }

    /**
     * Everything that depends on the geometry and not on the data: padded sizes, the row offsets, and
     * the loops over one image.
     */
    private static final class PhasePlanes {
        final int channels, inH, inW, padTop, padLeft, strideH, strideW, outH, outW, k;
        /** Rows of one phase plane, and its row pitch (the padded width at stride 1). */
        final int planeH, pitch;
        /** Positions computed per image on the pitch (whole rows), and that rounded up to panels. */
        final int q, qPadded;
        /** Floats of xp: the phase planes plus slack for the last panel's reads past the last row. */
        final int paddedSize;
        /** Offset in xp of each column-matrix row (c, i, j), in im2col's row order. */
        final int[] kOff;

        PhasePlanes(WindowGeometry g, int channels) {
            this.channels = channels;
            this.inH = g.inH();
            this.inW = g.inW();
            this.padTop = g.padTop();
            this.padLeft = g.padLeft();
            this.strideH = g.strideH();
            this.strideW = g.strideW();
            this.planeH = ceilDiv(inH + g.padTop() + g.padBottom(), strideH);
            this.pitch = ceilDiv(inW + g.padLeft() + g.padRight(), strideW);
            this.outH = g.outH();
            this.outW = g.outW();
            this.k = channels * g.kH() * g.kW();
            this.q = outH * pitch;
            this.qPadded = roundUp(q, NR);
            this.kOff = new int[roundUp(k, MR)];
            int r = 0, highest = 0;
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < g.kH(); i++) {
                    int ti = i * g.dilationH();
                    for (int j = 0; j < g.kW(); j++) {
                        int tj = j * g.dilationW();
                        kOff[r] = plane(c, ti % strideH, tj % strideW) + (ti / strideH) * pitch + tj / strideW;
                        highest = Math.max(highest, kOff[r++]);
                    }
                }
            }
            // Spare rows of the last dW tile read a real row; their sums land in rows nobody reads.
            for (; r < kOff.length; r++) kOff[r] = kOff[k - 1];
            this.paddedSize = Math.max(plane(channels, 0, 0), highest + qPadded);
        }

        /** Offset in xp of phase plane (a, b) of channel c. */
        int plane(int c, int a, int b) {
            return ((c * strideH + a) * strideW + b) * planeH * pitch;
        }

        /** Zeroes xp's padding and slack, which {@link #pad} leaves as they are. */
        void clear(float[] xp) {
            Arrays.fill(xp, 0, paddedSize, 0f);
        }

        /**
         * The pixels of xp's phase planes = src [channels, inH, inW]; the padding and slack are not
         * written (zero them once with {@link #clear}: a backward task pads one image after another into
         * the same buffer, and refilling it per image was as many writes again).
         */
        void pad(float[] src, int srcOff, float[] xp) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < inH; h++) {
                    int from = srcOff + (c * inH + h) * inW, y = h + padTop;
                    int row = plane(c, y % strideH, 0) + (y / strideH) * pitch;
                    if (strideW == 1) {
                        System.arraycopy(src, from, xp, row + padLeft, inW);
                    } else if (strideW == 2) {
                        // Column padLeft + x goes to plane (padLeft + x) mod 2, at (padLeft + x) / 2.
                        int planeSize = planeH * pitch;
                        split(src, from, inW, xp, row + (padLeft & 1) * planeSize + padLeft / 2,
                                row + ((padLeft + 1) & 1) * planeSize + (padLeft + 1) / 2);
                    } else {
                        for (int b = 0; b < strideW; b++) {
                            int x0 = Math.floorMod(b - padLeft, strideW);  // first x with (x + padLeft) mod sW = b
                            int to = row + b * planeH * pitch + (x0 + padLeft) / strideW;
                            for (int x = x0; x < inW; x += strideW) xp[to++] = src[from + x];
                        }
                    }
                }
            }
        }

        /** The adjoint of {@link #pad} without the padding: dst [channels, inH, inW] = the pixels of xp. */
        void unpad(float[] xp, float[] dst, int dstOff) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < inH; h++) {
                    int to = dstOff + (c * inH + h) * inW, y = h + padTop;
                    int row = plane(c, y % strideH, 0) + (y / strideH) * pitch;
                    if (strideW == 1) {
                        System.arraycopy(xp, row + padLeft, dst, to, inW);
                    } else {
                        for (int b = 0; b < strideW; b++) {
                            int x0 = Math.floorMod(b - padLeft, strideW);
                            int from = row + b * planeH * pitch + (x0 + padLeft) / strideW;
                            for (int x = x0; x < inW; x += strideW) dst[to + x] = xp[from++];
                        }
                    }
                }
            }
        }

        /** dst [rows, qPadded] at columns oh·pitch + ow = src [rows, outH, outW]; other columns untouched. */
        void onPitch(float[] src, int srcOff, int rows, float[] dst) {
            for (int r = 0; r < rows; r++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(src, srcOff + (r * outH + y) * outW, dst, r * qPadded + y * pitch, outW);
                }
            }
        }

        /**
         * o [roundUp(rows, MR), qPadded] = packed [rows, k] · shift(xp). Per 16-position panel and k
         * slice of at most KC rows, the shifted rows are copied into one contiguous B micro-panel
         * {@code pb} (L1-resident), then every row panel of W runs the GEMM
         * micro-kernel over it: the copy costs about 1/(rows/4) of the FMAs, and the kernel then runs at
         * its full speed, which it does not when it reads xp through the offsets table itself.
         */
        void multiply(float[] packed, int rows, float[] xp, float[] o, float[] pb, int qLo, int qHi) {
            int rowPanels = roundUp(rows, MR) / MR;
            int slices = (k + KC - 1) / KC, kc = (k + slices - 1) / slices;
            for (int p0 = 0; p0 < k; p0 += kc) {
                int depth = Math.min(k, p0 + kc) - p0;
                float beta = p0 == 0 ? 0f : 1f;
                for (int q0 = qLo; q0 < qHi; q0 += NR) {
                    // Two vector moves per row: cheaper than a System.arraycopy call per 32 floats.
                    for (int p = 0; p < depth; p++) {
                        int at = kOff[p0 + p] + q0;
                        FloatVector.fromArray(S, xp, at).intoArray(pb, p * NR);
                        FloatVector.fromArray(S, xp, at + V).intoArray(pb, p * NR + V);
                    }
                    for (int pr = 0; pr < rowPanels; pr++) {
                        MicroKernel.multiply(packed, pr * MR * k + p0 * MR, pb, 0, depth,
                                o, pr * MR * qPadded + q0, qPadded, beta);
                    }
                }
            }
        }

        /**
         * Row {@code row} of o [·, qPadded] = row {@code row} of the packed [rows, k] times shift(xp): the
         * product {@link #multiply} computes for all rows, for one row alone and with no B panel copy. Four
         * vectors of positions at a time, one broadcast of the weight per k step; summed in k order, as
         * the micro-kernel sums.
         */
        void correlateRow(float[] packed, int row, float[] xp, float[] o) {
            int wAt = (row / MR) * MR * k + row % MR, oAt = row * qPadded;
            int q0 = 0;
            for (; q0 + 4 * V <= qPadded; q0 += 4 * V) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int p = 0; p < k; p++) {
                    FloatVector wv = FloatVector.broadcast(S, packed[wAt + p * MR]);
                    int at = kOff[p] + q0;
                    a0 = wv.fma(FloatVector.fromArray(S, xp, at), a0);
                    a1 = wv.fma(FloatVector.fromArray(S, xp, at + V), a1);
                    a2 = wv.fma(FloatVector.fromArray(S, xp, at + 2 * V), a2);
                    a3 = wv.fma(FloatVector.fromArray(S, xp, at + 3 * V), a3);
                }
                a0.intoArray(o, oAt + q0);
                a1.intoArray(o, oAt + q0 + V);
                a2.intoArray(o, oAt + q0 + 2 * V);
                a3.intoArray(o, oAt + q0 + 3 * V);
            }
            for (; q0 < qPadded; q0 += V) {
                FloatVector a0 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    a0 = FloatVector.broadcast(S, packed[wAt + p * MR]).fma(FloatVector.fromArray(S, xp, kOff[p] + q0), a0);
                }
                a0.intoArray(o, oAt + q0);
            }
        }

        /**
         * dst [rows, outH, outW] = o's valid columns (+ bias[biasAt + row] when bias is not null). The
         * bias is added here, a vector and a masked tail per row, not by a call to the elementwise kernels
         * per row of a few floats.
         */
        void copyOut(float[] o, int rowLo, int rowHi, float[] bias, int biasAt, float[] dst, int dstOff) {
            for (int r = rowLo; r < rowHi; r++) {
                FloatVector add = FloatVector.broadcast(S, bias == null ? 0f : bias[biasAt + r]);
                for (int y = 0; y < outH; y++) {
                    int from = r * qPadded + y * pitch, to = dstOff + (r * outH + y) * outW;
                    if (bias == null) {
                        System.arraycopy(o, from, dst, to, outW);
                        continue;
                    }
                    int x = 0;
                    for (; x + V <= outW; x += V) FloatVector.fromArray(S, o, from + x).add(add).intoArray(dst, to + x);
                    if (x < outW) {
                        VectorMask<Float> tail = S.indexInRange(x, outW);
                        FloatVector.fromArray(S, o, from + x, tail).add(add).intoArray(dst, to + x, tail);
                    }
                }
            }
        }

        /**
         * partial[at + r·f16 + f] += Σ over positions of xp row r shifted × dOut[f][position], in blocks of
         * output rows so that the block of the dOut panels stays in L1 while every tile passes over it.
         */
        void weightGrad(float[] xp, float[] dOutP, int f16, int rows, float[] partial, int at) {
            int k4 = roundUp(k, MR), fPanels = roundUp(rows, NR) / NR;
            int block = Math.max(1, POSITION_BLOCK / outW);
            for (int y0 = 0; y0 < outH; y0 += block) {
                int y1 = Math.min(outH, y0 + block);
                for (int fp = 0; fp < fPanels; fp++) {
                    for (int r0 = 0; r0 < k4; r0 += MR) {
                        MicroKernel.accumulateShifted(xp, kOff, r0, pitch, y0, y1, outW, dOutP, fp * outH * outW * NR, partial,
                                at + r0 * f16 + fp * NR, f16);
                    }
                }
            }
        }
    }

    // Lane i of a pair of vectors' concatenation: 2i (the even floats) and 2i + 1 (the odd ones).
    private static final FloatVector EVENS = lanes(0), ODDS = lanes(1);

    private static FloatVector lanes(int first) {
        float[] index = new float[V];
        for (int i = 0; i < V; i++) index[i] = 2 * i + first;
        return FloatVector.fromArray(S, index, 0);
    }

    /**
     * dst[even + i] = src[from + 2i] and dst[odd + i] = src[from + 2i + 1] for the n floats from
     * {@code from}: 2V floats per step, split by two two-source permutations (a stride-2 row into its
     * two phase planes), then the rest one at a time.
     */
    static void split(float[] src, int from, int n, float[] dst, int even, int odd) {
        int x = 0;
        for (; x + 2 * V <= n; x += 2 * V) {
            FloatVector a = FloatVector.fromArray(S, src, from + x), b = FloatVector.fromArray(S, src, from + x + V);
            EVENS.selectFrom(a, b).intoArray(dst, even + x / 2);
            ODDS.selectFrom(a, b).intoArray(dst, odd + x / 2);
        }
        for (; x < n; x++) dst[((x & 1) == 0 ? even : odd) + x / 2] = src[from + x];
    }

    /**
     * Packs rows [f0, f0+rows) of W viewed as [F, K] into MR-row panels: dst[panel][p][r], zero rows past
     * {@code rows}. With {@code flip}, packs instead the dX kernel of that group: rows are the Cg input
     * channels and the k index (f, i, j) reads W[f0+f][c][KH−1−i][KW−1−j].
     */
    static float[] packRows(float[] w, int f0, int rows, int k, boolean flip, WindowGeometry g, int cg) {
        int kh = g.kH(), kw = g.kW(), taps = kh * kw;
        int outRows = flip ? cg : rows, kk = flip ? rows * taps : k;
        float[] dst = new float[roundUp(outRows, MR) * kk];
        for (int r = 0; r < outRows; r++) {
            int base = (r / MR) * MR * kk + r % MR;
            for (int p = 0; p < kk; p++) {
                float v;
                if (!flip) {
                    v = w[(f0 + r) * k + p];
                } else {
                    int f = p / taps, t = p % taps, i = t / kw, j = t % kw;
                    v = w[((f0 + f) * cg + r) * taps + (kh - 1 - i) * kw + (kw - 1 - j)];
                }
                dst[base + p * MR] = v;
            }
        }
        return dst;
    }

    /**
     * dOut [rows, p] transposed into panels of NR channels: dst[((f / NR)·p + q)·NR + f % NR] =
     * dOut[at + f·p + q], so the dW tile reads one contiguous NR-float run per position. Channels past
     * {@code rows} in the last panel are left as they are.
     */
    static void panels(float[] dOut, int at, int rows, int p, float[] dst) {
        for (int f0 = 0; f0 < rows; f0 += NR) {
            ChannelsLast.copy(dOut, at + f0 * p, Math.min(NR, rows - f0), 1, p, dst, f0 * p, 0, 0, p, NR);
        }
    }

    static int ceilDiv(int v, int m) {
        return (v + m - 1) / m;
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
