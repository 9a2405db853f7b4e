package org.conv4j.activation;

/**
 * Settings of {@link Clip}, torch.nn.Hardtanh's arguments and defaults.
 *
 * @param minVal lower end of the linear region ({@code min_val}); default −1
 * @param maxVal upper end ({@code max_val}); default 1; must be greater than minVal, as torch asserts
 */
public record ClipConfig(double minVal, double maxVal) {
    public ClipConfig {
        if (Double.isNaN(minVal) || Double.isNaN(maxVal)) {
            throw new IllegalArgumentException("Clip: min_val and max_val must be numbers, got min_val=" + minVal + ", max_val=" + maxVal);
        }
        if (!(maxVal > minVal)) {
            throw new IllegalArgumentException("Clip: max_val must be greater than min_val, got min_val=" + minVal + ", max_val=" + maxVal);
        }
    }

    /** torch.nn.Hardtanh()'s defaults: [−1, 1]. */
    public static ClipConfig of() { return new ClipConfig(-1, 1); }

    public static ClipConfig of(double minVal, double maxVal) { return new ClipConfig(minVal, maxVal); }

    public ClipConfig withMinVal(double v) { return new ClipConfig(v, maxVal); }

    public ClipConfig withMaxVal(double v) { return new ClipConfig(minVal, v); }
}
