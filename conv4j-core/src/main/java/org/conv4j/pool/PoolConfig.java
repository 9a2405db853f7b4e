package org.conv4j.pool;

import org.conv4j.tensor.WindowGeometry;

/**
 * Settings of {@link MaxPool2d} and {@link AvgPool2d}, as torch.nn takes them. Defaults live only in
 * {@link #of(int)}: stride = kernel, no padding, floor mode, and for average pooling padded cells count in
 * the divisor ({@code count_include_pad=True}, torch's default).
 *
 * @param padH            implicit padding on top and bottom (at most half the kernel, as in torch)
 * @param padW            implicit padding left and right
 * @param ceilMode        output size rounded up (windows may hang over the bottom/right edge)
 * @param countIncludePad average pooling only: divide by the window size including padding
 */
public record PoolConfig(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         boolean ceilMode, boolean countIncludePad) {

    public PoolConfig {
        require(kernelH > 0 && kernelW > 0, "kernel", "must be positive, got " + kernelH + "x" + kernelW);
        require(strideH > 0 && strideW > 0, "stride", "must be positive, got " + strideH + "x" + strideW);
        require(padH >= 0 && padW >= 0, "padding", "must be non-negative, got " + padH + "x" + padW);
        require(padH <= kernelH / 2 && padW <= kernelW / 2, "padding",
                "must be at most half the kernel (as in torch), got pad " + padH + "x" + padW
                        + " for kernel " + kernelH + "x" + kernelW);
    }

    /** A k×k window with stride k (torch's default stride = kernel_size). */
    public static PoolConfig of(int kernel) { return of(kernel, kernel); }

    /** A KH×KW window with stride = kernel. */
    public static PoolConfig of(int kernelH, int kernelW) {
        return new PoolConfig(kernelH, kernelW, kernelH, kernelW, 0, 0, false, true);
    }

    public PoolConfig withStride(int stride) { return withStride(stride, stride); }

    public PoolConfig withStride(int strideH, int strideW) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    public PoolConfig withPadding(int pad) { return withPadding(pad, pad); }

    public PoolConfig withPadding(int padH, int padW) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    public PoolConfig withCeilMode(boolean ceilMode) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    public PoolConfig withCountIncludePad(boolean countIncludePad) {
        return new PoolConfig(kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad);
    }

    /** The window geometry for an input of inH×inW; fails naming {@code layer} if the window does not fit. */
    public WindowGeometry geometry(String layer, int inH, int inW) {
        try {
            return new WindowGeometry(inH, inW, kernelH, kernelW, strideH, strideW, padH, padH, padW, padW, 1, 1, ceilMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
        }
    }

    /** E.g. {@code MaxPool2d(k2x2, s2)} or {@code AvgPool2d(k3x3, s2, p1, ceil, exclude pad)}. */
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
