package org.conv4j.pool;

import org.conv4j.tensor.WindowGeometry;

/**
 * Settings of {@link MaxPool2d} and {@link AvgPool2d}, as torch.nn takes them. Defaults live only in
 * {@link #of(int)}: stride = kernel, no padding, floor mode, and for average pooling padded cells count in
 * the divisor ({@code count_include_pad=True}, torch's default).
 *
 * @param kernelH         KH, window height
 * @param kernelW         KW, window width
 * @param strideH         rows the window moves per output row
 * @param strideW         columns the window moves per output column
 * @param padH            implicit padding on top and bottom (at most half the kernel, as in torch)
 * @param padW            implicit padding left and right
 * @param ceilMode        output size rounded up (windows may hang over the bottom/right edge)
 * @param countIncludePad average pooling only: divide by the window size including padding
 */
public record PoolConfig(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         boolean ceilMode, boolean countIncludePad) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException naming the field if a kernel size or stride is not positive, or a pad is
     *         negative or more than half the kernel
     */
    public PoolConfig {
        require(kernelH > 0 && kernelW > 0, "kernel", "must be positive, got " + kernelH + "x" + kernelW);
        require(strideH > 0 && strideW > 0, "stride", "must be positive, got " + strideH + "x" + strideW);
        require(padH >= 0 && padW >= 0, "padding", "must be non-negative, got " + padH + "x" + padW);
        require(padH <= kernelH / 2 && padW <= kernelW / 2, "padding",
                "must be at most half the kernel (as in torch), got pad " + padH + "x" + padW
                        + " for kernel " + kernelH + "x" + kernelW);
    }

    /**
     * A k×k window with stride k (torch's default stride = kernel_size).
     *
     * @param kernel KH = KW
     * @return the settings
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public static PoolConfig of(int kernel) { return of(kernel, kernel); }

    /**
     * A KH×KW window with stride = kernel.
     *
     * @param kernelH KH
     * @param kernelW KW
     * @return the settings
     * @throws IllegalArgumentException if a kernel size is not positive
     */
    public static PoolConfig of(int kernelH, int kernelW) {
        return new PoolConfig(kernelH, kernelW, kernelH, kernelW, 0, 0, false, true);
    }

    /**
     * A copy with the same stride on both axes.
     *
     * @param stride rows and columns the window moves per output, at least 1
     * @return the new settings
     * @throws IllegalArgumentException if {@code stride} is not positive
     */
    public PoolConfig withStride(int stride) { return withStride(stride, stride); }

    /**
     * A copy with a stride per axis.
     *
     * @param strideH rows the window moves per output row, at least 1
     * @param strideW columns the window moves per output column, at least 1
     * @return the new settings
     * @throws IllegalArgumentException if a stride is not positive
     */
    public PoolConfig withStride(int strideH, int strideW) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    /**
     * A copy with the same padding on all four sides.
     *
     * @param pad rows and columns on each side, at most half the kernel
     * @return the new settings
     * @throws IllegalArgumentException if {@code pad} is negative or more than half the kernel
     */
    public PoolConfig withPadding(int pad) { return withPadding(pad, pad); }

    /**
     * A copy with other padding.
     *
     * @param padH rows on top and on bottom, at most half the kernel height
     * @param padW columns left and right, at most half the kernel width
     * @return the new settings
     * @throws IllegalArgumentException if a pad is negative or more than half the kernel
     */
    public PoolConfig withPadding(int padH, int padW) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    /**
     * A copy with ceil mode set or cleared.
     *
     * @param ceilMode round the output size up instead of down
     * @return the new settings
     */
    public PoolConfig withCeilMode(boolean ceilMode) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    /**
     * A copy with count_include_pad set or cleared (average pooling only).
     *
     * @param countIncludePad divide by the window size including padding, instead of the input cells in it
     * @return the new settings
     */
    public PoolConfig withCountIncludePad(boolean countIncludePad) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    /**
     * The window geometry for an input of inH×inW; fails naming {@code layer} if the window does not fit.
     *
     * @param layer names the layer in the error message
     * @param inH   input height H
     * @param inW   input width W
     * @return the output size and the padding for that input
     * @throws IllegalArgumentException naming {@code layer} if the padded input is smaller than the window
     */
    public WindowGeometry geometry(String layer, int inH, int inW) {
        try {
            return new WindowGeometry(inH, inW, kernelH, kernelW, strideH, strideW, padH, padH, padW, padW, 1, 1, ceilMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
        }
    }

    /**
     * E.g. {@code MaxPool2d(k2x2, s2)} or {@code AvgPool2d(k3x3, s2, p1, ceil, exclude pad)}.
     *
     * @param layer   the layer's name, e.g. "MaxPool2d"
     * @param average whether to show count_include_pad, which only average pooling has
     * @return a one-line summary naming only the settings that differ from the defaults
     */
    public String describe(String layer, boolean average) {
        StringBuilder b = new StringBuilder(layer).append("(k").append(kernelH).append('x').append(kernelW)
                .append(", s").append(strideH == strideW ? Integer.toString(strideH) : strideH + "x" + strideW);
        if (padH != 0 || padW != 0) b.append(", p").append(padH == padW ? Integer.toString(padH) : padH + "x" + padW);
        if (ceilMode) b.append(", ceil");
        if (average && !countIncludePad) b.append(", exclude pad");
        return b.append(')').toString();
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) throw new IllegalArgumentException("PoolConfig." + field + ": " + message);
    }
}
