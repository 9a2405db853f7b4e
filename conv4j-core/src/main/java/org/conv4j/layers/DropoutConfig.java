package org.conv4j.layers;

/**
 * Settings of {@link Dropout}.
 *
 * @param p probability of zeroing each value during training, in [0, 1]; default 0.5 as torch.nn.Dropout
 */
public record DropoutConfig(double p) {
    public DropoutConfig {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
    }

    public static DropoutConfig of() { return new DropoutConfig(0.5); }

    public static DropoutConfig of(double p) { return new DropoutConfig(p); }

    public DropoutConfig withP(double p) { return new DropoutConfig(p); }
}
