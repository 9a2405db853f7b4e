package org.conv4j.norm;

import java.util.List;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Batch normalisation of images, torch.nn.BatchNorm2d: input [N, C, H, W], statistics per channel
 * over N·H·W values. Parameters "weight" (γ, ones) and "bias" (β, zeros) when affine; buffers
 * "running_mean" (zeros) and "running_var" (ones) when tracking running statistics. A new layer is in
 * training mode, as in torch; {@link #infer} always behaves as evaluation mode. Forward keeps a reference
 * to x (not a copy) for backward, which recomputes x̂ from it in double precision.
 */
public final class BatchNorm2d implements Layer {
    private final BatchNormCore core;

    /**
     * A layer in training mode, γ = 1, β = 0, running mean 0 and variance 1 as the config asks.
     *
     * @param config the settings
     */
    public BatchNorm2d(BatchNormConfig config) { this.core = new BatchNormCore(config); }

    /** {@return the settings this layer was built with: C, eps, momentum, affine, running statistics} */
    public BatchNormConfig config() { return core.config(); }

    /**
     * γ [C], or null without affine.
     *
     * @return the scale and its gradient, or null
     */
    public Param weight() { return core.weight(); }

    /**
     * β [C], or null without affine.
     *
     * @return the shift and its gradient, or null
     */
    public Param bias() { return core.bias(); }

    /**
     * The running mean that evaluation normalises with, updated by each training forward.
     *
     * @return the buffer [C] (no gradient), or null without running statistics
     */
    public Param runningMean() { return core.runningMean(); }

    /**
     * The running (unbiased) variance that evaluation normalises with, updated by each training forward.
     *
     * @return the buffer [C] (no gradient), or null without running statistics
     */
    public Param runningVar() { return core.runningVar(); }

    private void checkInput(Tensor x) {
        Shapes.check(describe(), "x", x, -1, core.config().numFeatures(), -1, -1);
    }

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        return core.forward(describe(), x, x.dim(0), x.dim(2) * x.dim(3));
    }

    @Override
    public Tensor backward(Tensor dOut) {
        return core.backward(describe(), dOut);
    }

    @Override
    public Tensor infer(Tensor x) {
        checkInput(x);
        return core.infer(describe(), x, x.dim(0), x.dim(2) * x.dim(3));
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3 || in[0] != core.config().numFeatures()) {
            throw new org.conv4j.tensor.ShapeException(describe(), "item", in, new int[] {core.config().numFeatures(), -1, -1});
        }
        return in.clone();
    }

    @Override
    public List<Param> params() { return core.params(); }

    @Override
    public void setTraining(boolean training) { core.setTraining(training); }

    /**
     * {@return whether forward normalises with batch statistics and updates the running ones; true for a new layer}
     */
    public boolean isTraining() { return core.isTraining(); }

    @Override
    public String describe() { return "BatchNorm2d(" + core.config().describeArgs() + ")"; }
}
