package org.conv4j.pool;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.array.ArrayKernels;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Mean over each whole feature map, as torch.nn.AdaptiveAvgPool2d(1) (ONNX GlobalAveragePool):
 * x [N, C, H, W] → out [N, C, 1, 1]. Follow it with Flatten for a classifier head.
 */
public final class GlobalAvgPool2d implements Layer {
    private static final String NAME = "GlobalAvgPool2d";

    private int[] shape;     // [N, C, H, W] of the last forward input
    private Tensor out;      // [N, C, 1, 1] reused
    private Tensor dX;       // [N, C, H, W] reused

    /** A global average pool; it has no settings and no parameters. */
    public GlobalAvgPool2d() {}

    @Override
    public Tensor forward(Tensor x) {
        Shapes.checkRank(NAME, "x", x, 4);
        if (out == null || !out.hasShape(x.dim(0), x.dim(1), 1, 1)) out = new Tensor(x.dim(0), x.dim(1), 1, 1);
        mean(x, out);
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(NAME + ": backward called before forward");
        Shapes.check(NAME, "dOut", dOut, shape[0], shape[1], 1, 1);
        if (dX == null || !dX.hasShape(shape)) dX = new Tensor(shape);
        int hw = shape[2] * shape[3];
        float[] d = dX.data(), g = dOut.data();
        Parallel.forChunks(g.length, planesPerTask(hw), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) java.util.Arrays.fill(d, pl * hw, (pl + 1) * hw, g[pl] / hw);
        });
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Shapes.checkRank(NAME, "x", x, 4);
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), 1, 1);
        mean(x, y);
        return y;
    }

    /** Each plane's {@link org.conv4j.kernels.array.OrderedSum} (eight running sums), divided by H·W. */
    private static void mean(Tensor x, Tensor y) {
        int hw = x.dim(2) * x.dim(3);
        float[] in = x.data(), o = y.data();
        ArrayKernels ew = Kernels.arrays();
        Parallel.forChunks(o.length, planesPerTask(hw), (lo, hi) -> {
            java.util.Arrays.fill(o, lo, hi, 0f);
            ew.addOrderedSums(hi - lo, hw, in, lo * hw, hw, o, lo);
            for (int pl = lo; pl < hi; pl++) o[pl] /= hw;
        });
    }

    /** Planes per pool task: about 32K values, enough to beat the cost of handing a task over. */
    private static int planesPerTask(int hw) { return Math.max(1, (1 << 15) / Math.max(1, hw)); }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(NAME, "input item", in, new int[] {-1, -1, -1});
        return new int[] {in[0], 1, 1};
    }

    @Override
    public String describe() { return NAME; }
}
