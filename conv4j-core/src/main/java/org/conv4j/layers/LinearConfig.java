package org.conv4j.layers;

/**
 * Settings of a {@link Linear} layer, as torch.nn.Linear(in_features, out_features, bias).
 * Defaults live only in {@link #of(int, int)}.
 *
 * @param inFeatures  I, the input features, at least 1
 * @param outFeatures O, the output features, at least 1
 * @param bias        whether the layer adds a learnt bias [O]
 * @param init        how {@link Linear} initialises its weight and bias
 */
public record LinearConfig(int inFeatures, int outFeatures, boolean bias, Init.Scheme init) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a feature count is not positive or {@code init} is null
     */
    public LinearConfig {
        if (inFeatures <= 0) throw new IllegalArgumentException("LinearConfig.inFeatures: must be positive, got " + inFeatures);
        if (outFeatures <= 0) throw new IllegalArgumentException("LinearConfig.outFeatures: must be positive, got " + outFeatures);
        if (init == null) throw new IllegalArgumentException("LinearConfig.init: must not be null");
    }

    /**
     * torch.nn.Linear(in, out): with bias, torch's default initialisation.
     *
     * @param inFeatures  I, at least 1
     * @param outFeatures O, at least 1
     * @return the settings
     * @throws IllegalArgumentException if a feature count is not positive
     */
    public static LinearConfig of(int inFeatures, int outFeatures) {
        return new LinearConfig(inFeatures, outFeatures, true, Init.Scheme.TORCH_DEFAULT);
    }

    /**
     * A copy with or without the bias.
     *
     * @param bias true for a learnt bias [O]
     * @return the new settings
     */
    public LinearConfig withBias(boolean bias) { return new LinearConfig(inFeatures, outFeatures, bias, init); }

    /**
     * A copy with another initialisation scheme.
     *
     * @param init the scheme, not null
     * @return the new settings
     * @throws IllegalArgumentException if {@code init} is null
     */
    public LinearConfig withInit(Init.Scheme init) { return new LinearConfig(inFeatures, outFeatures, bias, init); }

    /**
     * Weight shape [out, in], as torch stores it.
     *
     * @return a new array {O, I}
     */
    public int[] weightShape() { return new int[] {outFeatures, inFeatures}; }

    /**
     * E.g. {@code Linear(3136->128)} or {@code Linear(128->10, no bias)}.
     *
     * @return a one-line summary
     */
    public String describe() {
        return "Linear(" + inFeatures + "->" + outFeatures + (bias ? "" : ", no bias") + ")";
    }
}
