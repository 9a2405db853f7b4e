package org.conv4j.pool;

import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;
import org.conv4j.tensor.WindowGeometry;

/**
 * Average pooling over NCHW batches, as torch.nn.AvgPool2d (kernel, stride, padding, ceil mode,
 * count_include_pad). x [N, C, H, W] → out [N, C, OH, OW].
 */
public final class AvgPool2d implements Layer {
    private final PoolConfig config;
    private final String name;

    private WindowGeometry geometry;
    private int[] shape;     // [N, C, H, W] of the last forward input
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused

    /**
     * An average pool with {@code config}'s window, stride, padding, ceil mode and divisor rule.
     *
     * @param config the settings
     */
    public AvgPool2d(PoolConfig config) {
        this.config = config;
        this.name = config.describe("AvgPool2d", true);
    }

    /**
     * A k×k window with stride k.
     *
     * @param kernel KH = KW = the stride, at least 1
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public AvgPool2d(int kernel) { this(PoolConfig.of(kernel)); }

    /** {@return the settings this layer was built with: window, stride, padding, ceil mode, count_include_pad} */
    public PoolConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        WindowGeometry g = geometryFor(x);
        int[] outShape = {x.dim(0), x.dim(1), g.outH(), g.outW()};
        if (out == null || !out.hasShape(outShape)) out = new Tensor(outShape);
        Pooling.avgForward(g, config.countIncludePad(), x.dim(0) * x.dim(1), x.data(), out.data());
        geometry = g;
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], geometry.outH(), geometry.outW());
        if (dX == null || !dX.hasShape(shape)) dX = new Tensor(shape);
        Pooling.avgBackward(geometry, config.countIncludePad(), shape[0] * shape[1], dOut.data(), dX.data());
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        WindowGeometry g = geometryFor(x);
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), g.outH(), g.outW());
        Pooling.avgForward(g, config.countIncludePad(), x.dim(0) * x.dim(1), x.data(), y.data());
        return y;
    }

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
