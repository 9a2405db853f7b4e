package org.conv4j.pool;

import org.conv4j.conv.ConvGeometry;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Max pooling over NCHW batches, as torch.nn.MaxPool2d (kernel, stride, padding, ceil mode).
 * x [N, C, H, W] → out [N, C, OH, OW]. Forward remembers where each maximum was; backward routes dOut there.
 */
public final class MaxPool2d implements Layer {
    private final PoolConfig config;
    private final String name;

    private ConvGeometry geometry;
    private int[] shape;     // [N, C, H, W] of the last forward input
    private int[] argmax;    // [N·C·OH·OW] flat index into x of each maximum
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused

    public MaxPool2d(PoolConfig config) {
        this.config = config;
        this.name = config.describe("MaxPool2d", false);
    }

    /** A k×k window with stride k. */
    public MaxPool2d(int kernel) { this(PoolConfig.of(kernel)); }

    public PoolConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        ConvGeometry g = geometryFor(x);
        int[] outShape = {x.dim(0), x.dim(1), g.outH(), g.outW()};
        if (out == null || !out.hasShape(outShape)) {
            out = new Tensor(outShape);
            argmax = new int[out.size()];
        }
        Pooling.maxForward(g, x.dim(0) * x.dim(1), x.data(), out.data(), argmax);
        geometry = g;
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], geometry.outH(), geometry.outW());
        if (dX == null || !dX.hasShape(shape)) dX = new Tensor(shape);
        Pooling.maxBackward(geometry, shape[0] * shape[1], dOut.data(), argmax, dX.data());
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        ConvGeometry g = geometryFor(x);
        Tensor y = new Tensor(x.dim(0), x.dim(1), g.outH(), g.outW());
        Pooling.maxForward(g, x.dim(0) * x.dim(1), x.data(), y.data(), new int[y.size()]);
        return y;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(name, "input item", in, new int[] {-1, -1, -1});
        ConvGeometry g = config.geometry(name, in[1], in[2]);
        return new int[] {in[0], g.outH(), g.outW()};
    }

    @Override
    public String describe() { return name; }

    private ConvGeometry geometryFor(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
        ConvGeometry g = geometry;
        return g != null && g.inH() == x.dim(2) && g.inW() == x.dim(3) ? g : config.geometry(name, x.dim(2), x.dim(3));
    }
}
