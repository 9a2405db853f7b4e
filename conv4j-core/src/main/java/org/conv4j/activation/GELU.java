package org.conv4j.activation;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * The exact Gaussian error linear unit, torch.nn.GELU()'s default ({@code approximate='none'}):
 * out = x · Φ(x) = ½·x·(1 + erf(x/√2)). Backward: dX = dOut · (Φ(x) + x·φ(x)), φ the standard normal
 * density. Both are computed in double per element by forward and rounded once; backward multiplies.
 */
public final class GELU implements Layer {
    private Tensor out;   // same shape as the last input
    private Tensor slope; // same shape: Φ(x) + x·φ(x), computed by forward for backward
    private Tensor dX;

    public GELU() {}

    @Override
    public Tensor forward(Tensor x) {
        out = Buffers.reuse(out, x);
        slope = Buffers.reuse(slope, x);
        float[] xs = x.data(), y = out.data(), d = slope.data();
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(xs.length, (lo, hi) -> ew.geluForward(hi - lo, xs, lo, y, d, lo));
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] d = slope.data(), g = dOut.data(), dx = dX.data();
        ActivationLoops.forRange(d.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = g[i] * d[i];
        });
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = Tensor.zerosLike(x);
        float[] xs = x.data(), ys = y.data();
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(xs.length, (lo, hi) -> ew.geluForward(hi - lo, xs, lo, ys, null, lo));
        return y;
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "GELU"; }
}
