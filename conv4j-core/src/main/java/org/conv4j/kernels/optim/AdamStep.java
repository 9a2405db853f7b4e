package org.conv4j.kernels.optim;

/**
 * The scalars of one Adam or AdamW step, computed once per step from the optimizer's double settings and
 * then rounded to float, as torch does (its CPU kernels take Python floats as double and round them to the
 * tensor's float type). {@link OptimKernels#adam} applies them.
 *
 * @param beta1         β1
 * @param oneMinusBeta1 1 − β1, rounded once from double
 * @param beta2         β2
 * @param oneMinusBeta2 1 − β2, rounded once from double
 * @param eps           ε
 * @param weightDecay   wd: added to the gradient as wd·w (Adam), or the weight decays first (AdamW); 0 for none
 * @param decoupled     AdamW's decoupled weight decay
 * @param decay         AdamW's multiplier on w before the update, 1 − lr·wd
 * @param stepSize      lr / (1 − β1^t)
 * @param sqrtBc2       √(1 − β2^t)
 */
public record AdamStep(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                       float weightDecay, boolean decoupled, float decay, float stepSize, float sqrtBc2) {
    /** The scalars of step {@code step} (1 for the first) of Adam or AdamW with these settings. */
    public static AdamStep of(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                              long step) {
        if (step < 1) throw new IllegalArgumentException("adam: step must be at least 1, got " + step);
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        return new AdamStep((float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps,
                (float) weightDecay, decoupled, (float) (1 - lr * weightDecay), (float) (lr / bc1), (float) Math.sqrt(bc2));
    }
}
