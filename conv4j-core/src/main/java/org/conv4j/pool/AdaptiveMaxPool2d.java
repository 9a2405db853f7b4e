package org.conv4j.pool;

import static org.conv4j.pool.AdaptivePoolConfig.binEnd;
import static org.conv4j.pool.AdaptivePoolConfig.binStart;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Maximum over torch's adaptive bins ({@link AdaptivePoolConfig}), as torch.nn.AdaptiveMaxPool2d
 * (without {@code return_indices}): x [N, C, H, W] → out [N, C, OH, OW]. Ties go to the first maximum in
 * row-major order and a NaN wins its bin, as in torch's CPU kernel; backward routes each dOut to that one
 * input (adding where bins overlap).
 */
public final class AdaptiveMaxPool2d implements Layer {
    private final AdaptivePoolConfig config;
    private final String name;

    private int[] shape;     // [N, C, H, W] of the last forward input
    private int[] argmax;    // [N, C, OH, OW]: index within its H×W plane of each output's maximum
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused

    /**
     * An adaptive max pool to {@code config}'s output size.
     *
     * @param config the output size
     */
    public AdaptiveMaxPool2d(AdaptivePoolConfig config) {
        this.config = config;
        this.name = config.describe("AdaptiveMaxPool2d");
    }

    /** {@return the settings this layer was built with: the output size OH×OW} */
    public AdaptivePoolConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        check(x);
        out = Buffers.reuse(out, x.dim(0), x.dim(1), config.outH(), config.outW());
        if (argmax == null || argmax.length != out.size()) argmax = new int[out.size()];
        max(x, out, argmax);
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], config.outH(), config.outW());
        dX = Buffers.reuse(dX, shape);
        dX.zero();
        int hw = shape[2] * shape[3], ohw = config.outH() * config.outW();
        float[] d = dX.data(), g = dOut.data();
        for (int k = 0; k < g.length; k++) d[k / ohw * hw + argmax[k]] += g[k];
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        check(x);
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), config.outH(), config.outW());
        max(x, y, new int[y.size()]);
        return y;
    }

    /** out[n, c, i, j] = max of x[n, c] over bin (i, j); where[k] = its index in the plane. */
    private void max(Tensor x, Tensor y, int[] where) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), oh = config.outH(), ow = config.outW();
        float[] in = x.data(), o = y.data();
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                int h0 = binStart(i, h, oh), h1 = binEnd(i, h, oh);
                for (int j = 0; j < ow; j++) {
                    int w0 = binStart(j, w, ow), w1 = binEnd(j, w, ow);
                    float best = Float.NEGATIVE_INFINITY;
                    int at = h0 * w + w0;
                    for (int r = h0; r < h1; r++) {
                        for (int c = w0; c < w1; c++) {
                            float v = in[(pl * h + r) * w + c];
                            if (v > best || Float.isNaN(v)) { best = v; at = r * w + c; }
                        }
                    }
                    int k = (pl * oh + i) * ow + j;
                    o[k] = best;
                    where[k] = at;
                }
            }
        }
    }

    private void check(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
        if (x.dim(2) < 1 || x.dim(3) < 1) {
            throw new ShapeException(name + ": x has shape " + Shapes.show(x.shape()) + " but needs H, W >= 1");
        }
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(name, "input item", in, new int[] {-1, -1, -1});
        return new int[] {in[0], config.outH(), config.outW()};
    }

    @Override
    public String describe() { return name; }
}
