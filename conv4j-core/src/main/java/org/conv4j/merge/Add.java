package org.conv4j.merge;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Buffers;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * The elementwise sum of two or more inputs, {@code out = x0 + x1 + ...} added left to right, as torch's
 * {@code a + b} and ONNX Add/Sum. Inputs broadcast over the item dimensions ({@link Broadcast}): all of shape
 * [N, C, H, W] (a residual sum), or some [N, C, 1, 1] or [N, 1] spread over H×W.
 *
 * <p>Backward: dX_k is dOut itself for an input of the output's shape (no copy: nobody writes into it), and dOut
 * summed over the repeated positions, in output order in double precision, for a broadcast input.
 */
public final class Add implements Merge {
    private Broadcast plan;         // of the last forward
    private volatile Broadcast inferPlan;  // of the last infer: immutable, so threads may share it
    private Tensor out;             // [N, ...] reused
    private Tensor[] dXs;           // per broadcast input, reused

    /** An element-wise sum of two or more inputs, broadcast over the item dimensions; it has no settings. */
    public Add() {}

    @Override
    public Tensor forward(List<Tensor> xs) {
        plan = plan(xs);
        out = Buffers.reuse(out, plan.out());
        sum(plan, xs, out.data());
        return out;
    }

    @Override
    public List<Tensor> backward(Tensor dOut) {
        if (plan == null) throw new IllegalStateException(describe() + ": backward called before forward");
        Shapes.check(describe(), "dOut", dOut, plan.out());
        int k = plan.in().length;
        if (dXs == null || dXs.length != k) dXs = new Tensor[k];
        List<Tensor> r = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            if (plan.maps()[i] == null) {
                r.add(dOut);
            } else {
                dXs[i] = Buffers.reuse(dXs[i], plan.in()[i]);
                reduce(dOut.data(), plan.maps()[i], plan.outItem(), dXs[i].data(), plan.items()[i]);
                r.add(dXs[i]);
            }
        }
        return r;
    }

    @Override
    public Tensor infer(List<Tensor> xs) {
        Broadcast p = inferPlan(xs);
        Tensor y = TensorPool.output(p.out());
        sum(p, xs, y.data());
        return y;
    }

    /** The sum into the first input when it already has the output's shape (a residual add): same order, same bits. */
    @Override
    public Tensor inferInPlace(List<Tensor> xs) {
        Broadcast p = inferPlan(xs);
        if (p.maps()[0] != null || !java.util.Arrays.equals(xs.get(0).shape(), p.out())) return infer(xs);
        sum(p, xs, xs.get(0).data());   // y = x0 is then the copy sum() starts with
        return xs.get(0);
    }

    /** The last inference plan if it fits these inputs, else a new one, kept for the next call. */
    private Broadcast inferPlan(List<Tensor> xs) {
        Broadcast p = inferPlan;
        if (p == null || !p.fits(xs)) inferPlan = p = plan(xs);
        return p;
    }

    private Broadcast plan(List<Tensor> xs) {
        if (xs.size() < 2) throw new IllegalArgumentException(describe() + ": needs at least 2 inputs, got " + xs.size());
        Broadcast p = plan;
        return p != null && p.fits(xs) ? p : Broadcast.of(describe(), xs);
    }

    /** y = x0 + x1 + ..., each input gathered through its map, summed left to right in float. */
    private static void sum(Broadcast p, List<Tensor> xs, float[] y) {
        int item = p.outItem(), n = p.out()[0];
        for (int k = 0; k < xs.size(); k++) {
            float[] x = xs.get(k).data();
            int[] map = p.maps()[k];
            int xItem = p.items()[k];
            if (map == null && k == 0) {
                if (x != y) System.arraycopy(x, 0, y, 0, y.length);
            } else if (map == null) {
                for (int i = 0; i < y.length; i++) y[i] += x[i];
            } else {
                for (int b = 0; b < n; b++) {
                    int yo = b * item, xo = b * xItem;
                    if (k == 0) for (int j = 0; j < item; j++) y[yo + j] = x[xo + map[j]];
                    else for (int j = 0; j < item; j++) y[yo + j] += x[xo + map[j]];
                }
            }
        }
    }

    /** dX[map[j]] = Σ dOut[j] per item, in output order, in double. */
    static void reduce(float[] dOut, int[] map, int outItem, float[] dX, int xItem) {
        double[] acc = new double[xItem];
        int n = dX.length / Math.max(1, xItem);
        for (int b = 0; b < n; b++) {
            java.util.Arrays.fill(acc, 0);
            int o = b * outItem;
            for (int j = 0; j < outItem; j++) acc[map[j]] += dOut[o + j];
            for (int s = 0; s < xItem; s++) dX[b * xItem + s] = (float) acc[s];
        }
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        if (in.size() < 2) throw new ShapeException(describe() + ": needs at least 2 inputs, got " + in.size());
        return Broadcast.itemShape(describe(), in);
    }

    @Override public int minInputs() { return 2; }

    @Override public int maxInputs() { return Integer.MAX_VALUE; }

    @Override public String describe() { return "Add"; }
}
