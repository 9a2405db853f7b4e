package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/** out = tanh(x), element-wise; backward uses the output: dX = dOut · (1 − out²). */
public final class Tanh implements Layer {
    private Tensor out; // same shape as the last input
    private Tensor dX;

    public Tanh() {}

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
            for (int i = lo; i < hi; i++) dx[i] = g[i] * (1f - y[i] * y[i]);
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
            for (int i = lo; i < hi; i++) y[i] = (float) Math.tanh(x[i]);
        });
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "Tanh"; }
}
