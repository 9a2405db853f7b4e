package org.conv4j.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** VectorActivationKernels against ScalarActivationKernels at awkward sizes and offsets, and both against formulas. */
class ActivationKernelsTest {
    private static final int[] SIZES = {0, 1, 3, 13, 207, 4098, 9001};
    private final ActivationKernels vec = new VectorActivationKernels();
    private final ActivationKernels ref = new ScalarActivationKernels();

    private static float[] random(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.nextFloat();
        return x;
    }

    @Test
    void reluIsBitwiseTheScalarLoop() {
        Rng rng = new Rng(1);
        for (int n : SIZES) {
            int off = n % 5;
            float[] x = random(rng, n + off, -1f, 1f), d = random(rng, n + off, -1f, 1f);
            if (n > 3) { x[off] = -0f; x[off + 1] = Float.NaN; x[off + 2] = 0f; }
            float[] y1 = new float[n + 2], y2 = new float[n + 2];
            vec.reluForward(n, x, off, y1, 2);
            ref.reluForward(n, x, off, y2, 2);
            assertArrayEquals(y2, y1, "relu forward n=" + n);
            vec.reluBackward(n, x, off, d, off, y1, 1);
            ref.reluBackward(n, x, off, d, off, y2, 1);
            assertArrayEquals(y2, y1, "relu backward n=" + n);
        }
    }

    @Test
    void reluFollowsTorch() {
        float[] x = {-2f, -0f, 0f, 3f, Float.NaN}, y = new float[5], d = {1f, 1f, 1f, 1f, 1f}, dx = new float[5];
        for (ActivationKernels e : new ActivationKernels[] {vec, ref}) {
            e.reluForward(5, x, 0, y, 0);
            assertArrayEquals(new float[] {0f, -0f, 0f, 3f, Float.NaN}, y, e.name());
            e.reluBackward(5, x, 0, d, 0, dx, 0);
            assertArrayEquals(new float[] {0f, 0f, 0f, 1f, 0f}, dx, e.name());
        }
    }

    @Test
    void leakyReluIsBitwiseTheScalarLoopIncludingNaNAndSignedZeros() {
        Rng rng = new Rng(9);
        for (int n : SIZES) {
            int off = n % 5;
            float[] x = random(rng, n + off, -1f, 1f), d = random(rng, n + off, -1f, 1f);
            if (n > 3) { x[off] = -0f; x[off + 1] = Float.NaN; x[off + 2] = 0f; x[off + 3] = Float.NEGATIVE_INFINITY; }
            float[] y1 = new float[n + 2], y2 = new float[n + 2], g1 = new float[n + 1], g2 = new float[n + 1];
            vec.leakyReluForward(n, 0.01f, x, off, y1, 2);
            ref.leakyReluForward(n, 0.01f, x, off, y2, 2);
            vec.leakyReluBackward(n, 0.2f, x, off, d, off, g1, 1);
            ref.leakyReluBackward(n, 0.2f, x, off, d, off, g2, 1);
            for (int i = 0; i < y1.length; i++) assertEquals(Float.floatToRawIntBits(y2[i]), Float.floatToRawIntBits(y1[i]), "y n=" + n + " i=" + i);
            for (int i = 0; i < g1.length; i++) assertEquals(Float.floatToRawIntBits(g2[i]), Float.floatToRawIntBits(g1[i]), "dx n=" + n + " i=" + i);
            for (int i = 0; i < n; i++) {
                float v = x[off + i];
                assertEquals(Float.floatToRawIntBits(v > 0 ? v : 0.01f * v), Float.floatToRawIntBits(y2[2 + i]), "formula i=" + i);
            }
        }
    }

    @Test
    void smoothActivationsMatchTheScalarReference() {
        assertEquals(0, SmoothActivationCases.mismatches(vec, ref));
        float[] a = new float[1], s1 = new float[1];
        // Where the results are known (float): the tails keep their relative accuracy.
        for (ActivationKernels e : new ActivationKernels[] {vec, ref}) {
            e.geluForward(1, new float[] {-10f}, 0, a, s1, 0);
            assertEquals(-7.619853e-23f, a[0], 1e-28f, "GELU(-10) = -10·Φ(-10)");
            e.sigmoidForward(1, new float[] {-30f}, 0, s1, a, 0);
            assertEquals(9.357623e-14f, a[0], 1e-19f, "σ'(-30) = e^-30 / (1 + e^-30)²");
            e.tanhForward(1, new float[] {20f}, 0, s1, a, 0);
            assertEquals(1.6993e-17f, a[0], 1e-21f, "tanh'(20) = 4e^-40 / (1 + e^-40)²");
        }
    }
}
