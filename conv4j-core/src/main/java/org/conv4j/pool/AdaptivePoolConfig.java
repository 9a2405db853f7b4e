package org.conv4j.pool;

/**
 * Settings of {@link AdaptiveAvgPool2d} and {@link AdaptiveMaxPool2d}: the output size, as torch.nn's
 * {@code output_size}. The bins are torch's: output row i covers input rows
 * [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), so bins overlap when OH does not divide H and repeat rows when OH &gt; H.
 *
 * @param outH output height OH, at least 1
 * @param outW output width OW, at least 1
 */
public record AdaptivePoolConfig(int outH, int outW) {
    /**
     * Validates the output size.
     *
     * @throws IllegalArgumentException if {@code outH} or {@code outW} is below 1
     */
    public AdaptivePoolConfig {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptivePool2d: output_size must be positive, got " + outH + "x" + outW);
        }
    }

    /**
     * An OS×OS output; {@code of(1)} is the global pool.
     *
     * @param outSize OH = OW, at least 1
     * @return the settings
     * @throws IllegalArgumentException if {@code outSize} is below 1
     */
    public static AdaptivePoolConfig of(int outSize) { return new AdaptivePoolConfig(outSize, outSize); }

    /**
     * An OH×OW output.
     *
     * @param outH OH, at least 1
     * @param outW OW, at least 1
     * @return the settings
     * @throws IllegalArgumentException if a size is below 1
     */
    public static AdaptivePoolConfig of(int outH, int outW) { return new AdaptivePoolConfig(outH, outW); }

    /**
     * A copy with another output size.
     *
     * @param outH OH, at least 1
     * @param outW OW, at least 1
     * @return the new settings
     * @throws IllegalArgumentException if a size is below 1
     */
    public AdaptivePoolConfig withOutputSize(int outH, int outW) { return new AdaptivePoolConfig(outH, outW); }

    /**
     * First input index of output bin {@code i}: ⌊i·in/out⌋.
     *
     * @param i   the output index, in [0, out)
     * @param in  the input size along the axis
     * @param out the output size along the axis
     * @return the bin's first input index
     */
    public static int binStart(int i, int in, int out) { return (int) ((long) i * in / out); }

    /**
     * One past the last input index of output bin {@code i}: ⌈(i+1)·in/out⌉.
     *
     * @param i   the output index, in [0, out)
     * @param in  the input size along the axis
     * @param out the output size along the axis
     * @return one past the bin's last input index
     */
    public static int binEnd(int i, int in, int out) { return (int) (((long) (i + 1) * in + out - 1) / out); }

    /** {@code AdaptiveAvgPool2d(3x5)}-style label; a square size shows once. */
    String describe(String layer) { return layer + "(" + (outH == outW ? "" + outH : outH + "x" + outW) + ")"; }
}
