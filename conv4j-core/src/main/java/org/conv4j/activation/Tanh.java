package org.conv4j.activation;

import org.conv4j.kernels.activation.ActivationKernels;

/**
 * out = tanh(x), element-wise. Backward: dX = dOut · (1 − tanh²x), the derivative computed by forward from
 * x (in float, within one ulp; see {@link ActivationKernels#tanhForward}), not from the output, so it keeps
 * its relative accuracy in the tails, where 1 − out² would not.
 */
public final class Tanh extends SmoothActivation {
    /** A Tanh layer; it has no settings and no parameters. */
    public Tanh() {}

    @Override
    void forward(ActivationKernels ew, int n, float[] x, float[] y, float[] slope, int off) {
        ew.tanhForward(n, x, off, y, slope, off);
    }

    @Override
    public String describe() { return "Tanh"; }
}
