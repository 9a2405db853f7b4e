package org.conv4j.loss;

/**
 * Settings of {@link MultiMarginLoss}, as torch.nn.MultiMarginLoss.
 *
 * @param p      exponent of each hinge term, 1 (default) or 2
 * @param margin the margin by which the true class must win; default 1
 */
public record MultiMarginLossConfig(int p, double margin) {
    public MultiMarginLossConfig {
        if (p != 1 && p != 2) throw new IllegalArgumentException("MultiMarginLoss: p must be 1 or 2, got " + p);
        if (!Double.isFinite(margin)) throw new IllegalArgumentException("MultiMarginLoss: margin must be finite, got " + margin);
    }

    public static MultiMarginLossConfig of() { return new MultiMarginLossConfig(1, 1.0); }

    public MultiMarginLossConfig withP(int v) { return new MultiMarginLossConfig(v, margin); }

    public MultiMarginLossConfig withMargin(double v) { return new MultiMarginLossConfig(p, v); }
}
