package org.conv4j.loss;

/**
 * Settings of {@link CrossEntropyLoss}.
 *
 * @param labelSmoothing ε in [0, 1]: the target becomes (1 − ε)·one_hot + ε/C, as torch 1.13's
 *                       {@code label_smoothing}; default 0
 */
public record CrossEntropyLossConfig(double labelSmoothing) {
    /**
     * Validates the smoothing.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is not in [0, 1]
     */
    public CrossEntropyLossConfig {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    /**
     * No smoothing, as torch.nn.CrossEntropyLoss().
     *
     * @return the settings
     */
    public static CrossEntropyLossConfig of() { return new CrossEntropyLossConfig(0); }

    /**
     * A copy with another label smoothing.
     *
     * @param eps ε in [0, 1]
     * @return the new settings
     * @throws IllegalArgumentException if {@code eps} is not in [0, 1]
     */
    public CrossEntropyLossConfig withLabelSmoothing(double eps) { return new CrossEntropyLossConfig(eps); }
}
