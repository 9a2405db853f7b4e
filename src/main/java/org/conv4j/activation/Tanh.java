package org.conv4j.activation;

/**
 * out = tanh(x), element-wise. Backward: dX = dOut · (1 − tanh²x) = dOut · 4e/(1 + e)², e = e^(−2|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (1 − out² from a float out
 * would not). Forward keeps a reference to x for backward.
 */
public final class Tanh extends SmoothActivation {
    public Tanh() {}

    @Override
    float value(float x) { return (float) Math.tanh(x); }

    @Override
    double derivative(double x) { return tanhDerivative(x); }

    /** 1 − tanh²(x) = 4e/(1 + e)² with e = e^(−2|x|): no cancellation, no overflow. */
    static double tanhDerivative(double x) {
        double e = Math.exp(-2 * Math.abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    @Override
    public String describe() { return "Tanh"; }
}
