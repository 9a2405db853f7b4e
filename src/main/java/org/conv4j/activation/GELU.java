package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Erf;

/**
 * The exact Gaussian error linear unit, torch.nn.GELU()'s default ({@code approximate='none'}):
 * out = x · Φ(x) = ½·x·(1 + erf(x/√2)). Backward: dX = dOut · (Φ(x) + x·φ(x)), φ the standard normal
 * density. Both are computed in double per element by forward and rounded once; backward multiplies.
 */
public final class GELU implements Layer {
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private Tensor out;   // same shape as the last input
    private Tensor slope; // same shape: Φ(x) + x·φ(x), computed by forward for backward
    private Tensor dX;

    public GELU() {}

    @Override
    public Tensor forward(Tensor x) {
        out = Buffers.reuse(out, x);
        slope = Buffers.reuse(slope, x);
        float[] xs = x.data(), y = out.data(), d = slope.data();
        ActivationLoops.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double v = xs[i], cdf = cdf(v);
                y[i] = (float) (v * cdf);
                d[i] = (float) (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
            }
        });
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
        apply(x.data(), y.data());
        return y;
    }

    private static void apply(float[] xs, float[] y) {
        ActivationLoops.forRange(xs.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = (float) gelu(xs[i]);
        });
    }

    /** x·Φ(x) in double; Φ from erfc in the far left tail so it keeps its relative accuracy there. */
    public static double gelu(double x) {
        return x * cdf(x);
    }

    /** d/dx of x·Φ(x) = Φ(x) + x·φ(x). */
    public static double derivative(double x) {
        return cdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /**
     * Φ(x) = ½(1 + erf(x/√2)) down to x = −3.5, where 1 + erf still keeps 12 significant digits (far more
     * than float needs) and erf's series is fast; below, ½·erfc(−x/√2), whose continued fraction is
     * short there.
     */
    private static double cdf(double x) {
        return x >= -3.5 ? 0.5 * (1 + Erf.erf(x * INV_SQRT2)) : 0.5 * Erf.erfc(-x * INV_SQRT2);
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "GELU"; }
}
