package org.conv4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * VectorGemm against ScalarGemm and a double-precision oracle at awkward sizes, every transpose pair,
 * offsets, wide strides, beta 0/1/other and NaN in C. The tolerance is the classic dot-product rounding
 * bound, 2·k·u·Σ|a·b| per element, so it scales with k and with the magnitudes actually summed.
 */
class VectorGemmTest {
    private static final int[] SIZES = {1, 3, 13, 207};
    private static final float U = 0x1.0p-24f;
    private final VectorGemm vector = new VectorGemm();
    private final ScalarGemm scalar = new ScalarGemm();

    /** One product: stored operands with offsets/strides, C pre-filled, and the double oracle. */
    record Case(boolean ta, boolean tb, int m, int n, int k, int aOff, int lda, int bOff, int ldb,
                        int cOff, int ldc, float beta, float[] a, float[] b, float[] c0) {
        static Case random(Rng rng, boolean ta, boolean tb, int m, int n, int k, int pad, float beta, boolean nanC) {
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
            int aOff = pad > 0 ? 5 : 0, bOff = pad > 0 ? 7 : 0, cOff = pad > 0 ? 3 : 0;
            float[] a = fill(rng, aOff + aRows * lda), b = fill(rng, bOff + bRows * ldb);
            float[] c = fill(rng, cOff + m * ldc);
            if (nanC) java.util.Arrays.fill(c, Float.NaN);
            return new Case(ta, tb, m, n, k, aOff, lda, bOff, ldb, cOff, ldc, beta, a, b, c);
        }

        float av(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }

        float bv(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }

        float[] run(Gemm g) {
            float[] c = c0.clone();
            g.sgemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] runPrepared(Gemm g) {
            float[] c = c0.clone();
            PackedA prepared = g.pack(ta, m, k, a, aOff, lda, null);
            g.sgemm(prepared, tb, n, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] runPreparedB(Gemm g) {
            float[] c = c0.clone();
            PackedB prepared = g.packB(tb, k, n, b, bOff, ldb);
            g.sgemm(ta, m, a, aOff, lda, prepared, beta, c, cOff, ldc);
            return c;
        }

        float[] runPacked(VectorGemm g) {
            float[] c = c0.clone();
            g.packed(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** Checks every element of C against the oracle and every value outside C's block is untouched. */
        void check(String who, float[] got) {
            boolean[] inC = new boolean[got.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) av(i, p) * bv(p, j);
                        sum += t;
                        mag += Math.abs(t);
                    }
                    int at = cOff + i * ldc + j;
                    inC[at] = true;
                    double old = c0[at];
                    double want = beta == 0f ? sum : sum + beta * old;
                    double tol = 2.0 * (k + 2) * U * (mag + (beta == 0f ? 0 : Math.abs(beta * old))) + 1e-30;
                    if (!(Math.abs(got[at] - want) <= tol)) {
                        fail(who + " " + this.describe() + ": C[" + i + "][" + j + "] = " + got[at] + ", want " + want
                                + " ± " + tol);
                    }
                }
            }
            for (int x = 0; x < got.length; x++) {
                if (!inC[x] && Float.floatToRawIntBits(got[x]) != Float.floatToRawIntBits(c0[x])) {
                    fail(who + " " + describe() + " wrote outside C at index " + x);
                }
            }
        }

        String describe() {
            return "sgemm(ta=" + ta + ", tb=" + tb + ", m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb="
                    + ldb + ", ldc=" + ldc + ", beta=" + beta + ")";
        }
    }

    private static float[] fill(Rng rng, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = rng.nextFloat() * 2f - 1f;
        return x;
    }

    @Test
    void everyTransposeAndAwkwardSizeMatchesTheOracle() {
        Rng rng = new Rng(42);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int m : SIZES) {
                    for (int n : SIZES) {
                        for (int k : SIZES) {
                            if ((long) m * n * k > 207L * 207 * 13) continue; // the 207³ case runs below
                            float beta = ((m + n + k) & 1) == 0 ? 0f : 1f;
                            Case c = Case.random(rng, ta, tb, m, n, k, (m + k) % 3, beta, false);
                            c.check("packed", c.runPacked(vector));
                            c.check("vector", c.run(vector));
                            c.check("scalar", c.run(scalar));
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeProductsCrossEveryBlockBoundary() {
        // k > KC (two k slices, beta switches to 1 on the second), m > MC, n > NCT, edges on both sides; a
        // narrow product three slices deep whose few rows are cut into blocks shorter than MC (a 1×1
        // convolution's at batch 1: 160 filters, 7×7 positions, 960 channels).
        Rng rng = new Rng(7);
        int[][] shapes = {{207, 207, 207}, {13, 600, 300}, {211, 37, 529}, {160, 49, 960}, {45, 20, 800}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Case c = Case.random(rng, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1, t == 3 ? 0.5f : 1f, false);
                c.check("vector", c.run(vector));
            }
        }
    }

    @Test
    void wideStridesAndOffsets() {
        Rng rng = new Rng(3);
        for (int t = 0; t < 4; t++) {
            Case c = Case.random(rng, (t & 1) != 0, (t & 2) != 0, 13, 19, 17, 4098 - 19, 0f, false);
            c.check("packed", c.runPacked(vector));
            c.check("vector", c.run(vector));
        }
    }

    @Test
    void betaZeroIgnoresNanInC() {
        Rng rng = new Rng(5);
        for (int[] s : new int[][] {{1, 1, 1}, {3, 13, 207}, {37, 41, 300}}) {
            Case c = Case.random(rng, false, true, s[0], s[1], s[2], 2, 0f, true);
            c.check("packed", c.runPacked(vector));
            c.check("vector", c.run(vector));
            c.check("scalar", c.run(scalar));
        }
    }

    @Test
    void kZeroScalesC() {
        float[] c = {Float.NaN, 2f, 3f, 4f};
        vector.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertEquals(0f, c[0]);
        float[] d = {1f, 2f, 3f, 4f};
        vector.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 1f, d, 0, 2);
        assertEquals(4f, d[3]);
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        Rng rng = new Rng(11);
        Case c = Case.random(rng, false, false, 301, 517, 300, 0, 0f, false);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = c.run(vector);
            Parallel.setThreads(3);
            float[] three = c.run(vector);
            for (int i = 0; i < one.length; i++) {
                assertEquals(Float.floatToRawIntBits(one[i]), Float.floatToRawIntBits(three[i]), "element " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aPreparedOnceGivesBitwiseThePlainProduct() {
        Rng rng = new Rng(77);
        int[][] shapes = {{1, 1, 1}, {3, 13, 5}, {13, 207, 3}, {207, 64, 13}, {64, 64, 256}, {13, 33, 500}, {5, 17, 800}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        Case c = Case.random(rng, ta, tb, s[0], s[1], s[2], 2, beta, false);
                        String what = "prepared " + (ta ? "Aᵀ" : "A") + (tb ? "·Bᵀ" : "·B") + " " + s[0] + "x" + s[1] + "x" + s[2];
                        org.junit.jupiter.api.Assertions.assertArrayEquals(c.run(vector), c.runPrepared(vector), what);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(c.run(scalar), c.runPrepared(scalar), what + " (scalar)");
                    }
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> vector.pack(false, 4, 4, new float[15], 0, 4, null));
        assertTrue(e.getMessage().contains("stored A"), e.getMessage());
    }

    @Test
    void bPreparedOnceGivesBitwiseThePlainProduct() {
        Rng rng = new Rng(78);
        int[][] shapes = {{1, 1, 1}, {1, 128, 3136}, {2, 13, 5}, {3, 207, 13}, {64, 64, 256}, {13, 33, 500}, {1, 17, 800}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        Case c = Case.random(rng, ta, tb, s[0], s[1], s[2], 2, beta, false);
                        String what = "B prepared " + (ta ? "Aᵀ" : "A") + (tb ? "·Bᵀ" : "·B") + " " + s[0] + "x" + s[1] + "x" + s[2];
                        org.junit.jupiter.api.Assertions.assertArrayEquals(c.run(vector), c.runPreparedB(vector), what);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(c.run(scalar), c.runPreparedB(scalar), what + " (scalar)");
                    }
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> vector.packB(false, 4, 4, new float[15], 0, 4));
        assertTrue(e.getMessage().contains("stored B"), e.getMessage());
    }

    @Test
    void aFewRowsAreBitwiseTheRowsOfAFullTile() {
        // Products of 1 and 2 rows run only their rows' FMAs; each row must be what the same row gets as part of
        // a product of many rows, where it sits in a full micro-tile.
        Rng rng = new Rng(79);
        for (int[] s : new int[][] {{128, 3136}, {1000, 512}, {33, 700}}) {
            int n = s[0], k = s[1], m = 16;
            for (float beta : new float[] {0f, 1f}) {
                Case full = Case.random(rng, false, true, m, n, k, 0, beta, false);
                float[] all = full.run(vector);
                for (int rows : new int[] {1, 2}) {
                    float[] c = java.util.Arrays.copyOf(full.c0(), rows * n);
                    vector.sgemm(false, true, rows, n, k, full.a(), 0, k, full.b(), 0, k, beta, c, 0, n);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOf(all, rows * n), c,
                            rows + " row(s) of " + n + "x" + k + ", beta " + beta);
                }
            }
        }
    }

    @Test
    void badArgumentsNameTheOperand() {
        var e = assertThrows(IllegalArgumentException.class, () -> vector.sgemm(false, false, 4, 4, 4,
                new float[15], 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("stored A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scalar.sgemm(false, true, 4, 4, 4,
                new float[16], 0, 4, new float[16], 0, 3, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("ldb=3"), e.getMessage());
    }

    @Test
    void kernelsChooseVectorHereAndExplainWhy() {
        // The test JVM runs with --add-modules jdk.incubator.vector and C2 on.
        assertTrue(Kernels.vectorApi() || System.getProperty("conv4j.kernels", "").equals("scalar"), Kernels::reason);
        assertTrue(Kernels.reason().equals("Vector API GEMM (" + Kernels.gemm().name() + "), Vector API elementwise") || System.getProperty("conv4j.kernels", "").equals("scalar"),
                Kernels.reason());
    }

    /** op(B) = Bᵀ packed for the micro-kernel: vector blocks, the k steps left over and partial panels. */
    @Test
    void transposedPanelsMatchTheScalarPacking() {
        int nr = VectorGemm.NR, V = VectorGemm.V;
        Rng rng = new Rng(4);
        for (int kc : new int[] {1, V - 1, V, V + 3, 5 * V + 7}) {
            for (int n : new int[] {nr, nr + 5, 2 * nr, 3}) {
                int ldb = kc + 11, p0 = 2;
                float[] b = new float[n * ldb + p0 + kc];
                for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat();
                for (int j0 = 0; j0 < n; j0 += nr) {
                    float[] dst = new float[kc * nr];
                    java.util.Arrays.fill(dst, Float.NaN);
                    VectorGemm.packB(true, b, 1, ldb, n, j0, p0, kc, dst, 0);
                    for (int p = 0; p < kc; p++) {
                        for (int q = 0; q < nr; q++) {
                            float want = j0 + q < n ? b[1 + (j0 + q) * ldb + p0 + p] : 0f;
                            assertEquals(want, dst[p * nr + q], "kc " + kc + ", n " + n + ", k step " + p + ", column " + (j0 + q));
                        }
                    }
                }
            }
        }
    }
}
