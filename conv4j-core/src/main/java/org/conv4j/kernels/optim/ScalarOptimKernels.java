package org.conv4j.kernels.optim;

/** The readable reference for {@link OptimKernels}: one plain loop per update. */
public final class ScalarOptimKernels implements OptimKernels {
    @Override
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        adamRange(0, n, w, grad, m, v, s);
    }

    /** {@link #adam} on indices from..to-1 (the vector kernel's tail). */
    static void adamRange(int from, int to, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        boolean l2 = s.weightDecay() != 0f && !s.decoupled(), decay = s.weightDecay() != 0f && s.decoupled();
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (decay) w[i] *= s.decay();
            if (l2) g += s.weightDecay() * w[i];
            m[i] = m[i] * s.beta1() + s.oneMinusBeta1() * g;
            v[i] = v[i] * s.beta2() + s.oneMinusBeta2() * g * g;
            float denom = (float) Math.sqrt(v[i]) / s.sqrtBc2() + s.eps();
            w[i] -= s.stepSize() * (m[i] / denom);
        }
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        sgdRange(0, n, w, grad, buf, lr, momentum, keep, weightDecay, nesterov, firstStep);
    }

    /** {@link #sgd} on indices from..to-1 (the vector kernel's tail). */
    static void sgdRange(int from, int to, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                         float weightDecay, boolean nesterov, boolean firstStep) {
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (weightDecay != 0f) g += weightDecay * w[i];
            if (momentum != 0f) {
                buf[i] = firstStep ? g : momentum * buf[i] + keep * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            w[i] -= lr * g;
        }
    }

    @Override
    public void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                        float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        rmspropRange(0, n, w, grad, sq, gAvg, buf, lr, alpha, oneMinusAlpha, eps, weightDecay, momentum);
    }

    /** {@link #rmsprop} on indices from..to-1 (the vector kernel's tail). */
    static void rmspropRange(int from, int to, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr,
                             float alpha, float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (weightDecay != 0f) g += weightDecay * w[i];
            sq[i] = sq[i] * alpha + oneMinusAlpha * g * g;
            float avg;
            if (gAvg != null) {
                gAvg[i] = gAvg[i] * alpha + oneMinusAlpha * g;
                avg = (float) Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
            } else {
                avg = (float) Math.sqrt(sq[i]) + eps;
            }
            if (buf != null) {
                buf[i] = buf[i] * momentum + g / avg;
                w[i] -= lr * buf[i];
            } else {
                w[i] -= lr * (g / avg);
            }
        }
    }

    @Override
    public String name() { return "scalar"; }
}
