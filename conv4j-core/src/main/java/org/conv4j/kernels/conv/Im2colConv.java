package org.conv4j.kernels.conv;

import java.util.Arrays;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.kernels.gemm.PackedA;
import org.conv4j.tensor.WindowGeometry;

/**
 * The im2col convolution: im2col per image, then one GEMM per group on the chosen {@link Gemm}, so it
 * runs in the scalar and the vector mode alike. Checked against the double loops of
 * {@code conv.ReferenceConv2d}.
 *
 * <p>Dimension letters: N batch, C input channels, F output channels, G groups, Cg = C/G, Fg = F/G,
 * K = Cg·KH·KW (one column's length per group), P = OH·OW (output positions).
 * Per image and group g, with cols_g the [K, P] block of the image's im2col matrix:
 * <pre>
 *   forward   out_g  [Fg, P] = W_g [Fg, K] · cols_g [K, P]  (+ bias)
 *   backward  dW_g   [Fg, K] += dOut_g [Fg, P] · cols_gᵀ
 *             dCols_g [K, P]  = W_gᵀ · dOut_g [Fg, P]       then col2im → dX
 *             dB      [F]    += Σ_P dOut
 * </pre>
 * Transposes are GEMM flags, never materialised. Work is split over the batch with
 * {@link Parallel#forChunks}; dW and dB are reduced per chunk of fixed size (a function of N only) and the
 * partials are summed in chunk order, so gradients are bitwise identical for any number of threads.
 */
public final class Im2colConv {
    /** Floats of column matrix per position tile: the tile plus the GEMM's packed copy stay in L2 (512 KB). */
    static final int TILE_FLOATS = 64 * 1024;

    private Im2colConv() {}

    /**
     * Output positions per tile for a column matrix of {@code rows} rows and {@code p} positions: about
     * TILE_FLOATS/rows, a multiple of 16 (whole GEMM column panels), at least 256 so that packing the
     * weights (the GEMM's A, repacked per call) stays small beside the product.
     */
    static int positionTile(int rows, int p) {
        int t = Math.max(256, (TILE_FLOATS / Math.max(1, rows)) / 16 * 16);
        return Math.min(p, t);
    }

    /** True when im2col is the identity (1×1 kernel, stride 1, no padding): x is used as cols directly. */
    public static boolean isPointwise(WindowGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0;
    }

    /**
     * out = conv(x, w) + b.
     *
     * @param x   [N, C, H, W]
     * @param w   [F, Cg, KH, KW]
     * @param b   [F], or null for no bias
     * @param out [N, F, OH, OW], overwritten
     */
    public static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        forward(c, g, n, x, w, b, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, out, ws);
    }

    /**
     * out = conv(x, w) + b, then clamped to [lo, hi] as {@link org.conv4j.kernels.array.ArrayKernels#clamp} does
     * (an activation such as ReLU6 fused into the convolution's inference): each image's bias and clamp in one
     * pass over its output while the GEMM has just left it in cache, split over channels when one image is all
     * the call has. Bitwise the bias pass, then the clamp. Infinite bounds clamp nothing.
     *
     * @param lo  the lower bound, or −∞
     * @param hi  the upper bound, or +∞
     */
    public static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                               float lo, float hi, float[] out, Workspace ws) {
        boolean clamp = lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        Gemm gemm = Kernels.gemm();
        var ew = Kernels.arrays();
        int groups = c.groups(), cg = c.inChannels() / groups, fg = c.outChannels() / groups;
        int k = cg * g.kH() * g.kW(), p = g.outH() * g.outW();
        int xItem = c.inChannels() * g.inH() * g.inW(), outItem = c.outChannels() * p;
        boolean pointwise = isPointwise(g);
        int tile = pointwise ? p : positionTile(groups * k, p);
        // W_g is the same for every image: packed once here, not once per image inside the GEMM.
        KernelCache cache = ws.kernels();
        PackedA[] wg;
        if (cache != null) {
            wg = cache.im2col(w, () -> {
                PackedA[] packed = new PackedA[groups];
                for (int gi = 0; gi < groups; gi++) packed[gi] = gemm.pack(false, fg, k, w, gi * fg * k, k, null);
                return packed;
            });
        } else {
            wg = ws.packedWeights(0, groups);
            for (int gi = 0; gi < groups; gi++) wg[gi] = gemm.pack(false, fg, k, w, gi * fg * k, k, wg[gi]);
        }
        Parallel.forChunks(n, 1, (first, end) -> {
            float[] cols = pointwise ? null : ws.take(groups * k * tile);
            try {
                for (int item = first; item < end; item++) {
                    if (pointwise) {
                        for (int gi = 0; gi < groups; gi++) {
                            gemm.sgemm(wg[gi], false, p, x, item * xItem + gi * k * p, p,
                                    0f, out, item * outItem + gi * fg * p, p);
                        }
                    } else {
                        // One cache-sized tile of output positions at a time: the tile of cols stays in L2
                        // between im2col and the GEMM's packing.
                        for (int q0 = 0; q0 < p; q0 += tile) {
                            int t = Math.min(tile, p - q0);
                            FastIm2col.im2col(x, item * xItem, c.inChannels(), g, q0, q0 + t, cols, 0, t);
                            for (int gi = 0; gi < groups; gi++) {
                                gemm.sgemm(wg[gi], false, t, cols, gi * k * t, t,
                                        0f, out, item * outItem + gi * fg * p + q0, p);
                            }
                        }
                    }
                    if (b != null || clamp) {
                        int at = item * outItem;
                        // Inside a chunk (several images) this runs inline; for a lone image it splits the channels.
                        Parallel.forChunks(c.outChannels(), Math.max(1, (1 << 14) / Math.max(1, p)), (f0, f1) -> {
                            for (int f = f0; f < f1; f++) {
                                int row = at + f * p;
                                if (b != null) ew.scaleShift(p, out, row, 1f, b[f], out, row);  // out_f += b[f]
                                if (clamp) ew.clamp(p, lo, hi, out, row, out, row);
                            }
                        });
                    }
                }
            } finally {
                if (cols != null) ws.give(cols);
            }
        });
    }

    /**
     * Gradients of conv(x, w) + b given dOut.
     *
     * @param x    [N, C, H, W], the forward input
     * @param dOut [N, F, OH, OW]
     * @param dX   [N, C, H, W], overwritten; may be null when the caller needs no input gradient
     * @param dW   [F, Cg, KH, KW], added into
     * @param dB   [F], added into; null when the convolution has no bias
     */
    public static void backward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB, Workspace ws) {
        Gemm gemm = Kernels.gemm();
        var ew = Kernels.arrays();
        int groups = c.groups(), cg = c.inChannels() / groups, fg = c.outChannels() / groups, f = c.outChannels();
        int k = cg * g.kH() * g.kW(), p = g.outH() * g.outW();
        int xItem = c.inChannels() * g.inH() * g.inW(), outItem = f * p;
        int wSize = f * k, partialSize = wSize + (dB != null ? f : 0);
        boolean pointwise = isPointwise(g);
        int grain = Chunks.grain(n);
        float[][] partials = ws.partials(Parallel.chunkCount(n, grain), partialSize);
        int tile = pointwise ? p : positionTile(groups * k, p);
        PackedA[] wgT = ws.packedWeights(1, groups);  // W_gᵀ [K, Fg], shared by every image's dCols
        if (dX != null) {
            for (int gi = 0; gi < groups; gi++) wgT[gi] = gemm.pack(true, k, fg, w, gi * fg * k, k, wgT[gi]);
        }
        Parallel.forChunks(n, grain, (lo, hi) -> {
            float[] partial = partials[lo / grain];  // [F·K] dW, then [F] dB
            Arrays.fill(partial, 0, partialSize, 0f);
            float[] cols = pointwise ? null : ws.take(groups * k * tile);
            float[] dCols = pointwise || dX == null ? null : ws.take(groups * k * tile);
            try {
                for (int item = lo; item < hi; item++) {
                    int dOutBase = item * outItem;
                    if (pointwise) {
                        for (int gi = 0; gi < groups; gi++) {
                            // dW_g += dOut_g · x_gᵀ ; dX_g = W_gᵀ · dOut_g (x is its own column matrix)
                            gemm.sgemm(false, true, fg, k, p, dOut, dOutBase + gi * fg * p, p,
                                    x, item * xItem + gi * k * p, p, 1f, partial, gi * fg * k, k);
                            if (dX != null) {
                                gemm.sgemm(wgT[gi], false, p, dOut, dOutBase + gi * fg * p, p,
                                        0f, dX, item * xItem + gi * k * p, p);
                            }
                        }
                    } else {
                        if (dX != null) java.util.Arrays.fill(dX, item * xItem, (item + 1) * xItem, 0f);
                        for (int q0 = 0; q0 < p; q0 += tile) {
                            int t = Math.min(tile, p - q0);
                            FastIm2col.im2col(x, item * xItem, c.inChannels(), g, q0, q0 + t, cols, 0, t);
                            for (int gi = 0; gi < groups; gi++) {
                                int dOutAt = dOutBase + gi * fg * p + q0;
                                // dW_g += dOut_g[:, tile] · cols_g[:, tile]ᵀ
                                gemm.sgemm(false, true, fg, k, t, dOut, dOutAt, p, cols, gi * k * t, t,
                                        1f, partial, gi * fg * k, k);
                                if (dX != null) {
                                    // dCols_g[:, tile] = W_gᵀ · dOut_g[:, tile]
                                    gemm.sgemm(wgT[gi], false, t, dOut, dOutAt, p, 0f, dCols, gi * k * t, t);
                                }
                            }
                            if (dX != null) {
                                FastIm2col.col2im(dCols, 0, t, c.inChannels(), g, q0, q0 + t, dX, item * xItem);
                            }
                        }
                    }
                    if (dB != null) BiasGrad.addImage(dOut, dOutBase, f, p, partial, wSize);
                }
            } finally {
                if (cols != null) ws.give(cols);
                if (dCols != null) ws.give(dCols);
            }
        });
        // Sum the chunk partials in chunk order, then add into the caller's gradients; split over the pool
        // when large (each element is still summed in chunk order by one task).
        Parallel.forChunks(wSize, Math.max(1, Chunks.REDUCE_GRAIN / partials.length), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float s = 0f;
                for (float[] part : partials) s += part[i];
                dW[i] += s;
            }
        });
        if (dB != null) BiasGrad.reduce(partials, wSize, f, dB);
    }
}
