package org.conv4j.report;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.conv.Conv2d;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
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

    /**
     * What {@link #trace} found: the captured stages and the final output (logits), [1, K].
     *
     * @param stages the captured stages, in the order the layers ran
     * @param output the last layer's output
     */
    public record Trace(List<Stage> stages, Tensor output) {}

    private FeatureMaps() {}

    /**
     * Whether the output of {@code layer} is a set of feature maps worth drawing.
     *
     * @param layer any layer
     * @return true for Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool2d and Residual
     */
    public static boolean captures(Layer layer) {
        return layer instanceof Conv2d || layer instanceof MaxPool2d || layer instanceof AvgPool2d
                || layer instanceof GlobalAvgPool2d || layer instanceof Residual;
    }

    /**
     * Runs the layers on one image with {@link Layer#infer}, keeping the stages {@link #captures} selects.
     *
     * @param layers the model's layers in order; nested Sequentials are walked into, a residual block's
     *               output is captured as one stage
     * @param image  [1, C, H, W]
     * @return the stages and the final output
     * @throws IllegalArgumentException if {@code image} is not [1, C, H, W]
     */
    public static Trace trace(List<? extends Layer> layers, Tensor image) {
        if (image.rank() != 4 || image.dim(0) != 1) {
            throw new IllegalArgumentException("explain: expected one image of shape [1, C, H, W], got " + java.util.Arrays.toString(image.shape()));
        }
        List<Stage> stages = new ArrayList<>();
        Tensor out = run(layers, "", image, stages);
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
            x = l.infer(x);
            if (captures(l) && x.rank() == 4) stages.add(new Stage(path, l.describe(), x));
        }
        return x;
    }

    /**
     * The first Conv2d met walking the layers depth first (into Sequential and residual blocks), or null.
     *
     * @param layers the model's layers in order
     * @return the first convolution, or null when there is none
     */
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

    /**
     * Softmax of a [1, K] (or [K]) output, in double for stability.
     *
     * @param logits K scores
     * @return a new array of K probabilities summing to 1
     */
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
