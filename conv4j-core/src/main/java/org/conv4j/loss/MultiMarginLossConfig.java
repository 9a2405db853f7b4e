package org.conv4j.loss;

/**
 * Settings of {@link MultiMarginLoss}, as torch.nn.MultiMarginLoss.
 *
 * @param p      exponent of each hinge term, 1 (default) or 2
 * @param margin the margin by which the true class must win; default 1
 */
public record MultiMarginLossConfig(int p, double margin) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code p} is not 1 or 2, or {@code margin} is not finite
     */
    public MultiMarginLossConfig {
        if (p != 1 && p != 2) throw new IllegalArgumentException("MultiMarginLoss: p must be 1 or 2, got " + p);
        if (!Double.isFinite(margin)) throw new IllegalArgumentException("MultiMarginLoss: margin must be finite, got " + margin);
    }

    /** {@return torch's defaults: p = 1, margin 1} */
    public static MultiMarginLossConfig of() { return new MultiMarginLossConfig(1, 1.0); }

    /**
     * A copy with another exponent.
     *
     * @param v p, 1 or 2
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is not 1 or 2
     */
    public MultiMarginLossConfig withP(int v) { return new MultiMarginLossConfig(v, margin); }

    /**
     * A copy with another margin.
     *
     * @param v the margin, finite
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is not finite
     */
    public MultiMarginLossConfig withMargin(double v) { return new MultiMarginLossConfig(p, v); }
}
