package org.conv4j.kernels.array;

/**
 * Primitives on flat float arrays that several families share: axpy, scale-and-shift and sums, with a
 * scalar reference ({@link ScalarArrayKernels}) and a Vector API version chosen by
 * {@link org.conv4j.kernels.Kernels#arrays()}. Every method works on {@code n} values starting at the given
 * offsets; ranges may not overlap unless stated. The maps and the ordered sums match the scalar reference
 * bit for bit; the plain sums within float rounding (summation order).
 */
public interface ArrayKernels {
    /** y[i] += alpha · x[i]. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** y[i] = x[i] · scale + shift (one channel plane scaled and shifted, or a bias added); y may be x. */
    void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff);

    /**
     * y[i] = x[i] &lt; lo ? lo : x[i] &gt; hi ? hi : x[i] (ReLU6, Hardtanh): written with comparisons, so NaN
     * and −0 pass through; y may be x.
     */
    void clamp(int n, float lo, float hi, float[] x, int xOff, float[] y, int yOff);

    /**
     * y[i] = a[i] &gt; t ? a[i] · b[i] : a[i] (SiLU's x·σ(x), whose few inputs at or below t, NaN among them,
     * the caller then computes another way); y may be a.
     *
     * @return how many elements were not above t
     */
    int multiplyAbove(int n, float t, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff);

    /** Σ x[i] (accumulated in several float lanes, returned as double). */
    double sum(int n, float[] x, int xOff);

    /**
     * dst[dstOff + r] += {@link OrderedSum#sum}(x, xOff + r·stride, n) for r &lt; rows, bit for bit that
     * written-down order in every implementation (a convolution's bias gradient, one row per channel).
     */
    void addOrderedSums(int rows, int n, float[] x, int xOff, int stride, float[] dst, int dstOff);

    /** Σ (x[i] - mean)² (for variances without the cancellation of Σx² − n·mean²). */
    double sumSquaredDeviation(int n, float[] x, int xOff, float mean);

    /** Σ x[i] · y[i]. */
    double dot(int n, float[] x, int xOff, float[] y, int yOff);

    /** Short name for logs and benchmarks. */
    String name();
}
