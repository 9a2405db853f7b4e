package org.conv4j.kernels.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.conv4j.kernels.Lanes;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** VectorArrayKernels against ScalarArrayKernels at awkward sizes and offsets, and both against formulas. */
class ArrayKernelsTest {
    private static final int[] SIZES = {0, 1, 3, 13, 207, 4098, 9001};
    private final ArrayKernels vec = new VectorArrayKernels();
    private final ArrayKernels ref = new ScalarArrayKernels();

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
            float[] z1 = random(new Rng(n), n + 3, -1f, 1f), z2 = z1.clone();
            vec.axpy(n, 0.37f, x, off, z1, 3);
            ref.axpy(n, 0.37f, x, off, z2, 3);
            assertArrayEquals(z2, z1, "axpy n=" + n);
            vec.scaleShift(n, x, off, 1.7f, -0.2f, z1, 0);
            ref.scaleShift(n, x, off, 1.7f, -0.2f, z2, 0);
            assertArrayEquals(z2, z1, "scaleShift n=" + n);
            // Clamp to [−0.5, 0.25] and to ReLU6's [0, 6] (scaled x): NaN and −0 pass, the bounds are exact.
            for (float[] b : new float[][] {{-0.5f, 0.25f}, {0f, 6f}}) {
                float[] xs = x.clone();
                for (int i = 0; i < xs.length; i++) xs[i] *= b[1] == 6f ? 10f : 1f;
                if (n > 5) { xs[off + 3] = Float.POSITIVE_INFINITY; xs[off + 4] = Float.NEGATIVE_INFINITY; xs[off + 5] = b[1]; }
                vec.clamp(n, b[0], b[1], xs, off, z1, 0);
                ref.clamp(n, b[0], b[1], xs, off, z2, 0);
                assertArrayEquals(z2, z1, "clamp n=" + n);
                for (int i = 0; i < n; i++) {
                    float v = xs[off + i], want = v < b[0] ? b[0] : v > b[1] ? b[1] : v;
                    org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(z1[i]),
                            "clamp of " + v);
                }
            }
        }
    }

    @Test
    void multiplyAboveMultipliesOnlyAboveTheThresholdAndCountsTheRest() {
        Rng rng = new Rng(12);
        for (int n : SIZES) {
            int off = n % 5;
            float[] a = random(rng, n + off, -100f, 100f), b = random(rng, n + off, -2f, 2f);
            if (n > 6) {
                a[off] = Float.NaN; a[off + 1] = -80f; a[off + 2] = Math.nextUp(-80f); a[off + 3] = -0f;
                a[off + 4] = Float.NEGATIVE_INFINITY; a[off + 5] = Float.POSITIVE_INFINITY; b[off + 3] = 3f;
            }
            int want = 0;
            float[] expect = new float[n];
            for (int i = 0; i < n; i++) {
                float v = a[off + i];
                expect[i] = v > -80f ? v * b[off + i] : v;
                if (!(v > -80f)) want++;
            }
            float[] y1 = new float[n + 2], y2 = new float[n + 2];
            assertEquals(want, vec.multiplyAbove(n, -80f, a, off, b, off, y1, 2), "count n=" + n);
            assertEquals(want, ref.multiplyAbove(n, -80f, a, off, b, off, y2, 2), "scalar count n=" + n);
            assertArrayEquals(y2, y1, "multiplyAbove n=" + n);
            assertArrayEquals(expect, java.util.Arrays.copyOfRange(y1, 2, n + 2), "multiplyAbove against its definition, n=" + n);
            float[] inPlace = a.clone();
            vec.multiplyAbove(n, -80f, inPlace, off, b, off, inPlace, off);
            assertArrayEquals(expect, java.util.Arrays.copyOfRange(inPlace, off, off + n), "in place, n=" + n);
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
    void vectorSumHasAFixedOrderWhateverTheCompiler() {
        // The documented order: per 4096-value block, two V-lane float accumulators over 2V-value steps,
        // lanes of their sum added in lane order in double, then the tail in double. Exact equality, at
        // first call (interpreted) and after many calls (C2), so training is reproducible run to run.
        int v = Lanes.SPECIES.length(), n = 4096 + 2 * v * 3 + 5;
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
