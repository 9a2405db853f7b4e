package org.conv4j.kernels.gemm;

/**
 * The readable reference GEMM: plain loops, one float accumulator per output in k order.
 * Every fast GEMM is tested against it; it is also the fallback when the Vector API is unusable.
 */
public final class ScalarGemm implements Gemm {
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? sum : sum + beta * c[ci];
            }
        }
    }

    @Override
    public String name() { return "scalar"; }
}
