package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward and all three gradients of a convolution by direct loops in double: the oracle the fast paths'
 * tests compare with (any stride, padding, dilation and groups).
 */
record ConvOracle(double[] out, double[] dX, double[] dW, double[] dB) {

    /** x [N, C, H, W], w [F, Cg, KH, KW], b [F] or null, dOut [N, F, OH, OW]. */
    static ConvOracle of(Conv2dConfig cfg, int n, int h, int w, float[] x, float[] wt, float[] bias, float[] dOut) {
        ConvGeometry g = cfg.geometry(h, w);
        int cIn = cfg.inChannels(), f = cfg.outChannels(), gs = cfg.groups(), cg = cIn / gs, fg = f / gs;
        int kh = cfg.kernelH(), kw = cfg.kernelW(), oh = g.outH(), ow = g.outW();
        double[] rOut = new double[n * f * oh * ow], rDx = new double[x.length], rDw = new double[wt.length];
        double[] rDb = new double[f];
        for (int b = 0; b < n; b++) {
            for (int fo = 0; fo < f; fo++) {
                int grp = fo / fg;
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        int o = ((b * f + fo) * oh + y) * ow + z;
                        double d = dOut[o], acc = bias == null ? 0 : bias[fo];
                        rDb[fo] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int i = 0; i < kh; i++) {
                                int iy = y * g.strideH() - g.padTop() + i * g.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < kw; j++) {
                                    int ix = z * g.strideW() - g.padLeft() + j * g.dilationW();
                                    if (ix < 0 || ix >= w) continue;
                                    int xi = ((b * cIn + c) * h + iy) * w + ix, wi = ((fo * cg + ci) * kh + i) * kw + j;
                                    acc += (double) wt[wi] * x[xi];
                                    rDw[wi] += d * x[xi];
                                    rDx[xi] += d * wt[wi];
                                }
                            }
                        }
                        rOut[o] = acc;
                    }
                }
            }
        }
        return new ConvOracle(rOut, rDx, rDw, rDb);
    }

    /** Asserts |want − got| ≤ 1e-5 · max(1, max|want|) everywhere. */
    static void assertClose(String what, Conv2dConfig cfg, double[] want, float[] got) {
        assertTrue(got.length >= want.length, what + ": " + got.length + " values, want " + want.length);
        double scale = 0;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            int at = i;
            assertTrue(err <= 1e-5 * Math.max(1, scale),
                    () -> cfg.describe() + " " + what + "[" + at + "] differs by " + err + " (want " + want[at] + ", got " + got[at] + ")");
        }
    }
}
