package org.conv4j.tensor;

/**
 * The arithmetic of a 2-D sliding window, validated once: input size, kernel, stride, dilation and the
 * padding on each side. Conv and pooling layers take their output size from here and nowhere else.
 *
 * <p>Output size per axis: {@code floor((in + padBefore + padAfter - dilation*(k-1) - 1) / stride) + 1},
 * or the ceiling when {@code ceilMode} (then, as in PyTorch, the last window must start inside the input
 * or the left padding).
 *
 * @param inH       H, input height
 * @param inW       W, input width
 * @param kH        KH, kernel height
 * @param kW        KW, kernel width
 * @param strideH   rows the window moves per output row
 * @param strideW   columns the window moves per output column
 * @param padTop    zero (or ignored) rows above the input
 * @param padBottom rows below the input
 * @param padLeft   columns left of the input
 * @param padRight  columns right of the input
 * @param dilationH spacing between kernel rows, 1 for none
 * @param dilationW spacing between kernel columns, 1 for none
 * @param ceilMode  round the output size up instead of down, as PyTorch's ceil_mode
 */
public record WindowGeometry(int inH, int inW, int kH, int kW, int strideH, int strideW,
                           int padTop, int padBottom, int padLeft, int padRight,
                           int dilationH, int dilationW, boolean ceilMode) {

    /**
     * Validates the geometry.
     *
     * @throws IllegalArgumentException if a size, kernel, stride or dilation is not positive, a pad is negative,
     *         or the dilated kernel is larger than the padded input
     */
    public WindowGeometry {
        require(inH > 0 && inW > 0, "input height and width must be positive, got " + inH + "x" + inW);
        require(kH > 0 && kW > 0, "kernel must be positive, got " + kH + "x" + kW);
        require(strideH > 0 && strideW > 0, "stride must be positive, got " + strideH + "x" + strideW);
        require(dilationH > 0 && dilationW > 0, "dilation must be positive, got " + dilationH + "x" + dilationW);
        require(padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0,
                "padding must be non-negative, got top " + padTop + " bottom " + padBottom + " left " + padLeft + " right " + padRight);
        int effH = dilationH * (kH - 1) + 1, effW = dilationW * (kW - 1) + 1;
        require(effH <= inH + padTop + padBottom && effW <= inW + padLeft + padRight,
                "kernel " + kH + "x" + kW + (dilationH > 1 || dilationW > 1 ? " (dilated to " + effH + "x" + effW + ")" : "")
                        + " is larger than the padded input " + (inH + padTop + padBottom) + "x" + (inW + padLeft + padRight));
    }

    /**
     * Symmetric padding, no dilation, floor mode.
     *
     * @param inH    H, input height
     * @param inW    W, input width
     * @param kH     KH, kernel height
     * @param kW     KW, kernel width
     * @param stride the stride on both axes
     * @param pad    the padding on all four sides
     * @return the geometry
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static WindowGeometry of(int inH, int inW, int kH, int kW, int stride, int pad) {
        return new WindowGeometry(inH, inW, kH, kW, stride, stride, pad, pad, pad, pad, 1, 1, false);
    }

    /** {@return the height the dilated kernel spans, dilationH·(KH − 1) + 1} */
    public int effectiveKH() { return dilationH * (kH - 1) + 1; }

    /** {@return the width the dilated kernel spans, dilationW·(KW − 1) + 1} */
    public int effectiveKW() { return dilationW * (kW - 1) + 1; }

    /** {@return OH, the output height} */
    public int outH() { return outSize(inH, padTop, padBottom, effectiveKH(), strideH); }

    /** {@return OW, the output width} */
    public int outW() { return outSize(inW, padLeft, padRight, effectiveKW(), strideW); }

    private int outSize(int in, int before, int after, int eff, int stride) {
        int span = in + before + after - eff;
        int out = ceilMode ? Math.floorDiv(span + stride - 1, stride) + 1 : span / stride + 1;
        // PyTorch: in ceil mode the last window must start inside the input or the left padding.
        if (ceilMode && (long) (out - 1) * stride >= in + before) out--;
        return out;
    }

    /**
     * Same geometry for another input size (batches of a different image size).
     *
     * @param h the new input height
     * @param w the new input width
     * @return a geometry that differs only in its input size
     * @throws IllegalArgumentException if the kernel does not fit the new padded input
     */
    public WindowGeometry withInput(int h, int w) {
        return new WindowGeometry(h, w, kH, kW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                dilationH, dilationW, ceilMode);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
