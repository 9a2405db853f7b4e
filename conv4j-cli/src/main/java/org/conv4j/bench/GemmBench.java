package org.conv4j.bench;

import java.io.PrintStream;
import org.conv4j.kernels.gemm.Gemm;
import org.conv4j.util.Rng;

/** Square sgemm throughput, shaped like ../shared/bench/openblas_sgemm.py (n, ms, GFLOP/s). */
public final class GemmBench {
    private GemmBench() {}

    /** The sizes {@code conv4j bench} reports. */
    public static final int[] SIZES = {256, 1024, 2048};

    /** Seconds per n×n×n product, best of several rounds after warm-up. */
    public static double seconds(Gemm gemm, int n) {
        Rng rng = new Rng(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble();
            b[i] = (float) rng.nextDouble();
        }
        // Same amount of work per round at every n, as the OpenBLAS script does.
        int inner = Math.max(1, (2048 / n) * (2048 / n) / 4);
        return Timing.best(() -> gemm.multiply(n, n, n, a, b, c), 3, 5, inner);
    }

    public static double gflops(int n, double seconds) { return 2.0 * n * n * n / seconds / 1e9; }

    /** Prints "n ms gflops" rows for {@link #SIZES}. */
    public static void run(Gemm gemm, PrintStream out) {
        out.println("n\tms\tgflops");
        for (int n : SIZES) {
            double s = seconds(gemm, n);
            out.printf("%d\t%.2f\t%.1f%n", n, s * 1e3, gflops(n, s));
        }
    }
}
