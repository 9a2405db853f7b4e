package org.conv4j.activation;

import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/** Shared plumbing of the element-wise activations: parallel loops and the call-order checks. */
final class ActivationLoops {
    /** Below this many values one thread is faster than forking. */
    private static final int PARALLEL_MIN = 1 << 16;
    private static final int GRAIN = 1 << 14;

    private ActivationLoops() {}

    /** Runs {@code body} over [0, n), split across the pool for large n (element-wise, so order-free). */
    static void forRange(int n, Parallel.RangeBody body) {
        if (n < PARALLEL_MIN) body.run(0, n);
        else Parallel.forChunks(n, GRAIN, body);
    }

    /** Fails unless forward ran and dOut has the shape of its output. */
    static void checkBackward(Layer layer, Tensor forwardOut, Tensor dOut) {
        if (forwardOut == null) throw new IllegalStateException(layer.describe() + ": backward called before forward");
        Shapes.check(layer.describe(), "dOut", dOut, forwardOut.shape());
    }
}
