package org.conv4j.norm;

import java.util.Arrays;
import java.util.List;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * torch.nn.LayerNorm(normalized_shape): input [N, ..., *normalized_shape]; the values of the trailing
 * normalized_shape dimensions at each leading position are normalised together by their mean and biased
 * variance, y = γ·x̂ + β with γ and β of shape normalized_shape ("weight" ones and "bias" zeros with
 * elementwise_affine). The leading dimensions may be anything, the batch included (so
 * normalized_shape = [C, H, W] normalises each image as a whole). Training, evaluation and
 * {@link #infer} compute the same. Forward keeps a reference to x (not a copy) for backward.
 */
public final class LayerNorm implements Layer {
    private final LayerNormConfig config;
    private final int[] normalized; // normalized_shape
    private final LayerNormCore core;

    /**
     * A layer normalising over {@code config.normalizedShape()}, γ = 1 and β = 0 when affine.
     *
     * @param config the settings
     */
    public LayerNorm(LayerNormConfig config) {
        this.config = config;
        this.normalized = config.normalizedShape();
        this.core = new LayerNormCore(normalized, config.eps(), config.elementwiseAffine());
    }

    /**
     * eps 1e-5, with weight and bias, as torch.nn.LayerNorm(normalized_shape).
     *
     * @param normalizedShape the trailing dimensions normalised together, each at least 1
     * @throws IllegalArgumentException if {@code normalizedShape} is empty or has a dimension below 1
     */
    public LayerNorm(int... normalizedShape) { this(LayerNormConfig.of(normalizedShape)); }

    /** {@return the settings this layer was built with: normalized_shape, eps, elementwise_affine} */
    public LayerNormConfig config() { return config; }

    /**
     * γ of shape normalized_shape, or null without elementwise_affine.
     *
     * @return the scale and its gradient, or null
     */
    public Param weight() { return core.weight(); }

    /**
     * β of shape normalized_shape, or null without elementwise_affine.
     *
     * @return the shift and its gradient, or null
     */
    public Param bias() { return core.bias(); }

    /** Fails unless the shape is [N, ..., *normalized_shape] (N and any leading dimensions free). */
    private void checkShape(String what, int[] shape, int leadingAtLeast) {
        int lead = shape.length - normalized.length;
        boolean ok = lead >= leadingAtLeast;
        for (int k = 0; ok && k < normalized.length; k++) ok = shape[lead + k] == normalized[k];
        if (!ok) {
            int[] expected = new int[Math.max(leadingAtLeast, lead) + normalized.length];
            Arrays.fill(expected, -1);
            System.arraycopy(normalized, 0, expected, expected.length - normalized.length, normalized.length);
            throw new ShapeException(describe(), what, shape, expected);
        }
    }

    private int rowLength() { return Shapes.size(normalized); }

    @Override
    public Tensor forward(Tensor x) {
        checkShape("x", x.shape(), 1);
        return core.forward(x, x.size() / rowLength(), 1);
    }

    @Override
    public Tensor backward(Tensor dOut) {
        return core.backward(describe(), dOut);
    }

    @Override
    public Tensor infer(Tensor x) {
        checkShape("x", x.shape(), 1);
        return core.infer(x, x.size() / rowLength(), 1);
    }

    @Override
    public int[] outputShape(int[] in) {
        checkShape("item", in, 0);
        return in.clone();
    }

    @Override
    public List<Param> params() { return core.params(); }

    @Override
    public String describe() {
        String shape = normalized.length == 1 ? "(" + normalized[0] + ",)" : Arrays.toString(normalized).replace('[', '(').replace(']', ')');
        return "LayerNorm(" + shape + (config.eps() != 1e-5 ? ", eps=" + config.eps() : "")
                + (config.elementwiseAffine() ? "" : ", elementwise_affine=false") + ")";
    }
}
