package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * The plumbing of an element-wise activation whose derivative is computed from x in double (so it keeps
 * its relative accuracy in the tails, where a formula in the float output would cancel). Subclasses give
 * the function and its derivative; forward keeps a reference to x for backward, so x must not change
 * between the two.
 */
abstract class SmoothActivation implements Layer {
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;  // same shape

    /** f(x), rounded to float. */
    abstract float value(float x);

    /** f'(x) in double. */
    abstract double derivative(double x);

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
        ActivationLoops.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * derivative(xs[i]));
        });
        return dX;
    }

    @Override
    public final Tensor infer(Tensor x) {
        Tensor y = Tensor.zerosLike(x);
        apply(x.data(), y.data());
        return y;
    }

    private void apply(float[] x, float[] y) {
        ActivationLoops.forRange(x.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = value(x[i]);
        });
    }

    @Override
    public final int[] outputShape(int[] in) { return in.clone(); }
}
