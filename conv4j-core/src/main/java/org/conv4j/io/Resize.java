package org.conv4j.io;

/**
 * Image resizing with a triangle (bilinear) filter whose support widens with the downscale factor, so
 * shrinking averages every source pixel instead of skipping most of them: the algorithm of PIL's
 * {@code Image.resize(size, BILINEAR)}, which torchvision's Resize uses, computed in float.
 */
final class Resize {
    private Resize() {}

    /** Resizes {@code src} [C, sh, sw] to a new [C, dh, dw]; returns {@code src} itself when sizes agree. */
    static float[] resize(float[] src, int c, int sh, int sw, int dh, int dw) {
        if (sh == dh && sw == dw) return src;
        float[] tmp = new float[c * sh * dw];           // [C, sh, dw] after the horizontal pass
        Weights wx = weights(sw, dw);
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < sh; y++) {
                int s = (ch * sh + y) * sw, d = (ch * sh + y) * dw;
                for (int x = 0; x < dw; x++) {
                    float acc = 0;
                    int lo = wx.start[x];
                    for (int k = 0, n = wx.count[x]; k < n; k++) acc += src[s + lo + k] * wx.w[x][k];
                    tmp[d + x] = acc;
                }
            }
        float[] out = new float[c * dh * dw];           // [C, dh, dw]
        Weights wy = weights(sh, dh);
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < dh; y++) {
                int lo = wy.start[y], n = wy.count[y], d = (ch * dh + y) * dw;
                for (int k = 0; k < n; k++) {
                    float wk = wy.w[y][k];
                    int s = (ch * sh + lo + k) * dw;
                    for (int x = 0; x < dw; x++) out[d + x] += tmp[s + x] * wk;
                }
            }
        return out;
    }

    /** Per output pixel: first source pixel, number of taps and their normalised weights. */
    private record Weights(int[] start, int[] count, float[][] w) {}

    private static Weights weights(int in, int out) {
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;                   // triangle filter: support 1, widened when shrinking
        int[] start = new int[out], count = new int[out];
        float[][] w = new float[out][];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), in);
            int n = Math.max(hi - lo, 1);
            if (lo + n > in) lo = in - n;
            double[] k = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double t = Math.abs((i + lo - center + 0.5) / filterScale);
                k[i] = t < 1 ? 1 - t : 0;
                sum += k[i];
            }
            w[o] = new float[n];
            for (int i = 0; i < n; i++) w[o][i] = (float) (sum == 0 ? (i == 0 ? 1 : 0) : k[i] / sum);
            start[o] = lo;
            count[o] = n;
        }
        return new Weights(start, count, w);
    }
}
