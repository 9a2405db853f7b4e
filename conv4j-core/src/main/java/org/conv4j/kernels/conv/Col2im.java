package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;
/**
 * The readable scalar col2im, the adjoint of {@link Im2col}: folds a [C·KH·KW, OH·OW] column matrix back
 * onto an image [C, H, W], <em>adding</em> each entry into the input position it was read from. Entries
 * that came from the padding are dropped: the result is the unpadded image's gradient, for any padding
 * including none.
 */
public final class Col2im {
    private Col2im() {}

    /**
     * @param cols     [C·KH·KW, OH·OW] starting at {@code colsOff}
     * @param channels C
     * @param g        window geometry
     * @param dx       image [C, H, W] at {@code dxOff}, accumulated into (zero it first for a fresh dX)
     */
    public static void col2im(float[] cols, int colsOff, int channels, WindowGeometry g, float[] dx, int dxOff) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int row = colsOff;
        for (int c = 0; c < channels; c++) {
            int plane = dxOff + c * h * w;
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int dy = i * g.dilationH() - g.padTop(), dxj = j * g.dilationW() - g.padLeft();
                    for (int y = 0; y < oh; y++) {
                        int iy = y * g.strideH() + dy;
                        if (iy < 0 || iy >= h) continue;
                        int src = row + y * ow, dst = plane + iy * w;
                        for (int x0 = 0; x0 < ow; x0++) {
                            int ix = x0 * g.strideW() + dxj;
                            if (ix >= 0 && ix < w) dx[dst + ix] += cols[src + x0];
                        }
                    }
                    row += oh * ow;
                }
            }
        }
    }
}
