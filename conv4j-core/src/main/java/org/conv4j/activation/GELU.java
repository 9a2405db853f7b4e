package org.conv4j.activation;

import org.conv4j.kernels.activation.ActivationKernels;

/**
 * The exact Gaussian error linear unit, torch.nn.GELU()'s default ({@code approximate='none'}):
 * out = x · Φ(x) = ½·x·(1 + erf(x/√2)). Backward: dX = dOut · (Φ(x) + x·φ(x)), φ the standard normal
 * density, computed by forward from x (in float, within one ulp; see {@link ActivationKernels#geluForward}),
 * keeping its relative accuracy where it crosses zero near x = −0.75; backward multiplies.
 */
public final class GELU extends SmoothActivation {
    /** A GELU layer; it has no settings and no parameters. */
    public GELU() {}

    @Override
    void forward(ActivationKernels ew, int n, float[] x, float[] y, float[] slope, int off) {
        ew.geluForward(n, x, off, y, slope, off);
    }

    @Override
    public String describe() { return "GELU"; }
}
