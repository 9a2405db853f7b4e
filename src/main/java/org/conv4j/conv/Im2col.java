package org.conv4j.conv;

import java.util.Arrays;

/**
 * The readable scalar im2col: lays every receptive field of one image out as a column.
 *
 * <p>For an image x of shape [C, H, W] the result is a row-major matrix cols of shape
 * [C·KH·KW, OH·OW]: row (c, i, j) — c-major, then kernel row i, then kernel column j, matching the
 * weight layout [F, C, KH, KW] — holds, at column (oh, ow), the input value at
 * (c, oh·strideH − padTop + i·dilationH, ow·strideW − padLeft + j·dilationW), or 0 where that falls in
 * the padding.
 */
public final class Im2col {
    private Im2col() {}

    /**
     * @param x        image values, [C, H, W] starting at {@code xOff}
     * @param channels C
     * @param g        window geometry (H, W, kernel, stride, padding, dilation)
     * @param cols     output, [C·KH·KW, OH·OW] starting at {@code colsOff}; every entry is written
     */
    public static void im2col(float[] x, int xOff, int channels, ConvGeometry g, float[] cols, int colsOff) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW(), sw = g.strideW();
        int row = colsOff;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int dy = i * g.dilationH() - g.padTop(), dx = j * g.dilationW() - g.padLeft();
                    // Output columns whose input column ox·sw + dx lies inside [0, w): [lo, hi).
                    int lo = Math.min(ow, firstInside(dx, sw)), hi = Math.max(lo, Math.min(ow, firstInside(dx - w, sw)));
                    for (int y = 0; y < oh; y++) {
                        int iy = y * g.strideH() + dy;
                        int dst = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w + dx;
                        Arrays.fill(cols, dst, dst + lo, 0f);
                        if (sw == 1 && hi > lo) {
                            System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) cols[dst + ox] = x[src + ox * sw];
                        }
                        Arrays.fill(cols, dst + hi, dst + ow, 0f);
                    }
                    row += oh * ow;
                }
            }
        }
    }

    /** The smallest ox ≥ 0 with ox·stride + offset ≥ 0. */
    static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }
}
