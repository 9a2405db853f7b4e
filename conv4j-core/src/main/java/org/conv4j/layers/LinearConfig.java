package org.conv4j.layers;

/**
 * Settings of a {@link Linear} layer, as torch.nn.Linear(in_features, out_features, bias).
 * Defaults live only in {@link #of(int, int)}.
 *
 * @param init how {@link Linear} initialises its weight and bias
 */
public record LinearConfig(int inFeatures, int outFeatures, boolean bias, Init.Scheme init) {
    public LinearConfig {
        if (inFeatures <= 0) throw new IllegalArgumentException("LinearConfig.inFeatures: must be positive, got " + inFeatures);
        if (outFeatures <= 0) throw new IllegalArgumentException("LinearConfig.outFeatures: must be positive, got " + outFeatures);
        if (init == null) throw new IllegalArgumentException("LinearConfig.init: must not be null");
    }

    /** torch.nn.Linear(in, out): with bias, torch's default initialisation. */
    public static LinearConfig of(int inFeatures, int outFeatures) {
        return new LinearConfig(inFeatures, outFeatures, true, Init.Scheme.TORCH_DEFAULT);
    }

    public LinearConfig withBias(boolean bias) { return new LinearConfig(inFeatures, outFeatures, bias, init); }

    public LinearConfig withInit(Init.Scheme init) { return new LinearConfig(inFeatures, outFeatures, bias, init); }

    /** Weight shape [out, in], as torch stores it. */
    public int[] weightShape() { return new int[] {outFeatures, inFeatures}; }

    /** E.g. {@code Linear(3136->128)} or {@code Linear(128->10, no bias)}. */
    public String describe() {
        return "Linear(" + inFeatures + "->" + outFeatures + (bias ? "" : ", no bias") + ")";
    }
}
