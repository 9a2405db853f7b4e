package org.conv4j.pool;

import org.conv4j.activation.ReLU;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.layers.Fusable;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;
import org.conv4j.tensor.WindowGeometry;

/**
 * Max pooling over NCHW batches, as torch.nn.MaxPool2d (kernel, stride, padding, ceil mode).
 * x [N, C, H, W] → out [N, C, OH, OW]. Forward remembers where each maximum was; backward routes dOut there.
 */
public final class MaxPool2d implements Fusable {
    /** Floats per task of the ReLU gate in {@link #backwardThroughRelu} (elementwise: any split gives the same bits). */
    private static final int GATE_GRAIN = 1 << 15;

    private final PoolConfig config;
    private final String name;

    private WindowGeometry geometry;
    private int[] shape;     // [N, C, H, W] of the last forward input
    private int[] argmax;    // [N·C·OH·OW] flat index into x of each maximum
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused
    private Tensor dGated;   // [N, C, OH, OW] dOut through ReLU's gate, reused (backwardThroughRelu)

    /**
     * A max pool with {@code config}'s window, stride, padding and ceil mode.
     *
     * @param config the settings; count_include_pad is ignored
     */
    public MaxPool2d(PoolConfig config) {
        this.config = config;
        this.name = config.describe("MaxPool2d", false);
    }

    /**
     * A k×k window with stride k.
     *
     * @param kernel KH = KW = the stride, at least 1
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public MaxPool2d(int kernel) { this(PoolConfig.of(kernel)); }

    /** {@return the settings this layer was built with: window, stride, padding, ceil mode} */
    public PoolConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) { return forward(x, false); }

    /**
     * A ReLU layer and then this pool in one pass: bitwise {@code forward(relu.forward(x))}, without
     * writing ReLU's output (a pooled value is ReLU's value at its window's first maximum, and ReLU keeps
     * the order of values). {@link org.conv4j.model.Sequential} runs every ReLU → MaxPool2d pair this way;
     * pair it with {@link #backwardThroughRelu}.
     *
     * @param x [N, C, H, W], the ReLU's input
     * @return [N, C, OH, OW], reused by the next forward of that shape
     * @throws org.conv4j.tensor.ShapeException if x is not rank 4
     * @throws IllegalArgumentException if the window does not fit the padded input
     */
    public Tensor forwardAfterRelu(Tensor x) { return forward(x, true); }

    private Tensor forward(Tensor x, boolean relu) {
        WindowGeometry g = geometryFor(x);
        int[] outShape = {x.dim(0), x.dim(1), g.outH(), g.outW()};
        if (out == null || !out.hasShape(outShape)) {
            out = new Tensor(outShape);
            argmax = new int[out.size()];
        }
        Pooling.maxForward(g, x.dim(0) * x.dim(1), x.data(), out.data(), argmax, relu);
        geometry = g;
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        checkBackward(dOut);
        Pooling.maxBackward(geometry, shape[0] * shape[1], dOut.data(), argmax, dX.data());
        return dX;
    }

    /**
     * The gradient with respect to the ReLU's input after {@link #forwardAfterRelu}: bitwise
     * {@code relu.backward(backward(dOut))}. ReLU passes a cell's gradient where its output is positive,
     * and each pooled value is ReLU's output at the cell its gradient goes to, so the gate is applied to
     * dOut [N, C, OH, OW] before routing, a quarter of the cells for 2×2 windows.
     *
     * @param dOut [N, C, OH, OW]
     * @return dX [N, C, H, W], the gradient with respect to the ReLU's input; reused by the next backward
     * @throws IllegalStateException if called before a forward
     * @throws org.conv4j.tensor.ShapeException if dOut does not have the last forward's output shape
     */
    public Tensor backwardThroughRelu(Tensor dOut) {
        checkBackward(dOut);
        if (dGated == null || !dGated.hasShape(dOut.shape())) dGated = new Tensor(dOut.shape());
        float[] y = out.data(), g = dOut.data(), gated = dGated.data();
        ActivationKernels ew = Kernels.activation();
        Parallel.forChunks(y.length, GATE_GRAIN, (lo, hi) -> ew.reluBackward(hi - lo, y, lo, g, lo, gated, lo));
        Pooling.maxBackward(geometry, shape[0] * shape[1], gated, argmax, dX.data());
        return dX;
    }

    private void checkBackward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], geometry.outH(), geometry.outW());
        if (dX == null || !dX.hasShape(shape)) dX = new Tensor(shape);
    }

    @Override
    public Tensor infer(Tensor x) { return infer(x, false); }

    /**
     * {@link #infer} of a ReLU layer's output, from the ReLU's input: see {@link #forwardAfterRelu}. Thread-safe.
     *
     * @param x [N, C, H, W], the ReLU's input
     * @return a new tensor [N, C, OH, OW]
     * @throws org.conv4j.tensor.ShapeException if x is not rank 4
     * @throws IllegalArgumentException if the window does not fit the padded input
     */
    public Tensor inferAfterRelu(Tensor x) { return infer(x, true); }

    private Tensor infer(Tensor x, boolean relu) {
        WindowGeometry g = geometryFor(x);
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), g.outH(), g.outW());
        Pooling.maxValues(g, x.dim(0) * x.dim(1), x.data(), y.data(), relu);
        return y;
    }

    /** After a {@link ReLU}, runs as {@link ReluMaxPool2d}: the pool reads ReLU's input and gates its gradient. */
    @Override
    public Layer fuseAfter(Layer previous) { return previous instanceof ReLU relu ? new ReluMaxPool2d(relu, this) : null; }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(name, "input item", in, new int[] {-1, -1, -1});
        WindowGeometry g = config.geometry(name, in[1], in[2]);
        return new int[] {in[0], g.outH(), g.outW()};
    }

    @Override
    public String describe() { return name; }

    private WindowGeometry geometryFor(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
        WindowGeometry g = geometry;
        return g != null && g.inH() == x.dim(2) && g.inW() == x.dim(3) ? g : config.geometry(name, x.dim(2), x.dim(3));
    }
}
