package org.conv4j.activation;

import org.conv4j.conv.ClampedConv2d;
import org.conv4j.conv.Conv2d;
import org.conv4j.layers.Fusable;
import org.conv4j.layers.Layer;

/**
 * out = min(max(x, 0), 6) element-wise, any shape: torch.nn.ReLU6, which is Hardtanh(0, 6), so the
 * same as {@code new Clip(ClipConfig.of(0, 6))}. Backward passes dOut where 0 &lt; x &lt; 6 and gives 0 at
 * exactly 0 and 6, as torch does.
 */
public final class ReLU6 extends PointwiseActivation implements Fusable {
    /** A ReLU6 layer; it has no settings and no parameters. */
    public ReLU6() {}

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) { Clip.clamp(0f, 6f, x, y, from, to); }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) { Clip.clampBackward(0f, 6f, x, dOut, dX, from, to); }

    /** After a convolution, the two run as one in inference ({@link ClampedConv2d}); after anything else, not at all. */
    @Override
    public Layer fuseAfter(Layer previous) {
        return previous instanceof Conv2d c ? new ClampedConv2d(c, this, 0f, 6f) : null;
    }

    @Override
    public String describe() { return "ReLU6"; }
}
