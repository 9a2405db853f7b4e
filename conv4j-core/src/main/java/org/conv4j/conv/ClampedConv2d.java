package org.conv4j.conv;

import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * A {@link Conv2d} then a clamp to [lo, hi] (a ReLU6, or a Clip) as one layer, built by
 * {@code ReLU6.fuseAfter} and {@code Clip.fuseAfter}. Training runs the two layers one after the other; inference
 * clamps inside the convolution's own bias pass ({@link Conv2d#inferClamped}), so MobileNet's expansion outputs are
 * not read and written once more. The same results, bitwise; no parameters of its own.
 */
public final class ClampedConv2d implements Layer {
    private final Conv2d conv;
    private final Layer clamp;
    private final float lo, hi;

    /**
     * The two layers as one; both keep their own settings and parameters.
     *
     * @param conv  the convolution that comes first
     * @param clamp the clamping activation that follows it
     * @param lo    its lower bound
     * @param hi    its upper bound
     */
    public ClampedConv2d(Conv2d conv, Layer clamp, float lo, float hi) {
        this.conv = conv;
        this.clamp = clamp;
        this.lo = lo;
        this.hi = hi;
    }

    /** {@return the convolution this layer runs} */
    public Conv2d conv() { return conv; }

    @Override
    public Tensor forward(Tensor x) { return clamp.forward(conv.forward(x)); }

    @Override
    public Tensor backward(Tensor dOut) { return conv.backward(clamp.backward(dOut)); }

    @Override
    public void setInputGradient(boolean needed) { conv.setInputGradient(needed); }

    @Override
    public Tensor infer(Tensor x) { return conv.inferClamped(x, lo, hi); }

    @Override
    public int[] outputShape(int[] in) { return clamp.outputShape(conv.outputShape(in)); }

    @Override
    public void setTraining(boolean training) {
        conv.setTraining(training);
        clamp.setTraining(training);
    }

    @Override
    public String describe() { return conv.describe() + "+" + clamp.describe(); }
}
