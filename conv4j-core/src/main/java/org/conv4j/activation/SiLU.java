package org.conv4j.activation;

import org.conv4j.kernels.Kernels;

/**
 * out = x·σ(x) element-wise, any shape: torch.nn.SiLU (swish). Forward: σ(x) in float by the Sigmoid layer's
 * kernel (within one ulp, vectorised), times x in one more rounding: within two ulps of x·σ(x). Below −80, where
 * float σ(x) would be subnormal and lose its digits, the product is taken in double and rounded once, so the
 * output keeps its relative accuracy down to float's smallest values (torch's float x/(1 + e^(−x)) overflows to
 * 0 below about −88). Backward: dX = dOut·σ(x)·(1 + x·(1 − σ(x))), per element in double and rounded once, with
 * σ and 1 − σ each taken from e = e^(−|x|) without a subtraction, so it keeps its relative accuracy in the tails
 * and near its root.
 */
public final class SiLU extends PointwiseActivation {
    /** A SiLU layer; it has no settings and no parameters. */
    public SiLU() {}

    /** σ(x) of a block, before the products: a scratch row per thread, so y may be x (in-place inference). */
    private static final int BLOCK = 1024;
    private static final ThreadLocal<float[]> SIGMOIDS = ThreadLocal.withInitial(() -> new float[BLOCK]);

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) {
        float[] s = SIGMOIDS.get();
        for (int b = from; b < to; b += BLOCK) {
            int n = Math.min(BLOCK, to - b);
            Kernels.activation().sigmoidForward(n, x, b, s, null, 0);
            if (Kernels.arrays().multiplyAbove(n, -80f, x, b, s, 0, y, b) == 0) continue;
            for (int i = 0; i < n; i++) {
                float v = x[b + i];   // y[b + i] when y is x: the elements not above −80 are left as they were
                if (!(v > -80f)) y[b + i] = (float) (v * sigmoid(v));   // NaN takes the double path and stays NaN
            }
        }
    }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double e = Math.exp(-Math.abs(v));
            double s = v >= 0 ? 1 / (1 + e) : e / (1 + e);       // σ(v)
            double oneMinusS = v >= 0 ? e / (1 + e) : 1 / (1 + e); // 1 − σ(v), without cancellation
            dX[i] = (float) (dOut[i] * s * (1 + v * oneMinusS));
        }
    }

    /** σ(v) from e^(−|v|), which never overflows. */
    static double sigmoid(double v) {
        double e = Math.exp(-Math.abs(v));
        return v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    @Override
    public String describe() { return "SiLU"; }
}
