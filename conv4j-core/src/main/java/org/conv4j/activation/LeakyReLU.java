package org.conv4j.activation;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/** out = x for x &gt; 0, slope·x otherwise, element-wise. Forward keeps a reference to x for backward. */
public final class LeakyReLU implements Layer {
    private final LeakyReluConfig config;
    private final float slope;
    private Tensor x;   // the last input, any shape
    private Tensor out; // same shape
    private Tensor dX;

    /**
     * A leaky ReLU layer with the given slope.
     *
     * @param config the slope for negative inputs
     */
    public LeakyReLU(LeakyReluConfig config) {
        this.config = config;
        this.slope = (float) config.negativeSlope();
    }

    /** Slope 0.01, as torch.nn.LeakyReLU(). */
    public LeakyReLU() { this(LeakyReluConfig.of()); }

    /** {@return the settings this layer was built with: the negative slope} */
    public LeakyReluConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        this.x = x;
        out = Buffers.reuse(out, x);
        apply(x.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] xs = x.data(), g = dOut.data(), dx = dX.data();
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(xs.length, (lo, hi) -> ew.leakyReluBackward(hi - lo, slope, xs, lo, g, lo, dx, lo));
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = TensorPool.output(x.shape());
        apply(x.data(), y.data());
        return y;
    }

    @Override
    public Tensor inferInPlace(Tensor x) {
        apply(x.data(), x.data());
        return x;
    }

    private void apply(float[] xs, float[] y) {
        ActivationKernels ew = Kernels.activation();
        ActivationLoops.forRange(xs.length, (lo, hi) -> ew.leakyReluForward(hi - lo, slope, xs, lo, y, lo));
    }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "LeakyReLU(" + config.negativeSlope() + ")"; }
}
