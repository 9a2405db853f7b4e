package org.conv4j.kernels;

/**
 * The per-step scalars of an Adam update, computed once per step in double like torch does.
 *
 * @param decay    multiplier on w before the update (1 − lr·wd for AdamW, else 1)
 * @param l2       coefficient of w added to the gradient (wd for Adam, else 0)
 * @param stepSize lr / (1 − β1^t)
 * @param sqrtBc2  √(1 − β2^t)
 */
record AdamTerms(float decay, float l2, float stepSize, float sqrtBc2) {
    static AdamTerms of(float lr, float beta1, float beta2, float weightDecay, boolean decoupled, int step) {
        if (step < 1) throw new IllegalArgumentException("adam: step must be at least 1, got " + step);
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        return new AdamTerms(decoupled ? 1f - lr * weightDecay : 1f, decoupled ? 0f : weightDecay,
                (float) (lr / bc1), (float) Math.sqrt(bc2));
    }
}
