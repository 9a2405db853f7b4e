package org.conv4j.activation;

/**
 * out = min(max(x, 0), 6) element-wise, any shape: torch.nn.ReLU6, which is Hardtanh(0, 6), so the
 * same as {@code new Clip(ClipConfig.of(0, 6))}. Backward passes dOut where 0 &lt; x &lt; 6 and gives 0 at
 * exactly 0 and 6, as torch does.
 */
public final class ReLU6 extends PointwiseActivation {
    /** A ReLU6 layer; it has no settings and no parameters. */
    public ReLU6() {}

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) { Clip.clamp(0f, 6f, x, y, from, to); }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) { Clip.clampBackward(0f, 6f, x, dOut, dX, from, to); }

    @Override
    public String describe() { return "ReLU6"; }
}
