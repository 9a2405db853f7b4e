package org.conv4j.activation;

import org.conv4j.kernels.Kernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * out = max(0, x), element-wise, any shape. Backward passes dOut where the output is positive.
 * Runs on the vectorised {@link Kernels#activation()} primitives (scalar when the Vector API is off).
 */
public final class ReLU implements Layer {
    private Tensor out; // same shape as the last input; backward's mask
    private Tensor dX;

    /** A ReLU layer; it has no settings and no parameters. */
    public ReLU() {}

    @Override
    public Tensor forward(Tensor x) {
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] y = out.data(), g = dOut.data(), dx = dX.data();
        var k = Kernels.activation();
        ActivationLoops.forRange(y.length, (lo, hi) -> k.reluBackward(hi - lo, y, lo, g, lo, dx, lo));
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = TensorPool.output(x.shape());
        apply(x.data(), y.data());
        return y;
    }

    @Override
    public Tensor inferInPlace(Tensor x) {
        apply(x.data(), x.data());
        return x;
    }

    private static void apply(float[] x, float[] y) {
        var k = Kernels.activation(); // NaN stays NaN, as in torch, so divergence shows
        ActivationLoops.forRange(x.length, (lo, hi) -> k.reluForward(hi - lo, x, lo, y, lo));
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "ReLU"; }
}
