package org.conv4j.layers;

/**
 * Settings of {@link Dropout}.
 *
 * @param p probability of zeroing each value during training, in [0, 1]; default 0.5 as torch.nn.Dropout
 */
public record DropoutConfig(double p) {
    /**
     * Validates the probability.
     *
     * @throws IllegalArgumentException if {@code p} is not in [0, 1]
     */
    public DropoutConfig {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
    }

    /** {@return torch's default, p = 0.5} */
    public static DropoutConfig of() { return new DropoutConfig(0.5); }

    /**
     * The settings for a drop probability.
     *
     * @param p probability of zeroing each value, in [0, 1]
     * @return the settings
     * @throws IllegalArgumentException if {@code p} is not in [0, 1]
     */
    public static DropoutConfig of(double p) { return new DropoutConfig(p); }

    /**
     * A copy with another drop probability.
     *
     * @param p probability of zeroing each value, in [0, 1]
     * @return the new settings
     * @throws IllegalArgumentException if {@code p} is not in [0, 1]
     */
    public DropoutConfig withP(double p) { return new DropoutConfig(p); }
}
