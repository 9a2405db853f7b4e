package org.conv4j.kernels.optim;

/**
 * The optimizers' parameter updates on flat float arrays, each as torch.optim computes it, with a scalar
 * reference ({@link ScalarOptimKernels}) and a Vector API version chosen by
 * {@link org.conv4j.kernels.Kernels#optim()}. Each operation is rounded to float in the documented order (no
 * fused multiply-add), so every implementation gives bitwise the same result.
 */
public interface OptimKernels {
    /**
     * One Adam (or AdamW) step over n parameters, as torch.optim.Adam / AdamW compute it, with the step's
     * scalars {@code s}: with weight decay, AdamW first sets w = w·decay, Adam instead uses g = grad + wd·w;
     * then m = m·β1 + (1−β1)·g; v = v·β2 + (1−β2)·g·g; w = w − stepSize·(m / (√v / √bc2 + ε)).
     * Each operation is rounded to float in that order (no fused multiply-add), so every implementation
     * gives bitwise the same result.
     */
    void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s);

    /**
     * One SGD step as torch.optim.SGD computes it: g = grad + weightDecay·w (when weightDecay is not 0); with
     * momentum, buf = g on the first step, else momentum·buf + keep·g, and g = nesterov ? g + momentum·buf
     * : buf; then w = w − lr·g. {@code keep} is 1 − dampening as the caller rounds it; {@code buf} is unused
     * when momentum is 0. Rounded in that order, bitwise the same in every implementation.
     */
    void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
             float weightDecay, boolean nesterov, boolean firstStep);

    /**
     * One RMSprop step as torch.optim.RMSprop computes it: g = grad + weightDecay·w (when weightDecay is not
     * 0); sq = sq·α + (1−α)·g·g; centred ({@code gAvg} not null): gAvg = gAvg·α + (1−α)·g and
     * avg = √(sq − gAvg·gAvg) + ε, else avg = √sq + ε; with momentum ({@code buf} not null):
     * buf = buf·μ + g/avg and w = w − lr·buf, else w = w − lr·(g/avg). {@code oneMinusAlpha} is 1 − α as the
     * caller rounds it. Rounded in that order, bitwise the same in every implementation.
     */
    void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                 float oneMinusAlpha, float eps, float weightDecay, float momentum);

    /** Short name for logs and benchmarks. */
    String name();
}
