package org.conv4j.pool;

import org.conv4j.activation.ReLU;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * A {@link ReLU} then a {@link MaxPool2d} as one pass ({@link MaxPool2d#forwardAfterRelu}): the same results,
 * bitwise, without writing the ReLU's output. Built by {@link MaxPool2d#fuseAfter}; has no parameters.
 */
public final class ReluMaxPool2d implements Layer {
    private final ReLU relu;
    private final MaxPool2d pool;

    /**
     * The two layers as one; both keep their own settings.
     *
     * @param relu the ReLU that comes first
     * @param pool the max pool that follows it
     */
    public ReluMaxPool2d(ReLU relu, MaxPool2d pool) {
        this.relu = relu;
        this.pool = pool;
    }

    /** {@return the max pool this layer runs, whose settings (window, stride, padding) it has} */
    public MaxPool2d pool() { return pool; }

    @Override
    public Tensor forward(Tensor x) { return pool.forwardAfterRelu(x); }

    @Override
    public Tensor backward(Tensor dOut) { return pool.backwardThroughRelu(dOut); }

    @Override
    public Tensor infer(Tensor x) { return pool.inferAfterRelu(x); }

    @Override
    public int[] outputShape(int[] in) { return pool.outputShape(relu.outputShape(in)); }

    @Override
    public void setTraining(boolean training) {
        relu.setTraining(training);
        pool.setTraining(training);
    }

    @Override
    public String describe() { return relu.describe() + "+" + pool.describe(); }
}
