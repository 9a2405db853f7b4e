package org.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** VectorElementwise against ScalarElementwise at awkward sizes and offsets, and both against formulas. */
class ElementwiseTest {
    private static final int[] SIZES = {0, 1, 3, 13, 207, 4098, 9001};
    private final Elementwise vec = new VectorElementwise();
    private final Elementwise ref = new ScalarElementwise();

    private static float[] random(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.nextFloat();
        return x;
    }

    @Test
    void orderedRowSumsAreOrderedSumsBitForBit() {
        Rng rng = new Rng(6);
        for (int rows : new int[] {0, 1, 3, 4, 5, 13}) {
            for (int n : new int[] {0, 1, 7, 8, 9, 207, 784}) {
                int stride = n + 3, off = 2;
                float[] x = random(rng, off + rows * stride, -1f, 1f);
                // Cancellation inside a running sum, where any other order gives other bits.
                if (n > 9 && rows > 0) { x[off] = 1e8f; x[off + 8] = -1e8f; }
                float[] start = random(rng, rows + 1, -1f, 1f), got = start.clone(), want = start.clone(), scalar = start.clone();
                vec.addOrderedSums(rows, n, x, off, stride, got, 1);
                ref.addOrderedSums(rows, n, x, off, stride, scalar, 1);
                for (int r = 0; r < rows; r++) want[1 + r] += OrderedSum.sum(x, off + r * stride, n);
                assertArrayEquals(want, got, rows + " rows of " + n);
                assertArrayEquals(want, scalar, rows + " rows of " + n + ", scalar");
            }
        }
    }

    @Test
    void mapsAreBitwiseEqualToTheScalarReference() {
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
            float[] z1 = random(new Rng(n), n + 3, -1f, 1f), z2 = z1.clone();
            vec.axpy(n, 0.37f, x, off, z1, 3);
            ref.axpy(n, 0.37f, x, off, z2, 3);
            assertArrayEquals(z2, z1, "axpy n=" + n);
            vec.scaleShift(n, x, off, 1.7f, -0.2f, z1, 0);
            ref.scaleShift(n, x, off, 1.7f, -0.2f, z2, 0);
            assertArrayEquals(z2, z1, "scaleShift n=" + n);
        }
    }

    @Test
    void reluFollowsTorch() {
        float[] x = {-2f, -0f, 0f, 3f, Float.NaN}, y = new float[5], d = {1f, 1f, 1f, 1f, 1f}, dx = new float[5];
        for (Elementwise e : new Elementwise[] {vec, ref}) {
            e.reluForward(5, x, 0, y, 0);
            assertArrayEquals(new float[] {0f, -0f, 0f, 3f, Float.NaN}, y, e.name());
            e.reluBackward(5, x, 0, d, 0, dx, 0);
            assertArrayEquals(new float[] {0f, 0f, 0f, 1f, 0f}, dx, e.name());
        }
    }

    @Test
    void reductionsAgreeWithinRounding() {
        Rng rng = new Rng(2);
        for (int n : SIZES) {
            float[] x = random(rng, n + 1, -1f, 3f), y = random(rng, n + 1, -2f, 2f);
            double exactSum = 0, exactDot = 0, exactDev = 0;
            for (int i = 1; i <= n; i++) { exactSum += x[i]; exactDot += (double) x[i] * y[i]; }
            float mean = (float) (n == 0 ? 0 : exactSum / n);
            for (int i = 1; i <= n; i++) exactDev += (x[i] - mean) * (double) (x[i] - mean);
            double tol = 4096 * 0x1.0p-24 * 3 * Math.max(1, n);
            assertEquals(exactSum, vec.sum(n, x, 1), tol, "sum n=" + n);
            assertEquals(exactSum, ref.sum(n, x, 1), tol, "scalar sum n=" + n);
            assertEquals(exactDot, vec.dot(n, x, 1, y, 1), tol * 2, "dot n=" + n);
            assertEquals(exactDev, vec.sumSquaredDeviation(n, x, 1, mean), tol * 3, "dev n=" + n);
            assertEquals(exactDev, ref.sumSquaredDeviation(n, x, 1, mean), tol * 3, "scalar dev n=" + n);
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
    void smoothActivationsAreWithinOneUlpOfTheScalarReference() {
        assertEquals(0, SmoothCases.beyondOneUlp(vec, ref));
        float[] a = new float[1], s1 = new float[1];
        // Where the results are known (float): the tails keep their relative accuracy.
        for (Elementwise e : new Elementwise[] {vec, ref}) {
            e.geluForward(1, new float[] {-10f}, 0, a, s1, 0);
            assertEquals(-7.619853e-23f, a[0], 1e-28f, "GELU(-10) = -10·Φ(-10)");
            e.sigmoidBackward(1, new float[] {-30f}, 0, new float[] {1f}, 0, a, 0);
            assertEquals(9.357623e-14f, a[0], 1e-19f, "σ'(-30) = e^-30 / (1 + e^-30)²");
        }
    }

    @Test
    void generalMaxPoolPassesMatchTheScalarLoopsIncludingTiesNaNAndEdges() {
        assertEquals(0, PoolCases.mismatches(vec, ref));
        assertTrue(PoolCases.compared > 100_000, "compared " + PoolCases.compared + " outputs");
        // Rows then columns take the first maximum in row-major order: in this 2×2 window of sevens the
        // top row's left cell, and NaN over every number with the first NaN winning.
        float[][] windows = {{7f, 7f, 7f, 7f}, {1f, Float.NaN, Float.NaN, 9f}, {-0f, 0f, 0f, -0f}};
        int[] want = {0, 1, 0};
        for (Elementwise e : new Elementwise[] {vec, ref}) {
            for (int t = 0; t < windows.length; t++) {
                float[] best = new float[2], at = new float[2], out = new float[1];
                int[] argmax = new int[1];
                e.maxPoolRows(2, 2, 2, 2, 0, 1, windows[t], 0, Float.NEGATIVE_INFINITY, best, at);
                e.maxPoolColumns(2, 2, 2, 0, 1, 1, best, at, out, argmax, 0, 0);
                assertEquals(want[t], argmax[0], e.name() + " window " + t);
                assertEquals(Float.floatToRawIntBits(windows[t][want[t]]), Float.floatToRawIntBits(out[0]), e.name() + " window " + t);
            }
        }
    }

    @Test
    void laneSumsAndBatchNormMapsMatchTheScalarReferenceBitForBit() {
        assertEquals(0, LaneSumCases.mismatches(vec, ref));
    }

    @Test
    void laneSumsFollowTheirWrittenOrder() {
        // Two rows of 10: row 0 is 1e17 then ones, row 1 is -1e17 then ones. Lane 0 gets 1e17, 1 (element 8,
        // absorbed), -1e17 and 1: 1. Lane 1 gets 1, 1, 1, 1: 4 (elements 1 and 9 of each row). Lanes 2–7 get
        // 2 each: 12. Total 17; a plain running sum would give 9, pairwise over rows 16.
        float[] x = new float[20];
        Arrays.fill(x, 1f);
        x[0] = 1e17f;
        x[10] = -1e17f;
        for (Elementwise e : new Elementwise[] {vec, ref}) {
            assertEquals(17.0, e.laneSum(2, 10, x, 0, 10), 0.0, e.name());
            double[] out = new double[2];
            e.laneGradientSums(2, 10, x, new float[20], 0, 10, 0.0, 1.0, out);
            assertEquals(17.0, out[0], 0.0, e.name());
        }
        // The squared deviations of 1..10 about their mean 5.5: 82.5 exactly.
        float[] r = new float[10];
        for (int i = 0; i < 10; i++) r[i] = i + 1;
        assertEquals(82.5, vec.laneSumSquaredDeviation(1, 10, r, 0, 10, 5.5), 0.0);
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
        for (Elementwise e : new Elementwise[] {vec, ref}) {
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
        for (Elementwise e : new Elementwise[] {vec, ref}) {
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
        for (Elementwise e : new Elementwise[] {vec, ref}) {
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

    @Test
    void maxPool2x2MatchesTheScalarLoopIncludingTiesAndNaN() {
        int[][] sizes = {{1, 1}, {1, 13}, {3, 1}, {2, 2}, {3, 3}, {3, 5}, {13, 13}, {14, 14}, {28, 28}, {7, 41}, {32, 66}, {2, 70}, {4, 207}};
        Rng rng = new Rng(4);
        for (int[] hw : sizes) {
            int h = hw[0], w = hw[1], planes = 3, off = 2;
            float[] x = new float[off + planes * h * w];
            for (int i = 0; i < x.length; i++) {
                // Many exact ties (ReLU zeros, repeated values) and a few NaNs.
                int kind = rng.nextInt(10);
                x[i] = kind < 4 ? 0f : kind == 4 ? Float.NaN : kind < 7 ? 1f : rng.nextFloat() - 0.5f;
            }
            int outs = planes * (h / 2) * (w / 2);
            float[] o1 = new float[outs + 1], o2 = new float[outs + 1];
            int[] a1 = new int[outs + 1], a2 = new int[outs + 1];
            vec.maxPool2x2(planes, h, w, x, off, o1, a1, 1);
            ref.maxPool2x2(planes, h, w, x, off, o2, a2, 1);
            assertArrayEquals(o2, o1, "values " + h + "x" + w);
            assertArrayEquals(a2, a1, "argmax " + h + "x" + w);
        }
        // First maximum in row-major order wins a tie: (0,1) before (1,0).
        float[] x = {0f, 7f, 7f, 1f};
        float[] out = new float[1];
        int[] at = new int[1];
        for (Elementwise e : new Elementwise[] {vec, ref}) {
            e.maxPool2x2(1, 2, 2, x, 0, out, at, 0);
            assertEquals(1, at[0], e.name());
        }
    }

    @Test
    void maxPool2x2WritesOnlyItsOwnOutputRangeAndReadsPastRowsSafely() {
        // The vector kernel reads whole vectors past a row's end and stores whole vectors past an output row's
        // end when more of x and of its own output range follow. Here x has slack after the planes, and the
        // planes are pooled as two calls on adjacent ranges (as Pooling's chunks are): sentinels around and
        // between the ranges must survive, and every output must equal the scalar loop's.
        int[][] sizes = {{2, 2}, {3, 5}, {14, 14}, {28, 28}, {6, 33}, {4, 70}, {9, 207}};
        Rng rng = new Rng(6);
        for (int[] hw : sizes) {
            int h = hw[0], w = hw[1], planes = 5, split = 2, off = 3, slack = 4 * Lanes.COUNT + w;
            float[] x = new float[off + planes * h * w + slack];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(6) == 0 ? Float.NaN : rng.nextInt(3) - 1f;
            int per = (h / 2) * (w / 2), outs = planes * per;
            float[] o1 = new float[outs + 2], o2 = new float[outs + 2];
            int[] a1 = new int[outs + 2], a2 = new int[outs + 2];
            Arrays.fill(o1, -9f);
            Arrays.fill(a1, -9);
            // The second range first, so a write past the first range's end would land on finished outputs.
            vec.maxPool2x2(planes - split, h, w, x, off + split * h * w, o1, a1, 1 + split * per);
            float[] afterSecond = o1.clone();
            vec.maxPool2x2(split, h, w, x, off, o1, a1, 1);
            ref.maxPool2x2(planes, h, w, x, off, o2, a2, 1);
            String where = h + "x" + w;
            assertEquals(-9f, o1[0], "before the output " + where);
            assertEquals(-9f, o1[outs + 1], "after the output " + where);
            assertEquals(-9, a1[0]);
            assertEquals(-9, a1[outs + 1]);
            assertArrayEquals(Arrays.copyOfRange(afterSecond, 1 + split * per, outs + 1),
                    Arrays.copyOfRange(o1, 1 + split * per, outs + 1), "the first call left the second range alone " + where);
            assertArrayEquals(Arrays.copyOfRange(o2, 1, outs + 1), Arrays.copyOfRange(o1, 1, outs + 1), "values " + where);
            assertArrayEquals(Arrays.copyOfRange(a2, 1, outs + 1), Arrays.copyOfRange(a1, 1, outs + 1), "argmax " + where);
        }
    }

    @Test
    void vectorSumHasAFixedOrderWhateverTheCompiler() {
        // The documented order: per 4096-value block, two V-lane float accumulators over 2V-value steps,
        // lanes of their sum added in lane order in double, then the tail in double. Exact equality, at
        // first call (interpreted) and after many calls (C2), so training is reproducible run to run.
        int v = Lanes.COUNT, n = 4096 + 2 * v * 3 + 5;
        Rng rng = new Rng(8);
        float[] x = random(rng, n, -1f, 1f);
        double want = 0;
        for (int start = 0; start < n; start += 4096) {
            int len = Math.min(4096, n - start), bound = len - len % (2 * v);
            float[] s0 = new float[v], s1 = new float[v];
            for (int i = 0; i < bound; i += 2 * v) {
                for (int l = 0; l < v; l++) {
                    s0[l] += x[start + i + l];
                    s1[l] += x[start + i + v + l];
                }
            }
            for (int l = 0; l < v; l++) want += s0[l] + s1[l];
            for (int i = bound; i < len; i++) want += x[start + i];
        }
        assertEquals(want, vec.sum(n, x, 0), 0.0, "first call");
        for (int i = 0; i < 20_000; i++) vec.sum(n, x, 0);
        assertEquals(want, vec.sum(n, x, 0), 0.0, "after JIT warm-up");
    }
}
