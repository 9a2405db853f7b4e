package org.conv4j.activation;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * The plumbing of an element-wise activation whose derivative is computed from x in double (so it keeps
 * its relative accuracy in the tails, where a formula in the float output would cancel). Subclasses name
 * the function's two kernels in {@link ActivationKernels}; forward keeps a reference to x for backward, so x must
 * not change between the two.
 */
abstract class SmoothActivation implements Layer {
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;  // same shape

    /** y[off..off+n) = f(x[off..off+n)). */
    abstract void value(ActivationKernels ew, int n, float[] x, float[] y, int off);

    /** dX[off..off+n) = dOut·f'(x) over the same range. */
    abstract void derivative(ActivationKernels ew, int n, float[] x, float[] dOut, float[] dX, int off);

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
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(xs.length, (lo, hi) -> derivative(ew, hi - lo, xs, g, dx, lo));
        return dX;
    }

    @Override
    public final Tensor infer(Tensor x) {
        Tensor y = Tensor.zerosLike(x);
        apply(x.data(), y.data());
        return y;
    }

    private void apply(float[] x, float[] y) {
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(x.length, (lo, hi) -> value(ew, hi - lo, x, y, lo));
    }

    @Override
    public final int[] outputShape(int[] in) { return in.clone(); }
}
