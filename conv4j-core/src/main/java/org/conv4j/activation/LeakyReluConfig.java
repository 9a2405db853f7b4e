package org.conv4j.activation;

/**
 * Settings of {@link LeakyReLU}.
 *
 * @param negativeSlope multiplier for negative inputs (torch's {@code negative_slope}); default 0.01
 */
public record LeakyReluConfig(double negativeSlope) {
    /**
     * Validates the slope.
     *
     * @throws IllegalArgumentException if {@code negativeSlope} is NaN or infinite
     */
    public LeakyReluConfig {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negativeSlope must be finite, got " + negativeSlope);
        }
    }

    /** {@return torch.nn.LeakyReLU's default, slope 0.01} */
    public static LeakyReluConfig of() { return new LeakyReluConfig(0.01); }

    /**
     * A copy with another slope.
     *
     * @param s multiplier for negative inputs, finite
     * @return the new settings
     * @throws IllegalArgumentException if {@code s} is NaN or infinite
     */
    public LeakyReluConfig withNegativeSlope(double s) { return new LeakyReluConfig(s); }
}
