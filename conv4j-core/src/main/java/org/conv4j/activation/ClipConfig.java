package org.conv4j.activation;

/**
 * Settings of {@link Clip}, torch.nn.Hardtanh's arguments and defaults.
 *
 * @param minVal lower end of the linear region ({@code min_val}); default −1
 * @param maxVal upper end ({@code max_val}); default 1; must be greater than minVal, as torch asserts
 */
public record ClipConfig(double minVal, double maxVal) {
    /**
     * Validates the bounds.
     *
     * @throws IllegalArgumentException if a bound is NaN or {@code maxVal} is not greater than {@code minVal}
     */
    public ClipConfig {
        if (Double.isNaN(minVal) || Double.isNaN(maxVal)) {
            throw new IllegalArgumentException("Clip: min_val and max_val must be numbers, got min_val=" + minVal + ", max_val=" + maxVal);
        }
        if (!(maxVal > minVal)) {
            throw new IllegalArgumentException("Clip: max_val must be greater than min_val, got min_val=" + minVal + ", max_val=" + maxVal);
        }
    }

    /** {@return torch.nn.Hardtanh()'s defaults: [−1, 1]} */
    public static ClipConfig of() { return new ClipConfig(-1, 1); }

    /**
     * torch.nn.Hardtanh(min_val, max_val).
     *
     * @param minVal lower end of the linear region
     * @param maxVal upper end, greater than minVal
     * @return the settings
     * @throws IllegalArgumentException if a bound is NaN or {@code maxVal} is not greater than {@code minVal}
     */
    public static ClipConfig of(double minVal, double maxVal) { return new ClipConfig(minVal, maxVal); }

    /**
     * A copy with another lower bound.
     *
     * @param v lower end of the linear region, below maxVal
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is NaN or not below maxVal
     */
    public ClipConfig withMinVal(double v) { return new ClipConfig(v, maxVal); }

    /**
     * A copy with another upper bound.
     *
     * @param v upper end of the linear region, above minVal
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is NaN or not above minVal
     */
    public ClipConfig withMaxVal(double v) { return new ClipConfig(minVal, v); }
}
