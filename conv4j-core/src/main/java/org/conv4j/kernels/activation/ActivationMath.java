package org.conv4j.kernels.activation;

import org.conv4j.util.Erf;

/**
 * GELU's definition in double: what {@link GeluMath} rounds once where its float formulas do not reach
 * (x ≤ −6, +∞, NaN), and the yardstick the float kernels are measured against (the test class
 * ActivationReference). The derivative is computed from x, not from the float output.
 */
final class ActivationMath {
    static final double INV_SQRT2 = 0.7071067811865476;
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** Φ(x) switches from ½(1 + erf) to ½·erfc here (see {@link #cdf}). */
    static final double CDF_ERFC_BELOW = -3.5;

    private ActivationMath() {}

    /**
     * Φ(x) = ½(1 + erf(x/√2)) down to x = −3.5, where 1 + erf still keeps 12 significant digits (far more
     * than float needs); below, ½·erfc(−x/√2), which keeps its relative accuracy in the far left tail.
     */
    static double cdf(double x) {
        return x >= CDF_ERFC_BELOW ? 0.5 * (1 + Erf.erf(x * INV_SQRT2)) : 0.5 * Erf.erfc(-x * INV_SQRT2);
    }

    /** d/dx of x·Φ(x) = Φ(x) + x·φ(x), given Φ(x). */
    static double geluSlope(double x, double cdf) {
        return cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }
}
