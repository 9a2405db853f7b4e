package org.conv4j.kernels;

import org.conv4j.util.Rng;

/**
 * Run in a child JVM by {@link KernelsFallbackTest}: prints the kernel choice, then checks the chosen GEMM
 * against ScalarGemm on awkward sizes and prints "max-rel-err VALUE" (the largest |difference| / k²).
 */
public final class KernelsProbe {
    public static void main(String[] args) {
        System.out.println("reason: " + Kernels.reason());
        System.out.println("gemm: " + Kernels.gemm().name());
        Rng rng = new Rng(5);
        double worst = 0;
        for (int[] s : new int[][] {{1, 1, 1}, {3, 13, 207}, {37, 41, 300}, {13, 100, 450}}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = new float[m * k], b = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = rng.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat() - 0.5f;
                int lda = ta ? m : k, ldb = tb ? k : n;
                if (Kernels.gemm() instanceof VectorGemm v) {
                    v.packed(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                } else {
                    Kernels.gemm().sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                }
                new ScalarGemm().sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c2, 0, n);
                for (int i = 0; i < c1.length; i++) {
                    // |a·b| ≤ 1/4, so the rounding bound k·u·Σ|a·b| is below k²·u/4 for both GEMMs.
                    worst = Math.max(worst, Math.abs(c1[i] - c2[i]) / ((double) k * k));
                }
            }
        }
        System.out.println("max-rel-err " + worst);
    }
}
