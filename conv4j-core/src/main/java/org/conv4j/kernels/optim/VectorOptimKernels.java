package org.conv4j.kernels.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link OptimKernels} on the Vector API: a vector body up to {@code S.loopBound(n)} doing the scalar
 * reference's operations in its order, then {@link ScalarOptimKernels}' loop on the rest; bitwise equal.
 */
public final class VectorOptimKernels implements OptimKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();

    @Override
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        boolean l2 = s.weightDecay() != 0f && !s.decoupled(), decay = s.weightDecay() != 0f && s.decoupled();
        int i = 0, bound = S.loopBound(n);
        // The scalar reference's operations in its order (mul then add, no fusing): bitwise equal.
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (decay) wv = wv.mul(s.decay());
            if (l2) g = g.add(wv.mul(s.weightDecay()));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(s.beta1()).add(g.mul(s.oneMinusBeta1()));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(s.beta2()).add(g.mul(s.oneMinusBeta2()).mul(g));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(s.sqrtBc2()).add(s.eps());
            wv.sub(mv.div(denom).mul(s.stepSize())).intoArray(w, i);
        }
        ScalarOptimKernels.adamRange(i, n, w, grad, m, v, s);
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (weightDecay != 0f) g = g.add(wv.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector b = firstStep ? g : FloatVector.fromArray(S, buf, i).mul(momentum).add(g.mul(keep));
                b.intoArray(buf, i);
                g = nesterov ? g.add(b.mul(momentum)) : b;
            }
            wv.sub(g.mul(lr)).intoArray(w, i);
        }
        ScalarOptimKernels.sgdRange(i, n, w, grad, buf, lr, momentum, keep, weightDecay, nesterov, firstStep);
    }

    @Override
    public void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                        float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (weightDecay != 0f) g = g.add(wv.mul(weightDecay));
            FloatVector s = FloatVector.fromArray(S, sq, i).mul(alpha).add(g.mul(oneMinusAlpha).mul(g));
            s.intoArray(sq, i);
            FloatVector avg;
            if (gAvg != null) {
                FloatVector ga = FloatVector.fromArray(S, gAvg, i).mul(alpha).add(g.mul(oneMinusAlpha));
                ga.intoArray(gAvg, i);
                avg = s.sub(ga.mul(ga)).lanewise(VectorOperators.SQRT).add(eps);
            } else {
                avg = s.lanewise(VectorOperators.SQRT).add(eps);
            }
            if (buf != null) {
                FloatVector b = FloatVector.fromArray(S, buf, i).mul(momentum).add(g.div(avg));
                b.intoArray(buf, i);
                wv.sub(b.mul(lr)).intoArray(w, i);
            } else {
                wv.sub(g.div(avg).mul(lr)).intoArray(w, i);
            }
        }
        ScalarOptimKernels.rmspropRange(i, n, w, grad, sq, gAvg, buf, lr, alpha, oneMinusAlpha, eps, weightDecay, momentum);
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
