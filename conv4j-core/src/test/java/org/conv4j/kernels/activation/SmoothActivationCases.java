package org.conv4j.kernels.activation;

import org.conv4j.util.Rng;

/**
 * The smooth activations (sigmoid, tanh, GELU: values and slopes) of one implementation against another on
 * a dense grid over [−40, 40] (GELU's interval switch at ±2, its identity from 6, its double-precision tail
 * from −6 down and the root of its derivative near −0.75; tanh's 9/16 switch), tiny and subnormal values,
 * sigmoid's one-step scaling up to |x| = 86, the underflow of e^−|x| near ±87 and ±104, signed zeros,
 * infinities and NaN, at an odd length so scalar tails run too. Counts mismatches: any difference in the
 * bits (both compute the same float operations). Shared by {@link ActivationKernelsTest} (the host's width)
 * and {@link org.conv4j.kernels.KernelsProbe} (every width).
 */
public final class SmoothActivationCases {
    private SmoothActivationCases() {}

    public static int mismatches(ActivationKernels vec, ActivationKernels ref) {
        float[] special = {0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-8f, -1e-8f,
                -3.5f, 2f, -2f, Math.nextDown(2f), Math.nextDown(-2f), 6f, -6f, Math.nextDown(6f), Math.nextUp(-6f), -0.7517915f,
                -0.75179154f, 8.485281f, -8.485281f, 0.5625f, -0.5625f,
                Math.nextDown(0.5625f), 38.2f, -38.2f, 52.7f, -52.7f, 53f, 86f, -86f, Math.nextDown(86f),
                Math.nextUp(-86f), 87.3f, -87.3f, 88f, -88f, 100f, -100f, 103.9f,
                -103.9f, 104f, -104f, 106f, -106f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN};
        int grid = 80_001, n = grid + special.length;
        float[] x = new float[n];
        for (int i = 0; i < grid; i++) x[i] = -40f + 80f * i / (grid - 1);
        System.arraycopy(special, 0, x, grid, special.length);
        float[] a = new float[n], b = new float[n], sa = new float[n], sb = new float[n], c = new float[n];
        int bad = 0;
        vec.sigmoidForward(n, x, 0, a, sa, 0);
        ref.sigmoidForward(n, x, 0, b, sb, 0);
        bad += differentBits(b, a) + differentBits(sb, sa);
        vec.sigmoidForward(n, x, 0, c, null, 0);  // without the slope: the same values
        bad += differentBits(a, c);
        vec.tanhForward(n, x, 0, a, sa, 0);
        ref.tanhForward(n, x, 0, b, sb, 0);
        bad += differentBits(b, a) + differentBits(sb, sa);
        vec.tanhForward(n, x, 0, c, null, 0);
        bad += differentBits(a, c);
        vec.geluForward(n, x, 0, a, sa, 0);
        ref.geluForward(n, x, 0, b, sb, 0);
        bad += differentBits(b, a) + differentBits(sb, sa);
        vec.geluForward(n, x, 0, c, null, 0);
        bad += differentBits(a, c);
        return bad;
    }

    private static int differentBits(float[] want, float[] got) {
        int bad = 0;
        for (int i = 0; i < want.length; i++) if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) bad++;
        return bad;
    }
}
