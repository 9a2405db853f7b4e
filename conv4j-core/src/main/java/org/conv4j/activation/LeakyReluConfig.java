package org.conv4j.activation;

/**
 * Settings of {@link LeakyReLU}.
 *
 * @param negativeSlope multiplier for negative inputs (torch's {@code negative_slope}); default 0.01
 */
public record LeakyReluConfig(double negativeSlope) {
    public LeakyReluConfig {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negativeSlope must be finite, got " + negativeSlope);
        }
    }

    /** torch.nn.LeakyReLU's default, slope 0.01. */
    public static LeakyReluConfig of() { return new LeakyReluConfig(0.01); }

    public LeakyReluConfig withNegativeSlope(double s) { return new LeakyReluConfig(s); }
}
