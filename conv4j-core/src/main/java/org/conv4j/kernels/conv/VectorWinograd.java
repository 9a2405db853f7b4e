package org.conv4j.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.Transpose;
import org.conv4j.kernels.gemm.MicroKernel;
import org.conv4j.tensor.WindowGeometry;

/**
 * Winograd F(2×2, 3×3) for 3×3, stride-1, undilated, ungrouped convolutions: 16 GEMMs over the channels
 * instead of one with 9 taps, 2.25× fewer multiply-adds, paid for with the tile transforms. Tested
 * bitwise against {@link ScalarWinograd} (the same float operations written as matrices) and within
 * the bound below against the double-precision loops of {@code conv.ReferenceConv2d}.
 *
 * <pre>
 *   per tile t (2×2 outputs, 4×4 inputs at stride 2) and position e = (ξ, ν) of the 4×4 transform:
 *   V [16][T, C]  = Bᵀ d B          input transform, MR tiles per vector (4 or 8), per channel
 *   U [16][C, F]  = G g Gᵀ          once per call (or kept: KernelCache), in double, rounded once
 *   M [16][T, F]  = V[e] · U[e]      16 GEMMs on the MR×NR MicroKernel, one FMA per channel
 *   Y             = Aᵀ M A + bias     output transform, F in vector lanes; odd edges cropped
 *   dX            = the same forward on dOut padded by 2 − pad, with the kernel rotated 180°, C↔F swapped
 *   dW, dB        = VectorWinogradWeightGrad's: the adjoint, 16 GEMMs over the tiles, computed apart from dX
 * </pre>
 *
 * <p><b>Error.</b> Write S_t = Σ_c ‖g_c‖₁ · ‖d_c‖₁ for an output's tile (g_c the 3×3 kernel of channel c,
 * d_c the 4×4 input tile, zero padding included) and u = 2⁻²⁴. Every |U_e| ≤ ‖g‖₁ (the products of two
 * G entries are at most 1 in size) and every |V_e| ≤ ‖d‖₁ (entries of Bᵀ are 0, ±1); V has two levels of
 * rounded additions, U one rounding, each M_e a chain of C fused multiply-adds, and each output sums 9
 * of the M_e with ±1 in four rounded additions. To first order in u, every output is within
 * <pre>   |ŷ − y| ≤ 9 · (C + 8) · u · S_t   (C: input channels; for dX, F and dOut's tile)</pre>
 * of the exact convolution (plus u·|y| for the bias add). The same worst-case reasoning gives a direct
 * 9C-term dot product (9C + 1)·u·Σ|w||x|; S_t is larger than the 3×3 window's Σ|w||x| because the
 * transforms mix the whole 4×4 tile, which is where Winograd's extra (bounded) error comes from.
 * {@code VectorWinogradTest} checks this bound element by element and reports the typical ratio.
 *
 * <p><b>Layout and work.</b> Work is cut into tasks of whole tile rows of one image (about
 * {@link #TILE_BLOCK} tiles, the image's rows split evenly), independent of the thread count; every
 * output is computed inside one task by a fixed sequence of operations, so results are bitwise identical
 * on any number of threads. Per task the rows it reads are zero-padded into
 * {@code xp [C, 2·tH + 2, 2·tWp + 2]} (tWp: tiles per row rounded up to MR; every tile reads in bounds,
 * the cropped ones too), each row split into even and odd columns so that the input transform runs on
 * MR tiles at once with plain vector loads (128 or 256 bits: the packed A row of one channel). V is
 * written as the GEMM's packed A operand {@code va[e][tile/MR][c][tile%MR]} (MR = 4 or 8 tiles,
 * VectorGemm's micro-tile rows), and U is packed once per call as its B operand
 * {@code ub[e][f/NR][c][f%NR]}. For each e and F panel the B panel (C·NR floats) stays in L1 while the
 * task's tile groups pass over it. The outputs go to a staging buffer of the task's output rows per
 * channel, copied out as one contiguous run per channel.
 */
final class VectorWinograd {
    static final VectorSpecies<Float> S = Lanes.SPECIES;
    static final int V = S.length();
    static final int MR = MicroKernel.MR;
    static final int NR = MicroKernel.NR;
    /** One lane per tile of a group of MR neighbours: the input transform's vectors are packed A rows. */
    static final VectorSpecies<Float> SM = VectorSpecies.of(float.class, VectorShape.forBitSize(MR * Float.SIZE));
    /** Most tiles per task, unless one tile row is longer (-Dconv4j.winograd.block): V and M stay in L2. */
    static final int TILE_BLOCK = Integer.getInteger("conv4j.winograd.block", 64);
    /**
     * Floats added to the stride between the 16 positions of V and M, and between the output channels of
     * the staging buffer: those strides are otherwise powers of two on the usual shapes (e.g. 64 tiles ×
     * 64 channels), which would put all 16 rows in one cache set.
     */
    static final int SKEW = 16;

    private VectorWinograd() {}

    /**
     * out = conv(x, w) + b.
     *
     * @param x   [N, C, H, W]
     * @param w   [F, C, 3, 3]
     * @param b   [F], or null
     * @param out [N, F, OH, OW], overwritten
     */
    public static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        int cin = c.inChannels(), f = c.outChannels();
        Tiling tiling = new Tiling(cin, f, g.inH(), g.inW(), g.padTop(), g.padLeft(), g.outH(), g.outW());
        KernelCache cache = ws.kernels();
        if (cache != null) {
            tiling.run(n, x, cache.winograd(w, () -> packKernel(w, cin, f, false, new float[kernelSize(cin, f)])), b, out, ws);
            return;
        }
        float[] ub = ws.take(kernelSize(cin, f));
        try {
            tiling.run(n, x, packKernel(w, cin, f, false, ub), b, out, ws);
        } finally {
            ws.give(ub);
        }
    }

    /**
     * dX of conv(x, w) + b given dOut: dOut padded by 2 − pad, correlated with the kernel rotated by 180°
     * (C and F swapped); its output is exactly H × W. dW and dB are {@link VectorWinogradWeightGrad}'s.
     *
     * @param w    [F, C, 3, 3]
     * @param dOut [N, F, OH, OW]
     * @param dX   [N, C, H, W], overwritten
     */
    static void inputGrad(ConvChannels c, WindowGeometry g, int n, float[] w, float[] dOut, float[] dX,
                          Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        int cin = c.inChannels(), f = c.outChannels();
        Tiling tiling = new Tiling(f, cin, g.outH(), g.outW(), 2 - g.padTop(), 2 - g.padLeft(), g.inH(), g.inW());
        float[] ub = ws.take(kernelSize(f, cin));
        try {
            tiling.run(n, dOut, packKernel(w, cin, f, true, ub), null, dX, ws);
        } finally {
            ws.give(ub);
        }
    }

    /**
     * U = G g Gᵀ of every (output, input) channel pair, packed as the GEMM's B operand
     * {@code ub[e][o/NR][i][o%NR]} (output channels past the last padded with zeros), the 16 positions
     * {@link #SKEW} floats further apart than their size, so that the 16 stores of each pair do not fall in
     * one L1 set when the size is a power of two. Forward: outputs are
     * F, inputs C, g = w[f, c]. With {@code rotate} (dX): outputs are C, inputs F, g = w[f, c] rotated.
     */
    static float[] packKernel(float[] w, int c, int f, boolean rotate, float[] ub) {
        int outs = rotate ? c : f, ins = rotate ? f : c, panels = roundUp(outs, NR) / NR;
        // ub comes from the layer's Workspace (1 MB at 128 × 128 channels, once per call): zero the
        // padding channels of the last panel, which the loop below does not write.
        for (int e = 0; e < 16; e++) {
            for (int i = 0; i < ins; i++) {
                int row = e * (panels * ins * NR + SKEW) + ((panels - 1) * ins + i) * NR;
                Arrays.fill(ub, row + (outs - (panels - 1) * NR), row + NR, 0f);
            }
        }
        // Split over whole panels of output channels on the pool (each task writes its own cache lines of ub).
        Parallel.forChunks(outs, roundUp(Math.max(1, (1 << 12) / Math.max(1, ins)), NR), (lo, hi) -> {
            double[] g = new double[9], t = new double[12];
            for (int o = lo; o < hi; o++) {
                for (int i = 0; i < ins; i++) {
                    int at = rotate ? (i * c + o) * 9 : (o * c + i) * 9;
                    for (int k = 0; k < 9; k++) g[k] = w[at + (rotate ? 8 - k : k)];
                    // G g [4×3], then (G g) Gᵀ [4×4]: ScalarWinograd.kernelTransform's sums without its
                    // zero terms and allocations (16·C·F of them per call).
                    for (int j = 0; j < 3; j++) {
                        t[j] = g[j];
                        t[3 + j] = 0.5 * g[j] + 0.5 * g[3 + j] + 0.5 * g[6 + j];
                        t[6 + j] = 0.5 * g[j] + -0.5 * g[3 + j] + 0.5 * g[6 + j];
                        t[9 + j] = g[6 + j];
                    }
                    int base = (o / NR * ins + i) * NR + o % NR, eStride = panels * ins * NR + SKEW;
                    for (int a = 0; a < 4; a++) {
                        double t0 = t[3 * a], t1 = t[3 * a + 1], t2 = t[3 * a + 2];
                        ub[base + (4 * a) * eStride] = (float) t0;
                        ub[base + (4 * a + 1) * eStride] = (float) (t0 * 0.5 + t1 * 0.5 + t2 * 0.5);
                        ub[base + (4 * a + 2) * eStride] = (float) (t0 * 0.5 + t1 * -0.5 + t2 * 0.5);
                        ub[base + (4 * a + 3) * eStride] = (float) t2;
                    }
                }
            }
        });
        return ub;
    }

    /** Floats {@link #packKernel} writes for this many inputs and outputs. */
    static int kernelSize(int ins, int outs) {
        return 16 * (roundUp(outs, NR) * ins + SKEW);
    }

    /** Everything that depends on the geometry and not on the data, and the loops over one task. */
    private static final class Tiling {
        final int cin, cout, inH, inW, padTop, padLeft, outH, outW;
        /**
         * Tiles down and across one image; tile rows are padded to tWp, a multiple of MR, so that every
         * group of MR tiles lies in one row (the extra tiles are computed and dropped). The padded image
         * holds all their 4×4 inputs, each row as its even columns then its odd ones (half each).
         */
        final int tH, tW, tWp, hp, wp, half;
        final int tilesPerImage, outPanels, out16;
        /** Tasks per image, whole tile rows per task (the last may have fewer), most tiles per task. */
        final int blocksPerImage, blockRows, blockTiles;
        /** Floats per output channel in the staging buffer: the task's output rows, plus the skew. */
        final int stageStride;
        /** Channels of the staging buffer: cout, or whole blocks of V when the outputs are transposed. */
        final int stageChannels;
        /** i·stageStride for i &lt; V: where {@link Transpose#block} puts channel i of a block. */
        final int[] channelRows;
        /**
         * When a source row lands whole in the first V floats of its split padded row (fmnist-c2's 14
         * columns at V = 16), {@link #pad} moves it with one permutation of one vector: rowLanes[k] is the
         * source column at position k, where rowKeep[k] is 1; the other positions are padding.
         */
        final boolean rowVector;
        final float[] rowLanes = new float[V], rowKeep = new float[V];

        Tiling(int cin, int cout, int inH, int inW, int padTop, int padLeft, int outH, int outW) {
            this.cin = cin;
            this.cout = cout;
            this.inH = inH;
            this.inW = inW;
            this.padTop = padTop;
            this.padLeft = padLeft;
            this.outH = outH;
            this.outW = outW;
            this.tH = (outH + 1) / 2;
            this.tW = (outW + 1) / 2;
            this.tWp = roundUp(tW, MR);
            // padTop + inH = outH + 2 − padBottom ≤ 2·tH + 2, so the image fits; the rest is zeros.
            this.hp = 2 * tH + 2;
            this.wp = 2 * tWp + 2;
            this.half = wp / 2;
            this.tilesPerImage = tH * tWp;
            int rows = Math.max(1, TILE_BLOCK / tWp);
            this.blocksPerImage = (tH + rows - 1) / rows;
            this.blockRows = (tH + blocksPerImage - 1) / blocksPerImage;   // even split of the tile rows
            this.blockTiles = blockRows * tWp;
            this.stageStride = 2 * blockRows * outW + SKEW;
            this.stageChannels = Transpose.VECTOR ? roundUp(cout, V) : cout;
            this.channelRows = new int[V];
            for (int i = 0; i < V; i++) channelRows[i] = i * stageStride;
            this.outPanels = roundUp(cout, NR) / NR;
            this.out16 = outPanels * NR;
            int landed = 0;
            for (int k = 0; k < Math.min(V, wp); k++) {
                // Position k of a split row holds padded column 2k (even half) or 2(k − half) + 1 (odd half).
                int x = (k < half ? 2 * k : 2 * (k - half) + 1) - padLeft;
                if (x >= 0 && x < inW) {
                    rowLanes[k] = x;
                    rowKeep[k] = 1f;
                    landed++;
                }
            }
            this.rowVector = wp >= V && inW <= V && landed == inW;
        }

        /**
         * dst [n, cout, outH, outW] = the Winograd correlation of src [n, cin, inH, inW] with ub, + bias.
         * Tasks are the (image, block) pairs; when there are fewer than the pool's threads (one image whose
         * few tile rows make one block, as at batch 1 deep in a network), each is cut further into ranges of
         * whole output-channel panels, so both cores work. A range repeats the block's padding and input
         * transform, and computes every one of its outputs by the same operations as the whole block would:
         * the results do not depend on the cut.
         */
        void run(int n, float[] src, float[] ub, float[] bias, float[] dst, Workspace ws) {
            float[] biasPadded = new float[out16];
            if (bias != null) System.arraycopy(bias, 0, biasPadded, 0, cout);
            int blocks = n * blocksPerImage, threads = Parallel.threads();
            int parts = blocks >= threads ? 1 : Math.min(outPanels, (threads + blocks - 1) / blocks);
            Parallel.forChunks(blocks * parts, 1, (lo, hi) -> {
                float[] xp = ws.take(cin * hp * wp);
                float[] va = ws.take(16 * (blockTiles * cin + SKEW));
                float[] m = ws.take(16 * (blockTiles * out16 + SKEW));
                float[] y = ws.take(2 * V * V);
                float[] stage = ws.take(stageChannels * stageStride);
                try {
                    for (int job = lo; job < hi; job++) {
                        int task = job / parts, part = job % parts;
                        int item = task / blocksPerImage, ty0 = (task % blocksPerImage) * blockRows;
                        int ty1 = Math.min(tH, ty0 + blockRows), t0 = ty0 * tWp, t1 = ty1 * tWp;
                        // Output channels [o0, o1): whole panels, the last range ending at cout.
                        int p0 = part * outPanels / parts, p1 = (part + 1) * outPanels / parts;
                        int o0 = p0 * NR, o1 = Math.min(cout, p1 * NR);
                        pad(src, item * cin * inH * inW, 2 * ty0, 2 * ty1 + 2, xp);
                        inputTransform(xp, t0, t1, va);
                        multiply(va, ub, t1 - t0, p0, p1, m);
                        if (Transpose.VECTOR) outputRows(m, t0, t1, o0, o1, biasPadded, stage, y);
                        else outputTransform(m, t0, t1, o0, o1, biasPadded, stage, y);
                        // The task's output rows [2·ty0, 2·ty1) ∩ [0, outH) of every channel, contiguous.
                        int y0 = 2 * ty0, len = (Math.min(outH, 2 * ty1) - y0) * outW;
                        for (int o = o0; o < o1; o++) {
                            System.arraycopy(stage, o * stageStride, dst, ((item * cout + o) * outH + y0) * outW, len);
                        }
                    }
                } finally {
                    ws.give(xp);
                    ws.give(va);
                    ws.give(m);
                    ws.give(y);
                    ws.give(stage);
                }
            });
        }

        /**
         * Rows [row0, row1) of xp [cin, hp, wp] (the rows a task's tiles read) = src [cin, inH, inW]
         * placed at (padTop, padLeft), zeros around, each row stored
         * as its even columns then its odd ones: then the inputs of 4 neighbouring tiles at column offset
         * j of their 4×4 are 4 consecutive floats (tile tx reads columns 2tx + j).
         */
        void pad(float[] src, int srcOff, int row0, int row1, float[] xp) {
            int h0 = Math.max(0, row0 - padTop), h1 = Math.min(inH, row1 - padTop);
            FloatVector lanes = FloatVector.fromArray(S, rowLanes, 0);
            VectorMask<Float> pads = FloatVector.fromArray(S, rowKeep, 0).compare(VectorOperators.EQ, 0f);
            for (int c = 0; c < cin; c++) {
                Arrays.fill(xp, c * hp * wp + row0 * wp, c * hp * wp + row1 * wp, 0f);
                int from = srcOff + (c * inH + h0) * inW;
                for (int h = h0; h < h1; h++, from += inW) {
                    int row = c * hp * wp + (padTop + h) * wp;
                    if (rowVector && from + V <= src.length) {
                        // The load reads past the row; those lanes are padding positions, zeroed.
                        lanes.selectFrom(FloatVector.fromArray(S, src, from)).blend(0f, pads).intoArray(xp, row);
                        continue;
                    }
                    // Column padLeft + x: the even ones to [0, half), the odd ones to [half, wp).
                    int xe = padLeft & 1, xo = 1 - xe;
                    EveryOther.copy(src, from + xe, (inW - xe + 1) / 2, xp, row + ((padLeft + xe) >> 1));
                    EveryOther.copy(src, from + xo, (inW - xo + 1) / 2, xp, row + half + ((padLeft + xo) >> 1));
                }
            }
        }

        /**
         * va[e][(t − t0)/MR][c][(t − t0)%MR] = (Bᵀ d B)[e] of tile t's 4×4 input d for channel c, the MR
         * tiles of a group at once (one lane each): rows by d B, then columns by Bᵀ, exactly {@link ScalarWinograd#inputTransform}'s
         * operations. Columns 2tx + j are, in the split rows,
         * even[tx + j/2] for even j and odd[tx + (j−1)/2] for odd j.
         */
        void inputTransform(float[] xp, int t0, int t1, float[] va) {
            int groups = (t1 - t0) / MR, eStride = groups * cin * MR + SKEW;
            for (int gr = 0; gr < groups; gr++) {
                int t = t0 + gr * MR, ty = t / tWp, tx = t % tWp;
                for (int c = 0; c < cin; c++) {
                    int s = c * hp * wp + 2 * ty * wp + tx;
                    // d B along each of the four rows, written out: C2 stops inlining a helper per row at its
                    // node-count cutoff, and each call it leaves boxes a vector (55 GB a recipe epoch). Row
                    // s's columns 2tx + j for the MR tiles from tx: x0 = even[tx], x1 = odd[tx],
                    // x2 = even[tx + 1], x3 = odd[tx + 1]; then d B = (x0 − x2, x1 + x2, x2 − x1, x1 − x3).
                    FloatVector x0 = FloatVector.fromArray(SM, xp, s), x1 = FloatVector.fromArray(SM, xp, s + half);
                    FloatVector x2 = FloatVector.fromArray(SM, xp, s + 1), x3 = FloatVector.fromArray(SM, xp, s + half + 1);
                    FloatVector a0 = x0.sub(x2), a1 = x1.add(x2), a2 = x2.sub(x1), a3 = x1.sub(x3);
                    s += wp;
                    x0 = FloatVector.fromArray(SM, xp, s);
                    x1 = FloatVector.fromArray(SM, xp, s + half);
                    x2 = FloatVector.fromArray(SM, xp, s + 1);
                    x3 = FloatVector.fromArray(SM, xp, s + half + 1);
                    FloatVector b0 = x0.sub(x2), b1 = x1.add(x2), b2 = x2.sub(x1), b3 = x1.sub(x3);
                    s += wp;
                    x0 = FloatVector.fromArray(SM, xp, s);
                    x1 = FloatVector.fromArray(SM, xp, s + half);
                    x2 = FloatVector.fromArray(SM, xp, s + 1);
                    x3 = FloatVector.fromArray(SM, xp, s + half + 1);
                    FloatVector c0 = x0.sub(x2), c1 = x1.add(x2), c2 = x2.sub(x1), c3 = x1.sub(x3);
                    s += wp;
                    x0 = FloatVector.fromArray(SM, xp, s);
                    x1 = FloatVector.fromArray(SM, xp, s + half);
                    x2 = FloatVector.fromArray(SM, xp, s + 1);
                    x3 = FloatVector.fromArray(SM, xp, s + half + 1);
                    FloatVector d0 = x0.sub(x2), d1 = x1.add(x2), d2 = x2.sub(x1), d3 = x1.sub(x3);
                    // Bᵀ · down each column: row ξ of V is (a − c, b + c, c − b, b − d).
                    int at = (gr * cin + c) * MR;
                    a0.sub(c0).intoArray(va, at);                  a1.sub(c1).intoArray(va, at + eStride);
                    a2.sub(c2).intoArray(va, at + 2 * eStride);    a3.sub(c3).intoArray(va, at + 3 * eStride);
                    b0.add(c0).intoArray(va, at + 4 * eStride);    b1.add(c1).intoArray(va, at + 5 * eStride);
                    b2.add(c2).intoArray(va, at + 6 * eStride);    b3.add(c3).intoArray(va, at + 7 * eStride);
                    c0.sub(b0).intoArray(va, at + 8 * eStride);    c1.sub(b1).intoArray(va, at + 9 * eStride);
                    c2.sub(b2).intoArray(va, at + 10 * eStride);   c3.sub(b3).intoArray(va, at + 11 * eStride);
                    b0.sub(d0).intoArray(va, at + 12 * eStride);   b1.sub(d1).intoArray(va, at + 13 * eStride);
                    b2.sub(d2).intoArray(va, at + 14 * eStride);   b3.sub(d3).intoArray(va, at + 15 * eStride);
                }
            }
        }

        /**
         * m[e][tile][out16] = va[e] [tiles, cin] · ub[e] [cin, out16] for each of the 16 positions, for the
         * output-channel panels [p0, p1): e, then the panel (its cin·NR floats stay in L1), then the groups of
         * MR tiles.
         */
        void multiply(float[] va, float[] ub, int tiles, int p0, int p1, float[] m) {
            int groups = tiles / MR;
            for (int e = 0; e < 16; e++) {
                int aBase = e * (groups * cin * MR + SKEW), mBase = e * (tiles * out16 + SKEW);
                for (int op = p0; op < p1; op++) {
                    int bBase = e * (outPanels * cin * NR + SKEW) + op * cin * NR;
                    for (int gr = 0; gr < groups; gr++) {
                        MicroKernel.multiply(va, aBase + gr * cin * MR, ub, bBase, cin,
                                m, mBase + gr * MR * out16 + op * NR, out16, 0f);
                    }
                }
            }
        }

        /**
         * {@link #outputTransform}'s result, written a channel row at a time instead of a float at a time. For
         * each tile row, block of V output channels and group of V/2 tiles (2·(V/2) = V output columns),
         * the tiles' Aᵀ M A + bias vectors (V channels each) fill two V × V blocks, the group's top and
         * bottom output rows with one pixel per row of the block, and {@link Transpose#block} turns
         * each into V channel rows of V pixels in stage. The last group of a row can run up to 15 columns
         * past outW (cropped and padding tiles); those floats land in the next output row, which is
         * written after them, or in the skew after a channel's last row (stageStride has SKEW = 16
         * floats of it), never in anything kept: so each row's groups go right to left, and top before
         * bottom. Needs whole V/2-tile groups (tWp is a multiple of MR = V/2) and stage rows for
         * roundUp(cout, V) channels. Writes output channels [oLo, oHi) (oLo a multiple of V), V at a time.
         *
         * @param y two V × V blocks of scratch
         */
        void outputRows(float[] m, int t0, int t1, int oLo, int oHi, float[] bias, float[] stage, float[] y) {
            int tiles = t1 - t0, eStride = tiles * out16 + SKEW, row0 = 2 * (t0 / tWp), half = V / 2;
            for (int ty = t0 / tWp; ty < t1 / tWp; ty++) {
                int rowAt = (2 * ty - row0) * outW;
                for (int o0 = oLo; o0 < oHi; o0 += V) {
                    FloatVector bv = FloatVector.fromArray(S, bias, o0);
                    for (int tx0 = tWp - half; tx0 >= 0; tx0 -= half) {
                        for (int j = 0; j < half; j++) {
                            int at = (ty * tWp + tx0 + j - t0) * out16 + o0;
                            // M A along each row ξ, then Aᵀ down the columns: outputTransform's operations.
                            FloatVector r00 = row0(m, at, eStride), r01 = row1(m, at, eStride);
                            FloatVector r10 = row0(m, at + 4 * eStride, eStride), r11 = row1(m, at + 4 * eStride, eStride);
                            FloatVector r20 = row0(m, at + 8 * eStride, eStride), r21 = row1(m, at + 8 * eStride, eStride);
                            FloatVector r30 = row0(m, at + 12 * eStride, eStride), r31 = row1(m, at + 12 * eStride, eStride);
                            r00.add(r10).add(r20).add(bv).intoArray(y, 2 * j * V);
                            r01.add(r11).add(r21).add(bv).intoArray(y, (2 * j + 1) * V);
                            r10.sub(r20).sub(r30).add(bv).intoArray(y, V * V + 2 * j * V);
                            r11.sub(r21).sub(r31).add(bv).intoArray(y, V * V + (2 * j + 1) * V);
                        }
                        int base = o0 * stageStride + rowAt + 2 * tx0;
                        Transpose.block(y, 0, V, stage, base, channelRows, 0);
                        Transpose.block(y, V * V, V, stage, base + outW, channelRows, 0);
                    }
                }
            }
        }

        /**
         * stage [cout][stageStride], rows of outW from output row 2·(t0 / tWp) = the 2×2 outputs of tiles
         * [t0, t1) = Aᵀ M A + bias, V output channels at a time (the vector lanes), then scattered to their
         * four places (cropped at an odd bottom or right edge). Writes output channels [oLo, oHi) (oLo a
         * multiple of V).
         */
        void outputTransform(float[] m, int t0, int t1, int oLo, int oHi, float[] bias, float[] stage, float[] y) {
            int tiles = t1 - t0, eStride = tiles * out16 + SKEW, row0 = 2 * (t0 / tWp);
            for (int t = t0; t < t1; t++) {
                int ty = t / tWp, tx = t % tWp, oy = 2 * ty, ox = 2 * tx;
                if (tx >= tW) continue;   // a padding tile of the row
                boolean right = ox + 1 < outW, down = oy + 1 < outH;
                int at0 = (oy - row0) * outW + ox;
                for (int o0 = oLo; o0 < oHi; o0 += V) {
                    int at = (t - t0) * out16 + o0;
                    FloatVector bv = FloatVector.fromArray(S, bias, o0);
                    // M A along each row ξ: (m0 + m1 + m2, m1 − m2 − m3).
                    FloatVector r00 = row0(m, at, eStride), r01 = row1(m, at, eStride);
                    FloatVector r10 = row0(m, at + 4 * eStride, eStride), r11 = row1(m, at + 4 * eStride, eStride);
                    FloatVector r20 = row0(m, at + 8 * eStride, eStride), r21 = row1(m, at + 8 * eStride, eStride);
                    FloatVector r30 = row0(m, at + 12 * eStride, eStride), r31 = row1(m, at + 12 * eStride, eStride);
                    // Aᵀ · down the columns, then the bias.
                    r00.add(r10).add(r20).add(bv).intoArray(y, 0);
                    r01.add(r11).add(r21).add(bv).intoArray(y, V);
                    r10.sub(r20).sub(r30).add(bv).intoArray(y, 2 * V);
                    r11.sub(r21).sub(r31).add(bv).intoArray(y, 3 * V);
                    int lanes = Math.min(V, cout - o0);
                    if (right && down) {
                        // The usual tile, without the edge tests per element.
                        for (int l = 0, at1 = at0 + o0 * stageStride; l < lanes; l++, at1 += stageStride) {
                            stage[at1] = y[l];
                            stage[at1 + 1] = y[V + l];
                            stage[at1 + outW] = y[2 * V + l];
                            stage[at1 + outW + 1] = y[3 * V + l];
                        }
                        continue;
                    }
                    for (int l = 0; l < lanes; l++) {
                        int at1 = at0 + (o0 + l) * stageStride;
                        stage[at1] = y[l];
                        if (right) stage[at1 + 1] = y[V + l];
                        if (down) {
                            stage[at1 + outW] = y[2 * V + l];
                            if (right) stage[at1 + outW + 1] = y[3 * V + l];
                        }
                    }
                }
            }
        }

        private static FloatVector row0(float[] m, int at, int eStride) {
            return FloatVector.fromArray(S, m, at).add(FloatVector.fromArray(S, m, at + eStride))
                    .add(FloatVector.fromArray(S, m, at + 2 * eStride));
        }

        private static FloatVector row1(float[] m, int at, int eStride) {
            return FloatVector.fromArray(S, m, at + eStride).sub(FloatVector.fromArray(S, m, at + 2 * eStride))
                    .sub(FloatVector.fromArray(S, m, at + 3 * eStride));
        }
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
