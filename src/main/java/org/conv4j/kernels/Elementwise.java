package org.conv4j.kernels;

/**
 * Elementwise and reduction primitives on flat float arrays, with a scalar reference
 * ({@link ScalarElementwise}) and a Vector API version chosen by {@link Kernels#elementwise()}.
 * Every method works on {@code n} values starting at the given offsets; ranges may not overlap unless
 * stated. Results match the scalar reference exactly for the elementwise maps and within float
 * rounding (summation order) for the reductions.
 */
public interface Elementwise {
    /** y[i] = max(x[i], 0); y may be x (in place). NaN stays NaN like torch.relu. */
    void reluForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX[i] = x[i] > 0 ? dOut[i] : 0 (x is the forward input or output; both give the same mask). */
    void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /** y[i] += alpha · x[i]. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** y[i] = x[i] · scale + shift (batch-norm apply per channel plane); y may be x. */
    void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff);

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

    /**
     * One Adam (or AdamW) step over n parameters, as torch.optim.Adam / AdamW compute it:
     * g = grad (+ weightDecay·w when not decoupled); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * w −= lr/bc1 · m / (√v/√bc2 + eps), where bc1 = 1−β1^t and bc2 = 1−β2^t; with decoupled
     * (AdamW), w −= lr·weightDecay·w first.
     */
    void adam(int n, float[] w, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
              float eps, float weightDecay, boolean decoupled, int step);

    /**
     * One SGD step as torch.optim.SGD computes it: g = grad + weightDecay·w; with momentum,
     * buf = g on the first step, else momentum·buf + (1−dampening)·g, and g = nesterov ? g + momentum·buf
     * : buf; then w −= lr·g. {@code buf} is unused when momentum is 0.
     */
    void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float dampening,
             float weightDecay, boolean nesterov, boolean firstStep);

    /**
     * 2×2 max pooling with stride 2 and no padding over {@code planes} planes of h×w starting at x[xOff]
     * (output planes of (h/2)×(w/2) at out[oOff]; an odd last row or column is not covered, as in torch's
     * floor mode). As torch: the first maximum in row-major window order wins and NaN beats every number.
     * argmax[oOff + o] receives the flat index into x of output o's maximum.
     */
    default void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff) {
        maxPool2x2(planes, h, w, x, xOff, out, argmax, oOff, false);
    }

    /**
     * {@link #maxPool2x2(int, int, int, float[], int, float[], int[], int)} with {@code relu}: of ReLU's
     * outputs (v &lt; 0 → +0, −0 and NaN kept) instead of x's, values and argmax, exactly what a ReLU layer
     * followed by this pool give, without writing ReLU's output.
     */
    void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu);

    /** Short name for logs and benchmarks. */
    String name();
}
