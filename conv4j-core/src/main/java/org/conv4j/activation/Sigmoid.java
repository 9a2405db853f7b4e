package org.conv4j.activation;

import org.conv4j.kernels.activation.ActivationKernels;

/**
 * out = 1 / (1 + e^(−x)), element-wise. Backward: dX = dOut · σ'(x) with σ'(x) = e/(1 + e)², e = e^(−|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (out·(1 − out) from a float
 * out would not). Forward keeps a reference to x for backward.
 */
public final class Sigmoid extends SmoothActivation {
    public Sigmoid() {}

    @Override
    void value(ActivationKernels ew, int n, float[] x, float[] y, int off) { ew.sigmoidForward(n, x, off, y, off); }

    @Override
    void derivative(ActivationKernels ew, int n, float[] x, float[] dOut, float[] dX, int off) {
        ew.sigmoidBackward(n, x, off, dOut, off, dX, off);
    }

    @Override
    public String describe() { return "Sigmoid"; }
}
