package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;
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
    public static void im2col(float[] x, int xOff, int channels, WindowGeometry g, float[] cols, int colsOff) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int row = colsOff;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int dy = i * g.dilationH() - g.padTop(), dx = j * g.dilationW() - g.padLeft();
                    for (int y = 0; y < oh; y++) {
                        int iy = y * g.strideH() + dy;
                        int dst = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w;
                        for (int x0 = 0; x0 < ow; x0++) {
                            int ix = x0 * g.strideW() + dx;
                            cols[dst + x0] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                        }
                    }
                    row += oh * ow;
                }
            }
        }
    }
}
