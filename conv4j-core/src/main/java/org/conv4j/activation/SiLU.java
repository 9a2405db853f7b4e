package org.conv4j.activation;

/**
 * out = x·σ(x) element-wise, any shape: torch.nn.SiLU (swish). Backward:
 * dX = dOut·σ(x)·(1 + x·(1 − σ(x))). Both are computed per element in double and rounded once, with
 * σ and 1 − σ each taken from e = e^(−|x|) without a subtraction, so neither loses its relative accuracy
 * in the tails (out = x·e^x/(1 + e^x) keeps its digits down to float's smallest values, where torch's
 * float x/(1 + e^(−x)) overflows to 0 below about −88).
 */
public final class SiLU extends PointwiseActivation {
    /** A SiLU layer; it has no settings and no parameters. */
    public SiLU() {}

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (v * sigmoid(v));
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
