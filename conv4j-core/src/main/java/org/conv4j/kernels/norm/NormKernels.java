package org.conv4j.kernels.norm;

/**
 * Batch norm's per-channel sums and maps over the rows of an [N, C, S] tensor, in double, with a scalar
 * reference ({@link ScalarNormKernels}) and a Vector API version chosen by
 * {@link org.conv4j.kernels.Kernels#norm()}. Every sum follows {@link LaneSum}'s written-down order, so
 * every implementation, at any vector width, gives bitwise the same results.
 */
public interface NormKernels {
    /**
     * Σ x over {@code rows} rows of n values, row r starting at x[off + r·stride] (one channel of an [N, C, S]
     * tensor: rows = N, n = S, stride = C·S), in double, in {@link LaneSum}'s order: bitwise the same in
     * every implementation.
     */
    double laneSum(int rows, int n, float[] x, int off, int stride);

    /** Σ (x − mean)² over the rows of {@link #laneSum}, in double, in the same order. */
    double laneSumSquaredDeviation(int rows, int n, float[] x, int off, int stride, double mean);

    /**
     * Batch norm's gradient sums over the rows of {@link #laneSum} (g and x at the same offsets), in double,
     * in the same order: out[0] = Σ g, out[1] = Σ g·((x − mean)·invStd).
     */
    void laneGradientSums(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                          double[] out);

    /**
     * Batch norm's output over the rows of {@link #laneSum}: y = (float) (gamma·((x − mean)·invStd) + beta),
     * each operation in double in that order, y at x's offsets (y may be x).
     */
    void batchNormApply(int rows, int n, float[] x, int off, int stride, double mean, double invStd, double gamma,
                        double beta, float[] y);

    /**
     * Batch norm's input gradient with batch statistics over the rows of {@link #laneSum}:
     * dx = (float) (k·((g − meanG) − ((x − mean)·invStd)·meanGx)), in double in that order, dx at g's offsets.
     */
    void batchNormInputGrad(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                            double k, double meanG, double meanGx, float[] dx);

    /** Short name for logs and benchmarks. */
    String name();
}
