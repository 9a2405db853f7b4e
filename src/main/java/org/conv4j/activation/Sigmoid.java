package org.conv4j.activation;

/**
 * out = 1 / (1 + e^(−x)), element-wise. Backward: dX = dOut · σ'(x) with σ'(x) = e/(1 + e)², e = e^(−|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (out·(1 − out) from a float
 * out would not). Forward keeps a reference to x for backward.
 */
public final class Sigmoid extends SmoothActivation {
    public Sigmoid() {}

    @Override
    float value(float x) { return sigmoid(x); }

    @Override
    double derivative(double x) { return sigmoidDerivative(x); }

    /** Never overflows: for negative x it uses e^x / (1 + e^x). */
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

    @Override
    public String describe() { return "Sigmoid"; }
}
