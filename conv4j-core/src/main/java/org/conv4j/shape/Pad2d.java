package org.conv4j.shape;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Pads (or, with negative amounts in constant mode, crops) the last two dimensions, as
 * torch.nn.functional.pad with four amounts: x [N, C, H, W] → out [N, C, H + top + bottom, W + left + right].
 *
 * <p>Every output cell either copies one input cell or holds the constant, so one map per axis (output
 * index → input index, or −1 for the constant) drives forward and backward alike: backward adds each
 * dOut cell into the input cell it was copied from. In constant mode that is a crop of dOut; in reflect
 * and replicate modes the mirrored or repeated cells fold their gradients back onto the edge region.
 */
public final class Pad2d implements Layer {
    private final PadConfig config;
    private final String name;

    private int[] shape;     // [N, C, H, W] of the last forward input
    private int[] rows;      // [OH]: input row of each output row, −1 for the constant
    private int[] cols;      // [OW]: input column of each output column, −1 for the constant
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused

    /**
     * A padding layer; the amounts are checked against each input's size when it arrives.
     *
     * @param config the amounts, mode and fill value
     */
    public Pad2d(PadConfig config) {
        this.config = config;
        this.name = config.describe();
    }

    /** {@return the settings this layer was built with: the four amounts, the mode and the fill value} */
    public PadConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
        int[] r = sources(x.dim(2), config.top(), config.bottom(), "H"), c = sources(x.dim(3), config.left(), config.right(), "W");
        out = Buffers.reuse(out, x.dim(0), x.dim(1), r.length, c.length);
        gather(x, r, c, out);
        shape = x.shape();
        rows = r;
        cols = c;
        return out;
    }

    /** dX[n, c, rows[i], cols[j]] += dOut[n, c, i, j] for every output cell copied from the input. */
    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], rows.length, cols.length);
        dX = Buffers.reuse(dX, shape);
        dX.zero();
        int h = shape[2], w = shape[3], oh = rows.length, ow = cols.length;
        float[] d = dX.data(), g = dOut.data();
        for (int pl = 0; pl < shape[0] * shape[1]; pl++) {
            for (int i = 0; i < oh; i++) {
                if (rows[i] < 0) continue;
                int src = (pl * h + rows[i]) * w, dst = (pl * oh + i) * ow;
                for (int j = 0; j < ow; j++) if (cols[j] >= 0) d[src + cols[j]] += g[dst + j];
            }
        }
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
        int[] r = sources(x.dim(2), config.top(), config.bottom(), "H"), c = sources(x.dim(3), config.left(), config.right(), "W");
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), r.length, c.length);
        gather(x, r, c, y);
        return y;
    }

    private void gather(Tensor x, int[] r, int[] c, Tensor y) {
        int h = x.dim(2), w = x.dim(3), oh = r.length, ow = c.length;
        float[] in = x.data(), o = y.data();
        float fill = config.value();
        for (int pl = 0; pl < x.dim(0) * x.dim(1); pl++) {
            for (int i = 0; i < oh; i++) {
                int src = (pl * h + r[i]) * w, dst = (pl * oh + i) * ow;
                for (int j = 0; j < ow; j++) o[dst + j] = r[i] < 0 || c[j] < 0 ? fill : in[src + c[j]];
            }
        }
    }

    /**
     * The input index each of the {@code before + n + after} output indices along one axis reads, or −1
     * for the constant. Fails (naming the axis) when reflect amounts reach the input size, when replicate
     * has no edge to repeat, or when cropping leaves nothing.
     */
    int[] sources(int n, int before, int after, String axis) {
        int size = before + n + after;
        if (size < 1 || n < 1) {
            throw new ShapeException(name + ": input " + axis + " = " + n + " padded by " + before + " and " + after
                    + " gives " + size + "; the output needs at least 1");
        }
        if (config.mode() == PadConfig.Mode.REFLECT && (before >= n || after >= n)) {
            throw new ShapeException(name + ": reflect padding must be less than the input size it mirrors, but pads "
                    + before + " and " + after + " on " + axis + " = " + n);
        }
        int[] src = new int[size];
        for (int o = 0; o < size; o++) {
            int i = o - before;
            src[o] = switch (config.mode()) {
                case CONSTANT -> i >= 0 && i < n ? i : -1;
                case REFLECT -> i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
                case REPLICATE -> Math.min(Math.max(i, 0), n - 1);
            };
        }
        return src;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(name, "input item", in, new int[] {-1, -1, -1});
        return new int[] {in[0], sources(in[1], config.top(), config.bottom(), "H").length,
                sources(in[2], config.left(), config.right(), "W").length};
    }

    @Override
    public String describe() { return name; }
}
