package org.conv4j.kernels.activation;

/**
 * The smooth activations and their derivatives in double precision, the yardstick the float kernels'
 * error is measured against (in ulps of the float result): by {@link SmoothActivationAccuracyTest} on
 * samples and by {@code org.conv4j.experiments.ActivationUlps} over every float. Each is within a few
 * double ulps of the exact function, far below float's resolution.
 */
public final class ActivationReference {
    private ActivationReference() {}

    /** 1/(1 + e^(−x)), as e^x/(1 + e^x) for x &lt; 0 so that it never overflows. */
    public static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /** σ'(x) = e/(1 + e)², e = e^(−|x|). */
    public static double sigmoidDerivative(double x) {
        double e = Math.exp(-Math.abs(x));
        return e / ((1 + e) * (1 + e));
    }

    /** tanh'(x) = 1 − tanh²x = 4e/(1 + e)², e = e^(−2|x|). */
    public static double tanhDerivative(double x) {
        double e = Math.exp(-2 * Math.abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    /** x·Φ(x), Φ the standard normal CDF. */
    public static double gelu(double x) {
        return x * ActivationMath.cdf(x);
    }

    /** Φ(x) + x·φ(x). */
    public static double geluDerivative(double x) {
        return ActivationMath.geluSlope(x, ActivationMath.cdf(x));
    }

    /**
     * |got − want| in ulps of want's binade (2^(e − 23) for |want| in [2^e, 2^(e+1)), at least 2⁻¹⁴⁹); 0 when
     * both are NaN or the same infinity, +∞ when only one is NaN or infinite.
     */
    public static double ulps(float got, double want) {
        if (Double.isNaN(want) || Float.isNaN(got)) return Double.isNaN(want) == Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(want) || Float.isInfinite(got)) return got == want ? 0 : Double.POSITIVE_INFINITY;
        double ulp = Math.scalb(1.0, Math.max(Math.getExponent(want) - 23, -149));
        return Math.abs(got - want) / ulp;
    }
}
