package org.conv4j.merge;

import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.array.ArrayKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * The elementwise product of two inputs, {@code out = a * b}, as torch's {@code a * b} and ONNX Mul. The inputs
 * broadcast over the item dimensions ({@link Broadcast}): a squeeze-excitation gate s [N, C, 1, 1] times
 * x [N, C, H, W] scales each channel plane.
 *
 * <p>Backward: dA = dOut·b and dB = dOut·a, each summed over the positions where that input repeats (in output
 * order, in double precision). forward keeps references to a and b for this.
 */
public final class Mul implements Merge {
    private Broadcast plan;      // of the last forward
    private volatile Broadcast inferPlan;  // of the last infer: immutable, so threads may share it
    private Tensor a, b;         // the last forward's inputs, [N, ...] each
    private Tensor out;          // [N, ...] reused
    private Tensor dA, dB;       // reused

    /** An element-wise product of two inputs, broadcast over the item dimensions; it has no settings. */
    public Mul() {}

    @Override
    public Tensor forward(List<Tensor> xs) {
        plan = plan(xs);
        a = xs.get(0);
        b = xs.get(1);
        out = Buffers.reuse(out, plan.out());
        product(plan, a.data(), b.data(), out.data());
        return out;
    }

    @Override
    public List<Tensor> backward(Tensor dOut) {
        if (plan == null) throw new IllegalStateException(describe() + ": backward called before forward");
        Shapes.check(describe(), "dOut", dOut, plan.out());
        dA = Buffers.reuse(dA, plan.in()[0]);
        dB = Buffers.reuse(dB, plan.in()[1]);
        gradient(plan, 0, dOut.data(), b.data(), dA.data());
        gradient(plan, 1, dOut.data(), a.data(), dB.data());
        return List.of(dA, dB);
    }

    @Override
    public Tensor infer(List<Tensor> xs) {
        Broadcast p = inferPlan(xs);
        Tensor y = TensorPool.output(p.out());
        product(p, xs.get(0).data(), xs.get(1).data(), y.data());
        return y;
    }

    /** The product into the first input when it already has the output's shape (x · gate): same bits. */
    @Override
    public Tensor inferInPlace(List<Tensor> xs) {
        Broadcast p = inferPlan(xs);
        if (p.maps()[0] != null || !java.util.Arrays.equals(xs.get(0).shape(), p.out())) return infer(xs);
        product(p, xs.get(0).data(), xs.get(1).data(), xs.get(0).data());   // each y[i] is written after its a[i] is read
        return xs.get(0);
    }

    /** The last inference plan if it fits these inputs, else a new one, kept for the next call. */
    private Broadcast inferPlan(List<Tensor> xs) {
        Broadcast p = inferPlan;
        if (p == null || !p.fits(xs)) inferPlan = p = plan(xs);
        return p;
    }

    private Broadcast plan(List<Tensor> xs) {
        if (xs.size() != 2) throw new IllegalArgumentException(describe() + ": takes 2 inputs, got " + xs.size());
        Broadcast p = plan;
        return p != null && p.fits(xs) ? p : Broadcast.of(describe(), xs);
    }

    /** y[j] = a[mapA[j]] · b[mapB[j]] per item. */
    private static void product(Broadcast p, float[] a, float[] b, float[] y) {
        int[] ma = p.maps()[0], mb = p.maps()[1];
        if (ma == null && mb == null) {
            for (int i = 0; i < y.length; i++) y[i] = a[i] * b[i];
            return;
        }
        if (ma == null && p.runs()[1] > 0) {
            // A gate over planes (squeeze-and-excitation): each run of a times one value of b. x · s + (−0) is
            // x · s rounded once, −0 and NaN included, so this is the gather loop's bits.
            int run = p.runs()[1], runs = y.length / run;
            ArrayKernels k = Kernels.arrays();
            Parallel.forChunks(runs, Math.max(1, (1 << 14) / run), (lo, hi) -> {
                for (int r = lo; r < hi; r++) k.scaleShift(run, a, r * run, b[r], -0f, y, r * run);
            });
            return;
        }
        int item = p.outItem(), aItem = p.items()[0], bItem = p.items()[1];
        for (int n = 0; n < p.out()[0]; n++) {
            int yo = n * item, ao = n * aItem, bo = n * bItem;
            for (int j = 0; j < item; j++) {
                y[yo + j] = a[ao + (ma == null ? j : ma[j])] * b[bo + (mb == null ? j : mb[j])];
            }
        }
    }

    /**
     * dX of input {@code k} (the other input is {@code other}): dX[map_k[j]] += dOut[j] · other[map_other[j]],
     * summed in double in output order; a plain product where input k has the output's shape.
     */
    private static void gradient(Broadcast p, int k, float[] dOut, float[] other, float[] dX) {
        int[] mk = p.maps()[k], mo = p.maps()[1 - k];
        int item = p.outItem(), xItem = p.items()[k], oItem = p.items()[1 - k];
        if (mk == null) {
            for (int n = 0; n < p.out()[0]; n++) {
                int o = n * item, oo = n * oItem;
                for (int j = 0; j < item; j++) dX[o + j] = dOut[o + j] * other[oo + (mo == null ? j : mo[j])];
            }
            return;
        }
        double[] acc = new double[xItem];
        for (int n = 0; n < p.out()[0]; n++) {
            java.util.Arrays.fill(acc, 0);
            int o = n * item, oo = n * oItem;
            for (int j = 0; j < item; j++) acc[mk[j]] += (double) dOut[o + j] * other[oo + (mo == null ? j : mo[j])];
            for (int s = 0; s < xItem; s++) dX[n * xItem + s] = (float) acc[s];
        }
    }

    @Override
    public int[] outputShape(List<int[]> in) {
        if (in.size() != 2) throw new ShapeException(describe() + ": takes 2 inputs, got " + in.size());
        return Broadcast.itemShape(describe(), in);
    }

    @Override public int minInputs() { return 2; }

    @Override public int maxInputs() { return 2; }

    @Override public String describe() { return "Mul"; }
}
