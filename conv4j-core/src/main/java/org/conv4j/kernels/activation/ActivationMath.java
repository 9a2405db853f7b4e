package org.conv4j.kernels.activation;

import org.conv4j.util.Erf;

/**
 * The smooth activations' functions in double, the scalar definitions behind {@link ActivationKernels}' sigmoid,
 * tanh and GELU. Each derivative is computed from x, not from the float output, so it keeps its relative
 * accuracy in the tails, where a formula such as out·(1 − out) would cancel.
 */
final class ActivationMath {
    static final double INV_SQRT2 = 0.7071067811865476;
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** Φ(x) switches from ½(1 + erf) to ½·erfc here (see {@link #cdf}). */
    static final double CDF_ERFC_BELOW = -3.5;
    /** 2/√π, erf's leading coefficient (the vector GELU's Taylor polynomial is built from it). */
    static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private ActivationMath() {}

    /** 1/(1 + e^(−x)), never overflowing: for negative x, e^x/(1 + e^x). */
    static float sigmoid(float x) {
        if (x >= 0) return (float) (1.0 / (1.0 + Math.exp(-x)));
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    /** σ'(x) = σ(x)·(1 − σ(x)) = e/(1 + e)² with e = e^(−|x|): no cancellation, no overflow. */
    static double sigmoidDerivative(double x) {
        double e = Math.exp(-Math.abs(x));
        return e / ((1 + e) * (1 + e));
    }

    /** 1 − tanh²(x) = 4e/(1 + e)² with e = e^(−2|x|): no cancellation, no overflow. */
    static double tanhDerivative(double x) {
        double e = Math.exp(-2 * Math.abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

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
