package org.conv4j.util;

/**
 * The error function in double precision, accurate to a few ulps over the whole real line
 * (tested against Python's {@code math.erf}). Used by the exact GELU, which is torch's default.
 *
 * <p>Method: for |x| &lt; 2.5 the series erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1)), whose
 * terms are all positive, so nothing cancels; beyond (and for erfc from x = 1), erfc(x) from its continued fraction
 * e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) evaluated by the modified Lentz method.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SERIES_LIMIT = 2.5;
    /** erfc switches to the continued fraction here: 1 − erf would cancel, and it converges in &lt; 200 steps. */
    private static final double ERFC_FRACTION_FROM = 1.0;

    private Erf() {}

    /**
     * The error function, erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.
     *
     * @param x any value
     * @return erf(x) in [−1, 1]; NaN for NaN
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 0) return -erf(-x);
        if (x < SERIES_LIMIT) return series(x);
        if (x > 6) return 1.0; // erfc(6) ≈ 2e-17, below half an ulp of 1
        return 1.0 - continuedFraction(x);
    }

    /**
     * 1 − erf(x), without the cancellation of computing it that way for large x.
     *
     * @param x any value
     * @return erfc(x) in [0, 2]; NaN for NaN
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < ERFC_FRACTION_FROM) return x < 0 ? 1.0 + erf(-x) : 1.0 - series(x);
        if (x > 27) return 0.0; // underflows
        return continuedFraction(x);
    }

    /** 1/(2n+1): the series multiplies by these instead of dividing (a division per term is the cost). */
    private static final double[] INV_ODD = new double[200];

    static {
        for (int n = 0; n < INV_ODD.length; n++) INV_ODD[n] = 1.0 / (2 * n + 1);
    }

    private static double series(double x) {
        double x2 = x * x, twoX2 = 2 * x2, term = x, sum = x;
        for (int n = 1; n < INV_ODD.length; n++) {
            term *= twoX2 * INV_ODD[n];
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x ≥ 1. */
    private static double continuedFraction(double x) {
        // K = x + a1/(x + a2/(x + ...)), a_k = k/2; modified Lentz.
        final double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k * 0.5;
            d = x + a * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = x + a / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }
}
