package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * out = 1 / (1 + e^(−x)), element-wise. Backward: dX = dOut · σ'(x) with σ'(x) = e/(1 + e)², e = e^(−|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (out·(1 − out) from a float
 * out would not). Forward keeps a reference to x for backward.
 */
public final class Sigmoid implements Layer {
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;

    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor x) {
        this.x = x;
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] xs = x.data(), g = dOut.data(), dx = dX.data();
        ActivationLoops.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * sigmoidDerivative(xs[i]));
        });
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = Tensor.zerosLike(x);
        apply(x.data(), y.data());
        return y;
    }

    private static void apply(float[] x, float[] y) {
        ActivationLoops.forRange(x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = sigmoid(x[i]);
        });
    }

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
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "Sigmoid"; }
}
