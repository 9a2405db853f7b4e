package org.conv4j.activation;

import org.conv4j.kernels.activation.ActivationKernels;

/**
 * out = 1 / (1 + e^(−x)), element-wise. Backward: dX = dOut · σ'(x), σ'(x) = σ(x)(1 − σ(x)) = e/(1 + e)²
 * with e = e^(−|x|), computed by forward from x (in float, within one ulp; see
 * {@link ActivationKernels#sigmoidForward}), so it keeps its relative accuracy in the tails, where
 * out·(1 − out) from the float output would not.
 */
public final class Sigmoid extends SmoothActivation {
    /** A Sigmoid layer; it has no settings and no parameters. */
    public Sigmoid() {}

    @Override
    void forward(ActivationKernels ew, int n, float[] x, float[] y, float[] slope, int off) {
        ew.sigmoidForward(n, x, off, y, slope, off);
    }

    @Override
    public String describe() { return "Sigmoid"; }
}
