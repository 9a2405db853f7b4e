package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/** out = 1 / (1 + e^(−x)), element-wise; backward uses the output: dX = dOut · out · (1 − out). */
public final class Sigmoid implements Layer {
    private Tensor out; // same shape as the last input
    private Tensor dX;

    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor x) {
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        Elementwise.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] y = out.data(), g = dOut.data(), dx = dX.data();
        Elementwise.forRange(y.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = g[i] * y[i] * (1f - y[i]);
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
        Elementwise.forRange(x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = sigmoid(x[i]);
        });
    }

    /** Never overflows: for negative x it uses e^x / (1 + e^x). */
    static float sigmoid(float x) {
        if (x >= 0) return (float) (1.0 / (1.0 + Math.exp(-x)));
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "Sigmoid"; }
}
