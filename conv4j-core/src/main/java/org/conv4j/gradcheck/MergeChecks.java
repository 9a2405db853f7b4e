package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.ConcatConfig;
import org.conv4j.merge.Merge;
import org.conv4j.merge.Mul;
import org.conv4j.model.Graph;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Gradient checks of the merges (Add, Mul, Concat, with and without broadcasting) and of a graph whose values fan
 * out, as {@link LayerChecks#checkLayer} does them: the float backward (every input's dX) against centred
 * differences of a double-precision forward written here with plain index loops, not with the merges' index maps.
 */
public final class MergeChecks {
    private MergeChecks() {}

    /** A double forward of several inputs, each [N, ...] flattened. */
    @FunctionalInterface
    interface Ref {
        double[] apply(double[][] xs);
    }

    /**
     * Every case of this file, in table order: Add and Mul with and without broadcasting, Concat along several
     * dimensions, and a fan-out graph. A case runs only when its {@link CheckCase#run()} is called.
     *
     * @return a new list
     */
    public static List<CheckCase> cases() {
        List<CheckCase> c = new ArrayList<>();
        int[] x = {2, 3, 4, 5};
        elementwise(c, false, new int[][] {x, x});
        elementwise(c, false, new int[][] {x, {2, 3, 1, 1}, {2, 1}});          // per-channel and per-image terms
        elementwise(c, false, new int[][] {{2, 1, 4, 5}, {2, 3, 4, 1}});       // both broadcast
        elementwise(c, true, new int[][] {x, x});
        elementwise(c, true, new int[][] {x, {2, 3, 1, 1}});                   // a squeeze-excitation gate
        elementwise(c, true, new int[][] {{2, 3, 1, 1}, x});
        elementwise(c, true, new int[][] {{3, 1, 4, 5}, {3, 3, 4, 1}});
        concat(c, 1, new int[][] {{2, 2, 3, 4}, {2, 3, 3, 4}, {2, 1, 3, 4}});
        concat(c, 1, new int[][] {{2, 5, 2, 2}});
        concat(c, -1, new int[][] {{2, 2, 3, 1}, {2, 2, 3, 4}});
        concat(c, 2, new int[][] {{1, 2, 3, 4}, {1, 2, 2, 4}});
        concat(c, 1, new int[][] {{3, 4}, {3, 2}});
        graph(c);
        return c;
    }

    private static void elementwise(List<CheckCase> c, boolean mul, int[][] shapes) {
        String name = mul ? "Mul" : "Add";
        add(c, name, shapesText(shapes), shapes, mul ? Mul::new : Add::new, xs -> broadcast(xs, shapes, mul));
    }

    private static void concat(List<CheckCase> c, int dim, int[][] shapes) {
        add(c, "Concat", "dim=" + dim + " " + shapesText(shapes), shapes, () -> new Concat(ConcatConfig.of(dim)),
                xs -> concatRef(xs, shapes, dim));
    }

    private static String shapesText(int[][] shapes) {
        StringBuilder b = new StringBuilder();
        for (int[] s : shapes) b.append(b.length() == 0 ? "" : " ").append("x").append(Shapes.show(s));
        return b.toString();
    }

    private static void add(List<CheckCase> c, String name, String config, int[][] shapes, Supplier<Merge> make, Ref ref) {
        long seed = 7000 + c.size() * 13L;
        c.add(new CheckCase(name, config, () -> checkMerge(name, config, make.get(), shapes, ref, seed)));
    }

    /** Every input's float dX against centred differences of {@code ref}, and the float output against ref's. */
    static CheckResult checkMerge(String name, String config, Merge merge, int[][] shapes, Ref ref, long seed) {
        List<Tensor> xs = new ArrayList<>();
        for (int k = 0; k < shapes.length; k++) xs.add(LayerChecks.uniform(new Rng(seed + k), 1, shapes[k]));
        Tensor y = merge.forward(xs);
        float[] out = y.data().clone();
        Tensor dOut = LayerChecks.uniform(new Rng(seed + 100), 1, y.shape());
        List<Tensor> dXs = merge.backward(dOut);
        double[][] xD = new double[xs.size()][];
        for (int k = 0; k < xD.length; k++) xD[k] = GradCheck.widen(xs.get(k).data());
        double worst = GradCheck.maxRelError(out, ref.apply(xD));
        String which = "out";
        for (int k = 0; k < xD.length; k++) {
            double e = GradCheck.maxRelError(dXs.get(k).data(), LayerChecks.numericVjp(xD[k], () -> ref.apply(xD), dOut.data()));
            if (!(e <= worst)) {
                worst = e;
                which = "dx" + k;
            }
        }
        return new CheckResult(name, config, worst, which);
    }

    // ------------------------------------------------------------------ double references

    /** Sum or product of 4-d inputs (or [N, k], read as [N, 1, 1, k]... padded on the left of the item). */
    static double[] broadcast(double[][] xs, int[][] shapes, boolean mul) {
        int[][] s4 = new int[shapes.length][];
        int[] out = {0, 1, 1, 1};
        for (int k = 0; k < shapes.length; k++) {
            s4[k] = new int[] {shapes[k][0], 1, 1, 1};
            int item = shapes[k].length - 1;
            for (int d = 0; d < item; d++) s4[k][4 - item + d] = shapes[k][1 + d];
            for (int d = 0; d < 4; d++) out[d] = Math.max(out[d], s4[k][d]);
        }
        double[] y = new double[out[0] * out[1] * out[2] * out[3]];
        for (int n = 0; n < out[0]; n++) {
            for (int ch = 0; ch < out[1]; ch++) {
                for (int h = 0; h < out[2]; h++) {
                    for (int w = 0; w < out[3]; w++) {
                        double v = mul ? 1 : 0;
                        for (int k = 0; k < xs.length; k++) {
                            int[] s = s4[k];
                            double a = xs[k][((n * s[1] + (s[1] == 1 ? 0 : ch)) * s[2] + (s[2] == 1 ? 0 : h)) * s[3] + (s[3] == 1 ? 0 : w)];
                            v = mul ? v * a : v + a;
                        }
                        y[((n * out[1] + ch) * out[2] + h) * out[3] + w] = v;
                    }
                }
            }
        }
        return y;
    }

    /** torch.cat along {@code dim}: for each index before dim, the inputs' blocks one after another. */
    static double[] concatRef(double[][] xs, int[][] shapes, int dim) {
        int rank = shapes[0].length, axis = dim < 0 ? rank + dim : dim;
        int outer = 1, inner = 1, total = 0;
        for (int d = 0; d < axis; d++) outer *= shapes[0][d];
        for (int d = axis + 1; d < rank; d++) inner *= shapes[0][d];
        for (int[] s : shapes) total += s[axis];
        double[] y = new double[outer * total * inner];
        for (int o = 0; o < outer; o++) {
            int at = 0;
            for (int k = 0; k < xs.length; k++) {
                int size = shapes[k][axis];
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < inner; j++) y[(o * total + at + i) * inner + j] = xs[k][(o * size + i) * inner + j];
                }
                at += size;
            }
        }
        return y;
    }

    /**
     * h = Linear(x); t = tanh(h); s = sigmoid(h); out = Linear2(t) · s + h: h feeds three nodes, so its gradient is the
     * sum of three contributions, and x's comes through the first Linear only.
     */
    private static void graph(List<CheckCase> c) {
        String config = "h=Linear(4->3)(x); tanh(h), sigmoid(h); Linear(3->3)(tanh)*sigmoid + h x[3, 4]";
        c.add(new CheckCase("Graph", config, () -> {
            Rng r = new Rng(61);
            Graph g = new Graph(List.of(
                    Graph.Node.of("h", new Linear(LinearConfig.of(4, 3), r), "input"),
                    Graph.Node.of("t", new Tanh(), "h"),
                    Graph.Node.of("s", new Sigmoid(), "h"),
                    Graph.Node.of("u", new Linear(LinearConfig.of(3, 3), r), "t"),
                    Graph.Node.of("gated", new Mul(), "u", "s"),
                    Graph.Node.of("out", new Add(), "gated", "h")), "out");
            return LayerChecks.checkLayer("Graph", config, g, LayerChecks.uniform(new Rng(62), 1, 3, 4), (x, p) -> {
                double[] h = ModelChecks.linear(x, p[0], p[1], 4, 3);
                double[] u = ModelChecks.linear(ModelChecks.tanh(h), p[2], p[3], 3, 3);
                double[] y = new double[h.length];
                for (int i = 0; i < y.length; i++) y[i] = u[i] / (1 + Math.exp(-h[i])) + h[i];
                return y;
            }, 63);
        }));
    }
}
