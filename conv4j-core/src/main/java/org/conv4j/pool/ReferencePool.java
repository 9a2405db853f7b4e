package org.conv4j.pool;

import org.conv4j.tensor.WindowGeometry;

/**
 * Direct-loop pooling in double precision: the oracle {@link Pooling} is tested against and the forward
 * that gradient checks differentiate numerically. Written from torch's definitions, window by window,
 * without sharing code with the fast path beyond {@link WindowGeometry}'s output size.
 */
public final class ReferencePool {
    private ReferencePool() {}

    /**
     * Max pooling of x [N·C planes of H×W] → [N·C planes of OH×OW]; padding never wins.
     *
     * @param c      the pooling settings
     * @param planes N·C, the number of planes
     * @param h      H, the input height
     * @param w      W, the input width
     * @param x      [N·C planes of H×W]
     * @return a new array [N·C planes of OH×OW]
     * @throws IllegalArgumentException if the window does not fit the padded input
     */
    public static double[] max(PoolConfig c, int planes, int h, int w, double[] x) {
        WindowGeometry g = c.geometry("ReferencePool.max", h, w);
        int oh = g.outH(), ow = g.outW();
        double[] out = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < c.kernelH(); i++) {
                        for (int j = 0; j < c.kernelW(); j++) {
                            int iy = oy * c.strideH() - c.padH() + i, ix = ox * c.strideW() - c.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) best = Math.max(best, x[(pl * h + iy) * w + ix]);
                        }
                    }
                    out[(pl * oh + oy) * ow + ox] = best;
                }
            }
        }
        return out;
    }

    /**
     * Average pooling with torch's divisor: with count_include_pad, the cells of the window that lie in
     * the input or its padding (cells past the padding, reachable in ceil mode, do not count); without it,
     * the cells that lie in the input.
     *
     * @param c      the pooling settings
     * @param planes N·C, the number of planes
     * @param h      H, the input height
     * @param w      W, the input width
     * @param x      [N·C planes of H×W]
     * @return a new array [N·C planes of OH×OW]; 0 where a window holds no input cell
     * @throws IllegalArgumentException if the window does not fit the padded input
     */
    public static double[] avg(PoolConfig c, int planes, int h, int w, double[] x) {
        WindowGeometry g = c.geometry("ReferencePool.avg", h, w);
        int oh = g.outH(), ow = g.outW();
        double[] out = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    int inside = 0, insidePadded = 0;
                    for (int i = 0; i < c.kernelH(); i++) {
                        for (int j = 0; j < c.kernelW(); j++) {
                            int iy = oy * c.strideH() - c.padH() + i, ix = ox * c.strideW() - c.padW() + j;
                            if (iy < h + c.padH() && ix < w + c.padW()) insidePadded++;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                sum += x[(pl * h + iy) * w + ix];
                                inside++;
                            }
                        }
                    }
                    int divisor = c.countIncludePad() ? insidePadded : inside;
                    out[(pl * oh + oy) * ow + ox] = inside == 0 ? 0 : sum / divisor;
                }
            }
        }
        return out;
    }
}
