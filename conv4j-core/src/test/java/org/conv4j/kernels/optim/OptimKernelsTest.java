package org.conv4j.kernels.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** VectorOptimKernels against ScalarOptimKernels at awkward sizes, bit for bit, and both against torch's formulas. */
class OptimKernelsTest {
    private static final int[] SIZES = {0, 1, 3, 13, 207, 4098, 9001};
    private final OptimKernels vec = new VectorOptimKernels();
    private final OptimKernels ref = new ScalarOptimKernels();

    private static float[] random(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.nextFloat();
        return x;
    }

    @Test
    void adamMatchesScalarBitwiseAndTheFormula() {
        // weight decay none, L2 (Adam) and decoupled (AdamW); step 3 so the bias corrections matter
        double[][] settings = {{0, 0}, {0.01, 0}, {0.01, 1}};
        for (double[] set : settings) {
            AdamStep st = AdamStep.of(1e-3, 0.9, 0.999, 1e-8, set[0], set[1] == 1, 3);
            for (int n : SIZES) {
                Rng rng = new Rng(n + (int) (set[0] * 100 + set[1] * 1000));
                float[] w1 = random(rng, n, -1f, 1f), g = random(rng, n, -1f, 1f);
                float[] m1 = random(rng, n, -0.1f, 0.1f), v1 = random(rng, n, 0f, 0.1f);
                float[] w2 = w1.clone(), m2 = m1.clone(), v2 = v1.clone();
                vec.adam(n, w1, g, m1, v1, st);
                ref.adam(n, w2, g, m2, v2, st);
                assertArrayEquals(w2, w1, "adam w n=" + n + " " + st);
                assertArrayEquals(m2, m1, "adam m n=" + n + " " + st);
                assertArrayEquals(v2, v1, "adam v n=" + n + " " + st);
            }
        }
        // First step from zero state: m̂ = g, v̂ = g², so w moves by lr·g/(|g|+eps) ≈ lr·sign(g).
        for (OptimKernels e : new OptimKernels[] {vec, ref}) {
            float[] w = {0.5f}, m = {0f}, v = {0f};
            e.adam(1, w, new float[] {0.2f}, m, v, AdamStep.of(0.1, 0.9, 0.999, 1e-8, 0, false, 1));
            assertEquals(0.4f, w[0], 1e-6f);
            // AdamW decays the weight by 1 − lr·wd before the step; Adam adds wd·w to the gradient, which at
            // step 1 moves w by about lr whatever the gradient's size, so the two differ
            float[] wa = {0.5f}, wb = {0.5f};
            e.adam(1, wa, new float[] {0f}, new float[1], new float[1], AdamStep.of(0.1, 0.9, 0.999, 1e-8, 0.5, true, 1));
            assertEquals(0.5f * 0.95f, wa[0], 1e-7f, "AdamW with a zero gradient only decays");
            e.adam(1, wb, new float[] {0f}, new float[1], new float[1], AdamStep.of(0.1, 0.9, 0.999, 1e-8, 0.5, false, 1));
            assertEquals(0.4f, wb[0], 1e-6f, "Adam's L2 term is a gradient of wd·w = 0.25");
        }
    }

    @Test
    void sgdMatchesScalarBitwiseAndTorchSemantics() {
        for (int n : SIZES) {
            for (int variant = 0; variant < 5; variant++) {
                Rng rng = new Rng(n * 7 + variant);
                float[] w1 = random(rng, n, -1f, 1f), g = random(rng, n, -1f, 1f), b1 = random(rng, n, -1f, 1f);
                float[] w2 = w1.clone(), b2 = b1.clone();
                float momentum = variant == 0 ? 0f : 0.9f, wd = variant == 4 ? 0f : 1e-4f;
                vec.sgd(n, w1, g, b1, 0.05f, momentum, 0.9f, wd, variant == 2, variant == 3);
                ref.sgd(n, w2, g, b2, 0.05f, momentum, 0.9f, wd, variant == 2, variant == 3);
                assertArrayEquals(w2, w1, "sgd w n=" + n + " variant " + variant);
                assertArrayEquals(b2, b1, "sgd buf n=" + n + " variant " + variant);
            }
        }
        for (OptimKernels e : new OptimKernels[] {vec, ref}) {
            // Momentum 0.9, first step: buf = g, w -= lr·g; second step: buf = 0.9·g + g.
            float[] w = {1f}, buf = {0f};
            e.sgd(1, w, new float[] {1f}, buf, 0.1f, 0.9f, 1f, 0f, false, true);
            assertEquals(0.9f, w[0], 1e-7f);
            e.sgd(1, w, new float[] {1f}, buf, 0.1f, 0.9f, 1f, 0f, false, false);
            assertEquals(1.9f, buf[0], 1e-6f);
            assertEquals(0.71f, w[0], 1e-6f);
            // Without weight decay an infinite weight takes no 0·∞ = NaN from the decay term
            float[] inf = {Float.POSITIVE_INFINITY};
            e.sgd(1, inf, new float[] {1f}, new float[1], 0.1f, 0f, 1f, 0f, false, true);
            assertEquals(Float.POSITIVE_INFINITY, inf[0]);
        }
    }

    @Test
    void rmspropMatchesScalarBitwiseAndTorchSemantics() {
        for (int n : SIZES) {
            for (int variant = 0; variant < 8; variant++) {
                boolean centred = (variant & 1) != 0, momentum = (variant & 2) != 0;
                float wd = (variant & 4) != 0 ? 1e-4f : 0f;
                Rng rng = new Rng(n * 11 + variant);
                float[] w1 = random(rng, n, -1f, 1f), g = random(rng, n, -1f, 1f);
                float[] s1 = random(rng, n, 0.5f, 1f), a1 = centred ? random(rng, n, -0.1f, 0.1f) : null;
                float[] b1 = momentum ? random(rng, n, -1f, 1f) : null;
                float[] w2 = w1.clone(), s2 = s1.clone(), a2 = centred ? a1.clone() : null, b2 = momentum ? b1.clone() : null;
                vec.rmsprop(n, w1, g, s1, a1, b1, 0.01f, 0.99f, 0.01f, 1e-8f, wd, momentum ? 0.9f : 0f);
                ref.rmsprop(n, w2, g, s2, a2, b2, 0.01f, 0.99f, 0.01f, 1e-8f, wd, momentum ? 0.9f : 0f);
                String what = " n=" + n + " variant " + variant;
                assertArrayEquals(w2, w1, "rmsprop w" + what);
                assertArrayEquals(s2, s1, "rmsprop square_avg" + what);
                if (centred) assertArrayEquals(a2, a1, "rmsprop grad_avg" + what);
                if (momentum) assertArrayEquals(b2, b1, "rmsprop momentum_buffer" + what);
            }
        }
        for (OptimKernels e : new OptimKernels[] {vec, ref}) {
            // First step from zero state, α = 0.99: sq = 0.01·g², so w moves by lr·g/(0.1·|g|) = 10·lr·sign(g).
            float[] w = {0.5f};
            e.rmsprop(1, w, new float[] {0.2f}, new float[1], null, null, 0.01f, 0.99f, 0.01f, 1e-8f, 0f, 0f);
            assertEquals(0.4f, w[0], 1e-6f);
            // Centred: the running mean of g (0.01·g) comes off: avg = √(0.01·g² − 0.0001·g²) = √0.0099·|g|.
            float[] wc = {0.5f};
            e.rmsprop(1, wc, new float[] {0.2f}, new float[1], new float[1], null, 0.01f, 0.99f, 0.01f, 0f, 0f, 0f);
            assertEquals(0.5f - 0.01f / (float) Math.sqrt(0.0099), wc[0], 1e-6f);
        }
    }
}
