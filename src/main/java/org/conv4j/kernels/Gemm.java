package org.conv4j.kernels;

/**
 * Single-precision matrix product on row-major arrays:
 * {@code C = op(A) · op(B) + beta · C}, where op(X) is X or Xᵀ.
 *
 * <p>Shapes: op(A) is M×K, op(B) is K×N, C is M×N. A row-major A that is M×K has {@code lda >= K};
 * when transposed it is stored K×M with {@code lda >= M}; likewise for B. {@code beta} is 0 (overwrite;
 * C's old contents are ignored, even NaN) or 1 (accumulate), other values are allowed.
 * Implementations must not keep references to the arrays after returning and must be safe to call from
 * several threads at once on disjoint C.
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** Short name for logs and benchmarks. */
    String name();

    /** C = A·B for dense row-major A (m×k), B (k×n), C (m×n). */
    default void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        sgemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
    }
}
