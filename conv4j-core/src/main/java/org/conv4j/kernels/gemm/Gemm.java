package org.conv4j.kernels.gemm;

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

    /**
     * op(A) [m, k] packed for several products {@link #sgemm(PackedA, boolean, int, float[], int, int,
     * float, float[], int, int)} that share it; A must not change while it is in use. The products are
     * bitwise the same as the plain sgemm's. {@code reuse}, when not null, is an earlier result whose
     * buffers may be packed over (so a layer packs its weights every batch without allocating); it
     * must not be in use any more.
     */
    default PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, PackedA reuse) {
        GemmChecks.checkA(transA, m, k, a, aOff, lda);
        return new PackedA(transA, m, k, a, aOff, lda, null);
    }

    /** C = op(A) · op(B) + beta · C with a packed A; otherwise as {@link #sgemm}. */
    default void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        sgemm(a.transA(), transB, a.m(), n, a.k(), a.a(), a.aOff(), a.lda(), b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * op(B) [k, n] packed for several products {@link #sgemm(boolean, int, float[], int, int, PackedB, float,
     * float[], int, int)} that share it; B must not change while it is in use. The products are bitwise the
     * same as the plain sgemm's.
     *
     * @param transB whether B is stored transposed, [n, k]
     * @param k      rows of op(B)
     * @param n      columns of op(B)
     * @param b      the array holding B
     * @param bOff   offset of B in {@code b}
     * @param ldb    B's row stride
     * @return the packed operand, referring to {@code b}
     */
    default PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        GemmChecks.checkB(transB, k, n, b, bOff, ldb);
        return new PackedB(transB, k, n, b, bOff, ldb, null);
    }

    /**
     * C = op(A) · op(B) + beta · C with a packed B; otherwise as {@link #sgemm}.
     *
     * @param transA whether A is stored transposed, [k, m]
     * @param m      rows of op(A) and C
     * @param a      the array holding A
     * @param aOff   offset of A in {@code a}
     * @param lda    A's row stride
     * @param b      op(B), packed by {@link #packB}
     * @param beta   0 to overwrite C, 1 to accumulate, or any other factor
     * @param c      the array holding C
     * @param cOff   offset of C in {@code c}
     * @param ldc    C's row stride
     */
    default void sgemm(boolean transA, int m, float[] a, int aOff, int lda, PackedB b,
                       float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, b.transB(), m, b.n(), b.k(), a, aOff, lda, b.b(), b.bOff(), b.ldb(), beta, c, cOff, ldc);
    }

    /** Short name for logs and benchmarks. */
    String name();

    /** C = A·B for dense row-major A (m×k), B (k×n), C (m×n). */
    default void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        sgemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
    }
}
