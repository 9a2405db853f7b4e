package org.conv4j.activation;

/**
 * out = relu6(x + 3)/6 element-wise, any shape: torch.nn.Hardsigmoid, in float as torch computes it.
 * Backward: dX = dOut·(1/6) strictly inside (−3, 3) and 0 at and beyond ±3 (and for NaN), torch's
 * convention; 1/6 is the float constant torch multiplies by.
 */
public final class HardSigmoid extends PointwiseActivation {
    private static final float ONE_SIXTH = 1f / 6f;

    /** A HardSigmoid layer; it has no settings and no parameters. */
    public HardSigmoid() {}

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Hardswish.relu6(x[i] + 3f) / 6f;
    }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            dX[i] = v > -3f && v < 3f ? dOut[i] * ONE_SIXTH : 0f;
        }
    }

    @Override
    public String describe() { return "HardSigmoid"; }
}
