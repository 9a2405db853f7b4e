package org.conv4j.norm;

/**
 * Settings of {@link LayerNorm2d}: torchvision's ConvNeXt {@code LayerNorm2d} as ConvNeXt builds it.
 *
 * @param numChannels       channels C, the values normalised at each position
 * @param eps               added to the variance before the square root; default 1e-6, what ConvNeXt passes
 *                          (torchvision's LayerNorm2d class itself inherits nn.LayerNorm's 1e-5)
 * @param elementwiseAffine learn a per-channel weight (γ, ones) and bias (β, zeros); default true
 */
public record LayerNorm2dConfig(int numChannels, double eps, boolean elementwiseAffine) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code numChannels} is below 1 or {@code eps} is negative or not finite
     */
    public LayerNorm2dConfig {
        if (numChannels < 1) throw new IllegalArgumentException("LayerNorm2d: num_channels must be at least 1, got " + numChannels);
        if (!(eps >= 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("LayerNorm2d: eps must be finite and at least 0, got " + eps);
    }

    /**
     * eps 1e-6 (ConvNeXt's), with weight and bias.
     *
     * @param numChannels channels C, at least 1
     * @return the settings
     * @throws IllegalArgumentException if {@code numChannels} is below 1
     */
    public static LayerNorm2dConfig of(int numChannels) { return new LayerNorm2dConfig(numChannels, 1e-6, true); }

    /**
     * A copy with another eps.
     *
     * @param v added to the variance, finite and at least 0
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is negative or not finite
     */
    public LayerNorm2dConfig withEps(double v) { return new LayerNorm2dConfig(numChannels, v, elementwiseAffine); }

    /**
     * A copy with or without the learnt γ and β.
     *
     * @param v true to learn γ and β
     * @return the new settings
     */
    public LayerNorm2dConfig withElementwiseAffine(boolean v) { return new LayerNorm2dConfig(numChannels, eps, v); }
}
