package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * out = tanh(x), element-wise. Backward: dX = dOut · (1 − tanh²x) = dOut · 4e/(1 + e)², e = e^(−2|x|),
 * computed from x in double so it keeps its relative accuracy in the tails (1 − out² from a float out
 * would not). Forward keeps a reference to x for backward.
 */
public final class Tanh implements Layer {
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;

    public Tanh() {}

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
            for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * tanhDerivative(xs[i]));
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
            for (int i = lo; i < hi; i++) y[i] = (float) Math.tanh(x[i]);
        });
    }

    /** 1 − tanh²(x) = 4e/(1 + e)² with e = e^(−2|x|): no cancellation, no overflow. */
    static double tanhDerivative(double x) {
        double e = Math.exp(-2 * Math.abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "Tanh"; }
}
