package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;

/**
 * Gaussian inputs for one convolution, shared by the algorithm tests, and how they compare results with
 * {@link org.conv4j.conv.ReferenceConv2d}.
 *
 * @param x    [N, C, H, W]
 * @param w    [F, C/groups, KH, KW]
 * @param b    [F], or null when the configuration has no bias
 * @param dOut [N, F, OH, OW]
 */
record ConvData(float[] x, float[] w, float[] b, float[] dOut) {
    static ConvData of(Conv2dConfig cfg, int n, int h, int w, long seed) {
        WindowGeometry g = cfg.geometry(h, w);
        Rng rng = new Rng(seed);
        int wSize = cfg.outChannels() * (cfg.inChannels() / cfg.groups()) * cfg.kernelH() * cfg.kernelW();
        return new ConvData(gauss(rng, n * cfg.inChannels() * h * w), gauss(rng, wSize),
                cfg.bias() ? gauss(rng, cfg.outChannels()) : null,
                gauss(rng, n * cfg.outChannels() * g.outH() * g.outW()));
    }

    private static float[] gauss(Rng rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rng.nextGaussian();
        return a;
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
