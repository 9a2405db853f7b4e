package org.conv4j.activation;

import org.conv4j.kernels.activation.ActivationKernels;

/**
 * out = tanh(x), element-wise. Backward: dX = dOut · (1 − tanh²x) = dOut · 4e/(1 + e)², e = e^(−2|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (1 − out² from a float out
 * would not). Forward keeps a reference to x for backward.
 */
public final class Tanh extends SmoothActivation {
    public Tanh() {}

    @Override
    void value(ActivationKernels ew, int n, float[] x, float[] y, int off) { ew.tanhForward(n, x, off, y, off); }

    @Override
    void derivative(ActivationKernels ew, int n, float[] x, float[] dOut, float[] dX, int off) {
        ew.tanhBackward(n, x, off, dOut, off, dX, off);
    }

    @Override
    public String describe() { return "Tanh"; }
}
