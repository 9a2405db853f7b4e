package org.conv4j.conv;

import org.conv4j.util.Rng;

/**
 * Gaussian inputs for one convolution, shared by the algorithm tests.
 *
 * @param x    [N, C, H, W]
 * @param w    [F, C/groups, KH, KW]
 * @param b    [F], or null when the configuration has no bias
 * @param dOut [N, F, OH, OW]
 */
record ConvData(float[] x, float[] w, float[] b, float[] dOut) {
    static ConvData of(Conv2dConfig cfg, int n, int h, int w, long seed) {
        ConvGeometry g = cfg.geometry(h, w);
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
}
