package org.conv4j.gradcheck;

import java.util.function.ToDoubleFunction;

/**
 * Centred-difference gradient checking in double precision, the cs231n way.
 *
 * <p>The numerical gradient of a scalar function f at x is (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for each i.
 * f must be computed in double precision (a double forward, dotted with a fixed dOut), so the only
 * error in the comparison is the analytic float32 gradient's own. Relative error of one entry:
 * |a − n| / max(|a|, |n|, {@link #ABS_FLOOR}); the check passes when the maximum is at most
 * {@link #MAX_REL_ERROR}.
 */
public final class GradCheck {
    /** The bound every layer's and loss's backward must meet. */
    public static final double MAX_REL_ERROR = 1e-4;
    /** Denominator floor: gradients below this size are compared absolutely. */
    public static final double ABS_FLOOR = 1e-6;
    /** Default step: small against the inputs (order 1) yet far above double rounding. */
    public static final double STEP = 1e-5;

    private GradCheck() {}

    /**
     * Centred differences of {@code f} with respect to every entry of {@code x}.
     * {@code x} is perturbed in place and restored before returning.
     *
     * @param x the point; perturbed and restored
     * @param f the scalar function, in double precision
     * @param h the step, e.g. {@link #STEP}
     * @return a new array of ∂f/∂xᵢ, the length of x
     */
    public static double[] numeric(double[] x, ToDoubleFunction<double[]> f, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double old = x[i];
            x[i] = old + h;
            double plus = f.applyAsDouble(x);
            x[i] = old - h;
            double minus = f.applyAsDouble(x);
            x[i] = old;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /**
     * Relative error of one entry.
     *
     * @param analytic the backward's value
     * @param numeric  the centred difference
     * @return |a − n| / max(|a|, |n|, {@link #ABS_FLOOR})
     */
    public static double relError(double analytic, double numeric) {
        double d = Math.abs(analytic - numeric);
        return d / Math.max(ABS_FLOOR, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    /**
     * Maximum relative error between an analytic float gradient and a numeric double one.
     *
     * @param analytic the backward's gradient
     * @param numeric  the centred differences, the same length
     * @return the largest {@link #relError}, NaN if any entry is NaN
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double maxRelError(float[] analytic, double[] numeric) {
        if (analytic.length != numeric.length) {
            throw new IllegalArgumentException("gradient sizes differ: analytic " + analytic.length + ", numeric " + numeric.length);
        }
        double m = 0;
        for (int i = 0; i < analytic.length; i++) {
            double e = relError(analytic[i], numeric[i]);
            if (!(e <= m)) m = e; // NaN propagates as a failure
        }
        return m;
    }

    /**
     * Σ a·b in double: turns a vector-valued forward into the scalar whose gradient backward computes.
     *
     * @param a the double values
     * @param b the float weights, at least as long as a
     * @return the sum over a's indices
     */
    public static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /**
     * Widens a float array to double without rounding.
     *
     * @param a the values
     * @return a new array of the same length
     */
    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
