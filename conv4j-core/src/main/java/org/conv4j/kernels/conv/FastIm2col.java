package org.conv4j.kernels.conv;

import java.util.Arrays;
import org.conv4j.kernels.Kernels;
import org.conv4j.tensor.WindowGeometry;

/**
 * im2col and col2im over a range of output positions, with no per-element index arithmetic: each
 * column-matrix row (c, i, j) is walked one output row at a time, the valid input span of that row is
 * computed once, and the span is moved as one block (System.arraycopy, or a vector add for col2im, when
 * the stride is 1; a branch-free strided loop otherwise). The padding around it is filled or skipped in
 * blocks. Same layout and result as {@link Im2col} / {@link Col2im} (tested against them), restricted to
 * the positions [q0, q1) so a caller can keep a cache-sized tile of the column matrix.
 *
 * <p>Positions q = oh·OW + ow; the tile is a [C·KH·KW, q1−q0] row-major matrix with row stride {@code ld}.
 */
public final class FastIm2col {
    private FastIm2col() {}

    /**
     * cols[r][q − q0] = x at row r's offset for position q, or 0 in the padding, for q in [q0, q1).
     *
     * @param x    image [C, H, W] at {@code xOff}
     * @param cols tile [C·KH·KW, ld] at {@code colsOff}; columns [0, q1−q0) of every row are written
     */
    public static void im2col(float[] x, int xOff, int channels, WindowGeometry g, int q0, int q1,
                              float[] cols, int colsOff, int ld) {
        int h = g.inH(), w = g.inW(), ow = g.outW(), sH = g.strideH(), sW = g.strideW();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int i = 0; i < g.kH(); i++) {
                int dy = i * g.dilationH() - g.padTop();
                for (int j = 0; j < g.kW(); j++, r++) {
                    int dx = j * g.dilationW() - g.padLeft();
                    int owLo = validLo(dx, sW, ow), owHi = Math.max(owLo, validHi(dx, sW, w, ow));
                    int rowDst = colsOff + r * ld - q0;
                    for (int q = q0; q < q1; ) {
                        int oh = q / ow, a = q - oh * ow, b = Math.min(ow, a + (q1 - q));
                        int d = rowDst + q - a;              // where ow = 0 of this output row would land
                        int iy = oh * sH + dy;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, d + a, d + b, 0f);
                        } else {
                            int lo = Math.min(b, Math.max(a, owLo)), hi = Math.max(lo, Math.min(b, owHi));
                            for (int t = a; t < lo; t++) cols[d + t] = 0f;   // borders are a few values: no call
                            int src = plane + iy * w + dx;   // input index of ow = 0 is src + ow·sW
                            if (sW == 1) {
                                // hi = lo when the padding is wider than the output: src + lo may then lie outside x
                                if (hi > lo) System.arraycopy(x, src + lo, cols, d + lo, hi - lo);
                            } else {
                                for (int t = lo, s = src + lo * sW; t < hi; t++, s += sW) cols[d + t] = x[s];
                            }
                            for (int t = hi; t < b; t++) cols[d + t] = 0f;
                        }
                        q += b - a;
                    }
                }
            }
        }
    }

    /**
     * The adjoint: adds cols[r][q − q0] into the input position it was read from, for q in [q0, q1);
     * entries that came from the padding are dropped.
     *
     * @param dx image [C, H, W] at {@code dxOff}, accumulated into
     */
    public static void col2im(float[] cols, int colsOff, int ld, int channels, WindowGeometry g, int q0, int q1,
                              float[] dx, int dxOff) {
        var ew = Kernels.arrays();
        int h = g.inH(), w = g.inW(), ow = g.outW(), sH = g.strideH(), sW = g.strideW();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int plane = dxOff + c * h * w;
            for (int i = 0; i < g.kH(); i++) {
                int dy = i * g.dilationH() - g.padTop();
                for (int j = 0; j < g.kW(); j++, r++) {
                    int dxj = j * g.dilationW() - g.padLeft();
                    int owLo = validLo(dxj, sW, ow), owHi = Math.max(owLo, validHi(dxj, sW, w, ow));
                    int rowSrc = colsOff + r * ld - q0;
                    for (int q = q0; q < q1; ) {
                        int oh = q / ow, a = q - oh * ow, b = Math.min(ow, a + (q1 - q));
                        int iy = oh * sH + dy;
                        if (iy >= 0 && iy < h) {
                            int s = rowSrc + q - a;
                            int lo = Math.min(b, Math.max(a, owLo)), hi = Math.max(lo, Math.min(b, owHi));
                            int dst = plane + iy * w + dxj;
                            if (sW == 1) {
                                if (hi > lo) ew.axpy(hi - lo, 1f, cols, s + lo, dx, dst + lo);   // as in im2col
                            } else {
                                for (int t = lo, e = dst + lo * sW; t < hi; t++, e += sW) dx[e] += cols[s + t];
                            }
                        }
                        q += b - a;
                    }
                }
            }
        }
    }

    /** First output column whose input column ow·s + off is ≥ 0 (clamped to [0, ow]). */
    private static int validLo(int off, int s, int outW) {
        if (off >= 0) return 0;
        return Math.min(outW, (-off + s - 1) / s);
    }

    /** One past the last output column whose input column ow·s + off is < w (clamped to [0, outW]). */
    private static int validHi(int off, int s, int w, int outW) {
        int last = w - 1 - off;                 // need ow·s ≤ last
        if (last < 0) return 0;
        return Math.min(outW, last / s + 1);
    }
}
