package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/** out = max(0, x), element-wise, any shape. Backward passes dOut where the output is positive. */
public final class ReLU implements Layer {
    private Tensor out; // same shape as the last input; backward's mask
    private Tensor dX;

    public ReLU() {}

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
            for (int i = lo; i < hi; i++) dx[i] = y[i] > 0 ? g[i] : 0f;
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
            for (int i = lo; i < hi; i++) y[i] = x[i] <= 0 ? 0f : x[i]; // NaN stays NaN, as in torch, so divergence shows
        });
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "ReLU"; }
}
