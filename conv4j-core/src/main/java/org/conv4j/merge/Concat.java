package org.conv4j.merge;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Buffers;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Joins one or more inputs along one dimension, as torch.cat and ONNX Concat: inputs of the same rank whose
 * dimensions agree except along {@code dim} (by default 1, the channels, as DenseNet, GoogLeNet, SqueezeNet and
 * ShuffleNet join their branches). Backward hands each input its slice of dOut.
 *
 * <p>Layout: viewing each input as [outer, size_k · inner] (outer = the dimensions before dim, inner = those after
 * it), the output row of every outer index is the inputs' rows one after another.
 */
public final class Concat implements Merge {
    private final ConcatConfig config;
    private final String name;
    private int[][] shapes;        // the last forward's input shapes
    private Tensor out;            // reused
    private Tensor[] dXs;          // per input, reused

    /**
     * A concatenation layer; the dimension is resolved against each forward's input shapes.
     *
     * @param config the dimension to join along
     */
    public Concat(ConcatConfig config) {
        this.config = config;
        this.name = "Concat(dim=" + config.dim() + ")";
    }

    /** Concatenation along the channels (dim 1). */
    public Concat() { this(ConcatConfig.of()); }

    /** {@return the settings this layer was built with: the dimension to join along} */
    public ConcatConfig config() { return config; }

    @Override
    public Tensor forward(List<Tensor> xs) {
        shapes = shapes(xs);
        out = Buffers.reuse(out, outShape(shapes));
        join(xs, shapes, out.data());
        return out;
    }

    @Override
    public List<Tensor> backward(Tensor dOut) {
        if (shapes == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, outShape(shapes));
        if (dXs == null || dXs.length != shapes.length) dXs = new Tensor[shapes.length];
        int axis = axis(shapes[0].length);
        int outer = outer(shapes[0], axis), row = Shapes.size(dOut.shape()) / Math.max(1, outer);
        float[] d = dOut.data();
        List<Tensor> r = new ArrayList<>(shapes.length);
        int at = 0;
        for (int k = 0; k < shapes.length; k++) {
            dXs[k] = Buffers.reuse(dXs[k], shapes[k]);
            float[] dx = dXs[k].data();
            int len = dx.length / Math.max(1, outer);
            for (int o = 0; o < outer; o++) System.arraycopy(d, o * row + at, dx, o * len, len);
            at += len;
            r.add(dXs[k]);
        }
        return r;
    }

    @Override
    public Tensor infer(List<Tensor> xs) {
        int[][] s = shapes(xs);
        Tensor y = TensorPool.output(outShape(s));
        join(xs, s, y.data());
        return y;
    }

    private void join(List<Tensor> xs, int[][] s, float[] y) {
        int axis = axis(s[0].length);
        int outer = outer(s[0], axis), row = y.length / Math.max(1, outer);
        int at = 0;
        for (Tensor x : xs) {
            float[] d = x.data();
            int len = d.length / Math.max(1, outer);
            for (int o = 0; o < outer; o++) System.arraycopy(d, o * len, y, o * row + at, len);
            at += len;
        }
    }

    /** The full dimension joined for tensors of {@code rank} (dim resolved when negative). */
    private int axis(int rank) {
        int a = config.dim() < 0 ? rank + config.dim() : config.dim();
        if (a < 1 || a >= rank) {
            throw new ShapeException(name + ": dim " + config.dim() + " is not a non-batch dimension of a rank-" + rank + " tensor");
        }
        return a;
    }

    private static int outer(int[] s, int axis) {
        int n = 1;
        for (int d = 0; d < axis; d++) n *= s[d];
        return n;
    }

    private int[][] shapes(List<Tensor> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException(name + ": needs at least 1 input");
        int[][] s = new int[xs.size()][];
        for (int k = 0; k < s.length; k++) s[k] = xs.get(k).shape();
        check(s, 0);
        return s;
    }

    /** Output shape for full (offset 0) or item (offset 1) shapes: the inputs' shape with dim summed. */
    private int[] check(int[][] s, int offset) {
        int axis = axis(s[0].length + offset) - offset;
        int[] out = s[0].clone();
        for (int k = 1; k < s.length; k++) {
            boolean ok = s[k].length == s[0].length;
            for (int d = 0; ok && d < s[0].length; d++) ok = d == axis || s[k][d] == s[0][d];
            if (!ok) {
                int[] want = s[0].clone();
                if (s[k].length == want.length) want[axis] = s[k][axis];
                throw new ShapeException(name + ": input " + k + " has " + (offset == 1 ? "item " : "") + "shape "
                        + Shapes.show(s[k]) + " but input 0 has " + Shapes.show(s[0])
                        + "; all but dim " + config.dim() + " must agree (expected " + Shapes.show(want) + ")");
            }
            out[axis] += s[k][axis];
        }
        return out;
    }

    private int[] outShape(int[][] s) { return check(s, 0); }

    @Override
    public int[] outputShape(List<int[]> in) {
        if (in.isEmpty()) throw new ShapeException(name + ": needs at least 1 input");
        return check(in.toArray(new int[0][]), 1);
    }

    @Override public int minInputs() { return 1; }

    @Override public int maxInputs() { return Integer.MAX_VALUE; }

    @Override public String describe() { return name; }
}
