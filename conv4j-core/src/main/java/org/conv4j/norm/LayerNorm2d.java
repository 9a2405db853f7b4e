package org.conv4j.norm;

import java.util.List;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Layer normalisation over channels, ConvNeXt's LayerNorm2d (torchvision): input [N, C, H, W]; at each
 * (n, h, w) the C values are normalised by their own mean and biased variance, y = γ[c]·x̂ + β[c].
 * The same as torch's permute to [N, H, W, C], F.layer_norm over C, permute back, without the permutes.
 * Parameters "weight" (γ [C], ones) and "bias" (β [C], zeros) with elementwise_affine. No running
 * statistics: training, evaluation and {@link #infer} compute the same thing, for any batch size, even 1x1
 * planes. Forward keeps a reference to x (not a copy) for backward.
 */
public final class LayerNorm2d implements Layer {
    private final LayerNorm2dConfig config;
    private final LayerNormCore core;

    /**
     * A layer normalising over C at each position, γ = 1 and β = 0 when affine.
     *
     * @param config the settings
     */
    public LayerNorm2d(LayerNorm2dConfig config) {
        this.config = config;
        this.core = new LayerNormCore(new int[] {config.numChannels()}, config.eps(), config.elementwiseAffine());
    }

    /**
     * eps 1e-6, with weight and bias, as ConvNeXt builds it.
     *
     * @param numChannels channels C, at least 1
     * @throws IllegalArgumentException if {@code numChannels} is below 1
     */
    public LayerNorm2d(int numChannels) { this(LayerNorm2dConfig.of(numChannels)); }

    /** {@return the settings this layer was built with: C, eps, elementwise_affine} */
    public LayerNorm2dConfig config() { return config; }

    /**
     * γ [C], or null without elementwise_affine.
     *
     * @return the scale and its gradient, or null
     */
    public Param weight() { return core.weight(); }

    /**
     * β [C], or null without elementwise_affine.
     *
     * @return the shift and its gradient, or null
     */
    public Param bias() { return core.bias(); }

    private void checkInput(Tensor x) { Shapes.check(describe(), "x", x, -1, config.numChannels(), -1, -1); }

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        return core.forward(x, x.dim(0), x.dim(2) * x.dim(3));
    }

    @Override
    public Tensor backward(Tensor dOut) {
        return core.backward(describe(), dOut);
    }

    @Override
    public Tensor infer(Tensor x) {
        checkInput(x);
        return core.infer(x, x.dim(0), x.dim(2) * x.dim(3));
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3 || in[0] != config.numChannels()) {
            throw new ShapeException(describe(), "item", in, new int[] {config.numChannels(), -1, -1});
        }
        return in.clone();
    }

    @Override
    public List<Param> params() { return core.params(); }

    @Override
    public String describe() {
        return "LayerNorm2d(" + config.numChannels() + (config.eps() != 1e-6 ? ", eps=" + config.eps() : "")
                + (config.elementwiseAffine() ? "" : ", elementwise_affine=false") + ")";
    }
}
