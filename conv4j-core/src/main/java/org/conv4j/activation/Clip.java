package org.conv4j.activation;

import org.conv4j.conv.ClampedConv2d;
import org.conv4j.conv.Conv2d;
import org.conv4j.kernels.Kernels;
import org.conv4j.layers.Fusable;
import org.conv4j.layers.Layer;

/**
 * out = min(max(x, min_val), max_val) element-wise, any shape: torch.nn.Hardtanh(min_val, max_val), the
 * same values as torch.clamp. Backward follows Hardtanh (not clamp): dX = dOut strictly inside
 * (min_val, max_val) and 0 at and beyond both ends, the convention of torch's hardtanh_backward.
 * NaN passes through forward; its gradient is dOut, as torch's element-wise kernel gives (torch's
 * vectorised kernel gives 0 there, so torch itself is not consistent for NaN).
 */
public final class Clip extends PointwiseActivation implements Fusable {
    private final ClipConfig config;
    private final float lo, hi; // the bounds in float, as torch's float kernel compares

    /**
     * A clip layer with the given bounds.
     *
     * @param config the lower and upper bound
     */
    public Clip(ClipConfig config) {
        this.config = config;
        this.lo = (float) config.minVal();
        this.hi = (float) config.maxVal();
    }

    /** torch.nn.Hardtanh()'s defaults, [−1, 1]. */
    public Clip() { this(ClipConfig.of()); }

    /** {@return the settings this layer was built with: min_val and max_val} */
    public ClipConfig config() { return config; }

    @Override
    void forwardRange(float[] x, float[] y, int from, int to) { clamp(lo, hi, x, y, from, to); }

    @Override
    void backwardRange(float[] x, float[] dOut, float[] dX, int from, int to) { clampBackward(lo, hi, x, dOut, dX, from, to); }

    /** y = x clamped to [lo, hi]; written with comparisons so NaN and −0 pass through as in torch. */
    static void clamp(float lo, float hi, float[] x, float[] y, int from, int to) {
        Kernels.arrays().clamp(to - from, lo, hi, x, from, y, from);
    }

    /** dX = dOut where lo &lt; x &lt; hi, else 0; NaN x lets dOut through (torch's scalar hardtanh_backward). */
    static void clampBackward(float lo, float hi, float[] x, float[] dOut, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            dX[i] = v <= lo || v >= hi ? 0f : dOut[i];
        }
    }

    /** After a convolution, the two run as one in inference ({@link ClampedConv2d}); after anything else, not at all. */
    @Override
    public Layer fuseAfter(Layer previous) {
        return previous instanceof Conv2d c ? new ClampedConv2d(c, this, lo, hi) : null;
    }

    @Override
    public String describe() { return "Clip(min_val=" + config.minVal() + ", max_val=" + config.maxVal() + ")"; }
}
