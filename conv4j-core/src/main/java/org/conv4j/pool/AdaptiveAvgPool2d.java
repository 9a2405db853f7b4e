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
 * Mean over torch's adaptive bins ({@link AdaptivePoolConfig}), as torch.nn.AdaptiveAvgPool2d:
 * x [N, C, H, W] → out [N, C, OH, OW], for any H, W ≥ 1. With output size 1 it is the global average
 * of {@link GlobalAvgPool2d} (equal to float rounding: this layer sums in double, that one in eight
 * float lanes).
 */
public final class AdaptiveAvgPool2d implements Layer {
    private final AdaptivePoolConfig config;
    private final String name;

    private int[] shape;     // [N, C, H, W] of the last forward input
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused

    /**
     * An adaptive average pool to {@code config}'s output size.
     *
     * @param config the output size
     */
    public AdaptiveAvgPool2d(AdaptivePoolConfig config) {
        this.config = config;
        this.name = config.describe("AdaptiveAvgPool2d");
    }

    /** {@return the settings this layer was built with: the output size OH×OW} */
    public AdaptivePoolConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        check(x);
        out = Buffers.reuse(out, x.dim(0), x.dim(1), config.outH(), config.outW());
        mean(x, out);
        shape = x.shape();
        return out;
    }

    /** dX[h, w] = Σ over the bins b that cover (h, w) of dOut[b] / |b|. */
    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], config.outH(), config.outW());
        dX = Buffers.reuse(dX, shape);
        dX.zero();
        int h = shape[2], w = shape[3], oh = config.outH(), ow = config.outW();
        float[] d = dX.data(), g = dOut.data();
        for (int pl = 0; pl < shape[0] * shape[1]; pl++) {
            for (int i = 0; i < oh; i++) {
                int h0 = binStart(i, h, oh), h1 = binEnd(i, h, oh);
                for (int j = 0; j < ow; j++) {
                    int w0 = binStart(j, w, ow), w1 = binEnd(j, w, ow);
                    float share = g[(pl * oh + i) * ow + j] / ((h1 - h0) * (w1 - w0));
                    for (int y = h0; y < h1; y++) {
                        for (int x = w0; x < w1; x++) d[(pl * h + y) * w + x] += share;
                    }
                }
            }
        }
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        check(x);
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), config.outH(), config.outW());
        mean(x, y);
        return y;
    }

    /** out[n, c, i, j] = mean of x[n, c] over bin (i, j); summed in double so large bins lose nothing. */
    private void mean(Tensor x, Tensor y) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), oh = config.outH(), ow = config.outW();
        float[] in = x.data(), o = y.data();
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                int h0 = binStart(i, h, oh), h1 = binEnd(i, h, oh);
                for (int j = 0; j < ow; j++) {
                    int w0 = binStart(j, w, ow), w1 = binEnd(j, w, ow);
                    double s = 0;
                    for (int r = h0; r < h1; r++) {
                        for (int c = w0; c < w1; c++) s += in[(pl * h + r) * w + c];
                    }
                    o[(pl * oh + i) * ow + j] = (float) (s / ((h1 - h0) * (w1 - w0)));
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
