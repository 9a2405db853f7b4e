package org.conv4j.report;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.conv.Conv2d;
import java.util.HashMap;
import java.util.Map;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.model.Graph;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.tensor.Tensor;

/**
 * Runs a stack of layers in inference mode on one image and keeps the output of every conv and pooling
 * layer: what each stage "sees". Uses {@link Layer#infer}, so it may run while another thread predicts.
 */
public final class FeatureMaps {
    /**
     * One captured stage.
     *
     * @param path     position of the layer, as in parameter names: "3", or "2.1" inside a nested Sequential
     * @param layer    the layer's {@link Layer#describe()}
     * @param output   [1, C, H, W]
     */
    public record Stage(String path, String layer, Tensor output) {}

    /** What {@link #trace} found: the captured stages and the final output (logits), [1, K]. */
    public record Trace(List<Stage> stages, Tensor output) {}

    private FeatureMaps() {}

    /** Whether the output of {@code layer} is a set of feature maps worth drawing. */
    public static boolean captures(Layer layer) {
        return layer instanceof Conv2d || layer instanceof MaxPool2d || layer instanceof AvgPool2d
                || layer instanceof GlobalAvgPool2d || layer instanceof Residual;
    }

    /**
     * @param layers the model's layers in order; nested Sequentials are walked into, a residual block's
     *               output is captured as one stage
     * @param image  [1, C, H, W]
     */
    public static Trace trace(List<? extends Layer> layers, Tensor image) {
        checkImage(image);
        List<Stage> stages = new ArrayList<>();
        Tensor out = run(layers, "", image, stages);
        return new Trace(stages, out);
    }

    /**
     * A whole network: a Sequential's layers as {@link #trace(List, Tensor)} runs them, or a {@link Graph}'s nodes in
     * run order, each stage's path being its node's name ({@code "layer1.0.conv1"}) and merges (Add, Concat)
     * captured like residual blocks.
     */
    public static Trace trace(Container network, Tensor image) {
        if (!(network instanceof Graph g)) return trace(network instanceof Sequential s ? s.layers() : List.of(network), image);
        checkImage(image);
        List<Stage> stages = new ArrayList<>();
        Tensor out = runGraph(g, "", image, stages);
        return new Trace(stages, out);
    }

    private static Tensor run(List<? extends Layer> layers, String prefix, Tensor x, List<Stage> stages) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String path = prefix + i;
            if (l instanceof Sequential s) {
                x = run(s.layers(), path + ".", x, stages);
                continue;
            }
            if (l instanceof Graph g) {
                x = runGraph(g, path + ".", x, stages);
                continue;
            }
            x = l.infer(x);
            if (captures(l) && x.rank() == 4) stages.add(new Stage(path, l.describe(), x));
        }
        return x;
    }

    private static void checkImage(Tensor image) {
        if (image.rank() != 4 || image.dim(0) != 1) {
            throw new IllegalArgumentException("explain: expected one image of shape [1, C, H, W], got " + java.util.Arrays.toString(image.shape()));
        }
    }

    /** Runs a graph's nodes in order on {@code x}, capturing as {@link #run} does; returns the graph's output. */
    private static Tensor runGraph(Graph g, String prefix, Tensor x, List<Stage> stages) {
        Map<String, Tensor> values = new HashMap<>();
        values.put(g.input(), x);
        for (Graph.Node n : g.nodes()) {
            String path = prefix + n.name();
            Tensor y;
            if (n.isMerge()) {
                List<Tensor> xs = new ArrayList<>();
                for (String in : n.inputs()) xs.add(values.get(in));
                y = n.merge().infer(xs);
                if (y.rank() == 4) stages.add(new Stage(path, n.describe(), y));
            } else {
                Layer l = n.layer();
                Tensor in = values.get(n.inputs().get(0));
                if (l instanceof Sequential s) {
                    y = run(s.layers(), path + ".", in, stages);
                } else if (l instanceof Graph inner) {
                    y = runGraph(inner, path + ".", in, stages);
                } else {
                    y = l.infer(in);
                    if (captures(l) && y.rank() == 4) stages.add(new Stage(path, l.describe(), y));
                }
            }
            values.put(n.name(), y);
        }
        return values.get(g.output());
    }

    /** The first Conv2d met walking the layers depth first (into Sequential and residual blocks), or null. */
    public static Conv2d firstConv(List<? extends Layer> layers) {
        Conv2d[] first = new Conv2d[1];
        for (Layer root : layers) {
            Layers.walk(root, (path, l) -> {
                if (first[0] == null && l instanceof Conv2d c) first[0] = c;
            });
            if (first[0] != null) return first[0];
        }
        return null;
    }

    /** Softmax of a [1, K] (or [K]) output, in double for stability. */
    public static double[] softmax(Tensor logits) {
        float[] z = logits.data();
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : z) max = Math.max(max, v);
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }
}
