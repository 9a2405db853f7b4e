package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Erf;

/**
 * The exact Gaussian error linear unit, torch.nn.GELU()'s default ({@code approximate='none'}):
 * out = x · Φ(x) = ½·x·(1 + erf(x/√2)). Backward: dX = dOut · (Φ(x) + x·φ(x)), φ the standard normal
 * density. Computed in double per element, rounded once. Forward keeps a reference to x for backward.
 */
public final class GELU implements Layer {
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;

    public GELU() {}

    @Override
    public Tensor forward(Tensor x) {
        this.x = x;
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        Elementwise.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] xs = x.data(), g = dOut.data(), dx = dX.data();
        Elementwise.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * derivative(xs[i]));
        });
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = Tensor.zerosLike(x);
        apply(x.data(), y.data());
        return y;
    }

    private static void apply(float[] xs, float[] y) {
        Elementwise.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = (float) gelu(xs[i]);
        });
    }

    /** x·Φ(x) in double; Φ from erfc for negative x so the left tail keeps its relative accuracy. */
    public static double gelu(double x) {
        return x * cdf(x);
    }

    /** d/dx of x·Φ(x) = Φ(x) + x·φ(x). */
    public static double derivative(double x) {
        return cdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    private static double cdf(double x) {
        return 0.5 * Erf.erfc(-x * INV_SQRT2);
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "GELU"; }
}
