package org.conv4j.kernels.activation;

import org.conv4j.util.Rng;

/**
 * The smooth activations (sigmoid, tanh, GELU, forward and backward) of one implementation against another
 * on a dense grid over [−40, 40] (both erfc branches, the −3.5 and ±2.5·√2 switches, erfc's underflow past
 * 27·√2), tiny and subnormal values, signed zeros, infinities and NaN, at an odd length so scalar tails run
 * too. Counts outputs that are neither the same float nor a neighbour of the same sign. Shared by
 * {@link ActivationKernelsTest} (the host's width) and {@link org.conv4j.kernels.KernelsProbe} (every width).
 */
public final class SmoothActivationCases {
    private SmoothActivationCases() {}

    public static int beyondOneUlp(ActivationKernels vec, ActivationKernels ref) {
        float[] special = {0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-8f, -1e-8f, -3.5f,
                Math.nextDown(-3.5f), 3.5355339f, -3.5355339f, 8.485281f, -8.485281f, 38.2f, -38.2f, 88f, -88f, 100f,
                -100f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        int grid = 80_001, n = grid + special.length;
        float[] x = new float[n], d = new float[n];
        for (int i = 0; i < grid; i++) x[i] = -40f + 80f * i / (grid - 1);
        System.arraycopy(special, 0, x, grid, special.length);
        Rng rng = new Rng(3);
        for (int i = 0; i < n; i++) d[i] = (float) rng.nextGaussian();
        float[] a = new float[n], b = new float[n], sa = new float[n], sb = new float[n];
        int bad = 0;
        vec.sigmoidForward(n, x, 0, a, 0);
        ref.sigmoidForward(n, x, 0, b, 0);
        bad += count(b, a);
        vec.sigmoidBackward(n, x, 0, d, 0, a, 0);
        ref.sigmoidBackward(n, x, 0, d, 0, b, 0);
        bad += count(b, a);
        vec.tanhForward(n, x, 0, a, 0);
        ref.tanhForward(n, x, 0, b, 0);
        bad += count(b, a);
        vec.tanhBackward(n, x, 0, d, 0, a, 0);
        ref.tanhBackward(n, x, 0, d, 0, b, 0);
        bad += count(b, a);
        vec.geluForward(n, x, 0, a, sa, 0);
        ref.geluForward(n, x, 0, b, sb, 0);
        bad += count(b, a) + count(sb, sa);
        float[] c = new float[n];
        vec.geluForward(n, x, 0, c, null, 0);  // without the slope: the same values
        for (int i = 0; i < n; i++) if (Float.compare(a[i], c[i]) != 0) bad++;
        return bad;
    }

    private static int count(float[] want, float[] got) {
        int bad = 0;
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got[i];
            if (Float.compare(w, g) == 0) continue;
            boolean near = !Float.isNaN(w) && !Float.isNaN(g) && (Math.nextUp(w) == g || Math.nextDown(w) == g)
                    && Math.signum(w) == Math.signum(g);
            if (!near) bad++;
        }
        return bad;
    }
}
