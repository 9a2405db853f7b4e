package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * The plumbing of an element-wise activation written as plain scalar loops (ReLU6, Clip, Hardswish,
 * HardSigmoid, SiLU): buffers, call-order checks and the split across threads. Each subclass writes its
 * forward and backward loops side by side. Forward keeps a reference to x (not a copy) for backward, so x
 * must not change between the two. Every element is computed on its own, so the result does not depend
 * on the thread count.
 */
abstract class PointwiseActivation implements Layer {
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;  // same shape

    /** y[i] = f(x[i]) for i in [lo, hi). */
    abstract void forwardRange(float[] x, float[] y, int lo, int hi);

    /** dX[i] = dOut[i]·f'(x[i]) for i in [lo, hi), with the layer's convention at kinks. */
    abstract void backwardRange(float[] x, float[] dOut, float[] dX, int lo, int hi);

    @Override
    public final Tensor forward(Tensor x) {
        this.x = x;
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public final Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] xs = x.data(), g = dOut.data(), dx = dX.data();
        ActivationLoops.forRange(xs.length, (lo, hi) -> backwardRange(xs, g, dx, lo, hi));
        return dX;
    }

    @Override
    public final Tensor infer(Tensor x) {
        Tensor y = TensorPool.output(x.shape());
        apply(x.data(), y.data());
        return y;
    }

    /** Computes in place when its forward loop reads each x[i] before it writes y[i] ({@link #inPlaceSafe}). */
    @Override
    public final Tensor inferInPlace(Tensor x) {
        if (!inPlaceSafe()) return infer(x);
        apply(x.data(), x.data());
        return x;
    }

    /**
     * Whether {@link #forwardRange} may take y = x: true unless a subclass's loop reads an x[i] after writing
     * y[i] (every loop here reads x[i] first).
     */
    boolean inPlaceSafe() { return true; }

    private void apply(float[] xs, float[] y) {
        ActivationLoops.forRange(xs.length, (lo, hi) -> forwardRange(xs, y, lo, hi));
    }

    @Override
    public final int[] outputShape(int[] in) { return in.clone(); }
}
