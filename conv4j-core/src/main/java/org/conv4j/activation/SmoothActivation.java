package org.conv4j.activation;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * The plumbing of a smooth element-wise activation (Sigmoid, Tanh, GELU) whose kernel gives, in one pass
 * over x, the output and the derivative f'(x) (computed from x, so it keeps its relative accuracy in the
 * tails, where a formula in the float output would cancel). Forward keeps the derivative; backward is
 * dX = dOut·f'(x), one float product per element. {@link #infer} skips the derivative.
 */
abstract class SmoothActivation implements Layer {
    private Tensor out;   // same shape as the last input
    private Tensor slope; // same shape: f'(x), computed by forward for backward
    private Tensor dX;    // same shape

    /** y[off..off+n) = f(x[off..off+n)) and, unless slope is null, slope[off..off+n) = f'(x) over the same range. */
    abstract void forward(ActivationKernels ew, int n, float[] x, float[] y, float[] slope, int off);

    @Override
    public final Tensor forward(Tensor x) {
        out = Buffers.reuse(out, x);
        slope = Buffers.reuse(slope, x);
        apply(x.data(), out.data(), slope.data());
        return out;
    }

    @Override
    public final Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] d = slope.data(), g = dOut.data(), dx = dX.data();
        ActivationLoops.forRange(d.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = g[i] * d[i];
        });
        return dX;
    }

    @Override
    public final Tensor infer(Tensor x) {
        Tensor y = TensorPool.output(x.shape());
        apply(x.data(), y.data(), null);
        return y;
    }

    private void apply(float[] x, float[] y, float[] d) {
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(x.length, (lo, hi) -> forward(ew, hi - lo, x, y, d, lo));
    }

    @Override
    public final int[] outputShape(int[] in) { return in.clone(); }
}
