package org.conv4j.kernels.gemm;

/** Argument checks and the k = 0 case shared by every {@link Gemm}. */
final class GemmChecks {
    private GemmChecks() {}

    /** Throws IllegalArgumentException naming the operand whose size, stride or offset does not fit. */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) return;
        // A is stored rows×cols: m×k, or k×m when transposed; likewise B.
        operand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        operand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        operand("C", c, cOff, ldc, m, n);
    }

    /** The checks of {@link #check} on A alone (for {@link Gemm#pack}). */
    static void checkA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        if (m < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " k=" + k);
        operand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    }

    /** The checks of {@link #check} on B alone (for {@link Gemm#packB}). */
    static void checkB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        if (n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size n=" + n + " k=" + k);
        operand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    private static void operand(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase() + "=" + ld + " is less than the "
                    + cols + " columns of stored " + name + " (" + rows + "x" + cols + ")");
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("sgemm: stored " + name + " (" + rows + "x" + cols + ", ld " + ld
                    + ", offset " + off + ") needs " + last + " floats but the array has " + x.length);
        }
    }

    /** C = beta·C over an m×n block (k = 0: the product is empty); beta 0 overwrites, even NaN. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }
}
