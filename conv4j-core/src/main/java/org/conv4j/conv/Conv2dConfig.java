package org.conv4j.conv;

import org.conv4j.kernels.conv.ConvChannels;
import org.conv4j.layers.Init;
import org.conv4j.tensor.WindowGeometry;

/**
 * Settings of a {@link Conv2d}, as torch.nn.Conv2d takes them. Immutable; defaults live only in
 * {@link #of(int, int, int)}, changes go through the {@code withX} methods.
 *
 * <p>Padding is stored per side (top, bottom, left, right). {@link Padding#SAME} keeps the output the size
 * of the input (stride 1 only, as in PyTorch); when the total padding {@code dilation·(k−1)} is odd the
 * extra row/column goes to the bottom/right, which is what torch does. {@link Padding#VALID} is no padding.
 *
 * @param inChannels  C, input channels
 * @param outChannels F, output channels (filters)
 * @param kernelH     KH
 * @param kernelW     KW
 * @param strideH     vertical stride, at least 1
 * @param strideW     horizontal stride, at least 1
 * @param padTop      zero rows above the image (computed for SAME, 0 for VALID)
 * @param padBottom   zero rows below the image (computed for SAME, 0 for VALID)
 * @param padLeft     zero columns left of the image (computed for SAME, 0 for VALID)
 * @param padRight    zero columns right of the image (computed for SAME, 0 for VALID)
 * @param padding     how the four pads were chosen; SAME and VALID overwrite the pad fields
 * @param dilationH   vertical spacing between kernel taps, 1 for none
 * @param dilationW   horizontal spacing between kernel taps, 1 for none
 * @param groups      channel groups; C and F must both be multiples; groups = C is depthwise
 * @param bias        whether the layer adds a learnt bias per output channel
 * @param init        how {@link Conv2d} initialises its weight and bias
 */
public record Conv2dConfig(int inChannels, int outChannels, int kernelH, int kernelW,
                           int strideH, int strideW,
                           int padTop, int padBottom, int padLeft, int padRight, Padding padding,
                           int dilationH, int dilationW, int groups, boolean bias, Init.Scheme init) {

    /** How the padding was specified. */
    public enum Padding {
        /** The four pad fields as given. */
        EXPLICIT,
        /** Output size equals input size (stride 1); odd totals put the extra pad bottom/right, as torch. */
        SAME,
        /** No padding. */
        VALID
    }

    /**
     * Validates the settings and, for SAME and VALID, computes the four pads.
     *
     * @throws IllegalArgumentException naming the field if a count, kernel size, stride or dilation is not
     *         positive, a pad is negative, {@code groups} does not divide both channel counts, SAME is asked
     *         with a stride other than 1, or {@code padding} or {@code init} is null
     */
    public Conv2dConfig {
        require(inChannels > 0, "inChannels", "must be positive, got " + inChannels);
        require(outChannels > 0, "outChannels", "must be positive, got " + outChannels);
        require(kernelH > 0 && kernelW > 0, "kernel", "must be positive, got " + kernelH + "x" + kernelW);
        require(strideH > 0 && strideW > 0, "stride", "must be positive, got " + strideH + "x" + strideW);
        require(dilationH > 0 && dilationW > 0, "dilation", "must be positive, got " + dilationH + "x" + dilationW);
        require(padding != null, "padding", "must not be null");
        require(init != null, "init", "must not be null");
        require(groups > 0, "groups", "must be positive, got " + groups);
        require(inChannels % groups == 0, "groups",
                groups + " does not divide inChannels " + inChannels);
        require(outChannels % groups == 0, "groups",
                groups + " does not divide outChannels " + outChannels);
        switch (padding) {
            case SAME -> {
                require(strideH == 1 && strideW == 1, "padding",
                        "'same' needs stride 1 (as in PyTorch), got stride " + strideH + "x" + strideW);
                int totalH = dilationH * (kernelH - 1), totalW = dilationW * (kernelW - 1);
                padTop = totalH / 2;
                padBottom = totalH - padTop;
                padLeft = totalW / 2;
                padRight = totalW - padLeft;
            }
            case VALID -> { padTop = 0; padBottom = 0; padLeft = 0; padRight = 0; }
            case EXPLICIT -> require(padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0, "padding",
                    "must be non-negative, got top " + padTop + " bottom " + padBottom
                            + " left " + padLeft + " right " + padRight);
        }
    }

    /**
     * torch.nn.Conv2d(in, out, k) defaults: stride 1, no padding, no dilation, 1 group, bias, torch init.
     *
     * @param inChannels  C, input channels
     * @param outChannels F, output channels
     * @param kernel      KH = KW
     * @return the settings
     * @throws IllegalArgumentException if a count or the kernel size is not positive
     */
    public static Conv2dConfig of(int inChannels, int outChannels, int kernel) {
        return of(inChannels, outChannels, kernel, kernel);
    }

    /**
     * A KH×KW kernel with the defaults of {@link #of(int, int, int)}.
     *
     * @param inChannels  C, input channels
     * @param outChannels F, output channels
     * @param kernelH     KH
     * @param kernelW     KW
     * @return the settings
     * @throws IllegalArgumentException if a count or a kernel size is not positive
     */
    public static Conv2dConfig of(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, 1, 1, 0, 0, 0, 0, Padding.EXPLICIT,
                1, 1, 1, true, Init.Scheme.TORCH_DEFAULT);
    }

    /**
     * The same stride on both axes.
     *
     * @param stride rows and columns the window moves per output, at least 1
     * @return a copy with that stride
     * @throws IllegalArgumentException if {@code stride} is not positive, or with SAME padding not 1
     */
    public Conv2dConfig withStride(int stride) { return withStride(stride, stride); }

    /**
     * A stride per axis (torch's stride=(sH, sW)).
     *
     * @param strideH rows the window moves per output row, at least 1
     * @param strideW columns the window moves per output column, at least 1
     * @return a copy with that stride
     * @throws IllegalArgumentException if a stride is not positive, or with SAME padding not 1
     */
    public Conv2dConfig withStride(int strideH, int strideW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /**
     * The same zero padding on all four sides.
     *
     * @param pad zero rows/columns on each side, at least 0
     * @return a copy with EXPLICIT padding
     * @throws IllegalArgumentException if {@code pad} is negative
     */
    public Conv2dConfig withPadding(int pad) { return withPadding(pad, pad); }

    /**
     * {@code padH} rows on top and bottom, {@code padW} columns left and right (torch's padding=(pH, pW)).
     *
     * @param padH zero rows on top and on bottom, at least 0
     * @param padW zero columns on the left and on the right, at least 0
     * @return a copy with EXPLICIT padding
     * @throws IllegalArgumentException if a pad is negative
     */
    public Conv2dConfig withPadding(int padH, int padW) { return withPadding(padH, padH, padW, padW); }

    /**
     * Each side on its own, e.g. for asymmetric padding.
     *
     * @param top    zero rows above, at least 0
     * @param bottom zero rows below, at least 0
     * @param left   zero columns on the left, at least 0
     * @param right  zero columns on the right, at least 0
     * @return a copy with EXPLICIT padding
     * @throws IllegalArgumentException if a pad is negative
     */
    public Conv2dConfig withPadding(int top, int bottom, int left, int right) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                top, bottom, left, right, Padding.EXPLICIT, dilationH, dilationW, groups, bias, init);
    }

    /**
     * torch's padding="same".
     *
     * @return a copy with SAME padding, the output as large as the input
     * @throws IllegalArgumentException if the stride is not 1
     */
    public Conv2dConfig same() { return withPaddingMode(Padding.SAME); }

    /**
     * torch's padding="valid".
     *
     * @return a copy with no padding
     */
    public Conv2dConfig valid() { return withPaddingMode(Padding.VALID); }

    private Conv2dConfig withPaddingMode(Padding mode) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                0, 0, 0, 0, mode, dilationH, dilationW, groups, bias, init);
    }

    /**
     * The same dilation on both axes (torch's dilation=d).
     *
     * @param dilation spacing between kernel taps, 1 for none
     * @return a copy with that dilation; SAME padding is recomputed for it
     * @throws IllegalArgumentException if {@code dilation} is not positive
     */
    public Conv2dConfig withDilation(int dilation) { return withDilation(dilation, dilation); }

    /**
     * A dilation per axis (torch's dilation=(dH, dW)).
     *
     * @param dilationH spacing between kernel rows, 1 for none
     * @param dilationW spacing between kernel columns, 1 for none
     * @return a copy with that dilation; SAME padding is recomputed for it
     * @throws IllegalArgumentException if a dilation is not positive
     */
    public Conv2dConfig withDilation(int dilationH, int dilationW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /**
     * Splits the channels into groups that are convolved apart (torch's groups).
     *
     * @param groups number of groups; must divide both inChannels and outChannels
     * @return a copy with that grouping
     * @throws IllegalArgumentException if {@code groups} is not positive or does not divide both channel counts
     */
    public Conv2dConfig withGroups(int groups) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /**
     * One group per input channel (depthwise convolution).
     *
     * @return a copy with {@code groups = inChannels}
     * @throws IllegalArgumentException if inChannels does not divide outChannels
     */
    public Conv2dConfig depthwise() { return withGroups(inChannels); }

    /**
     * Whether the layer learns a bias per output channel.
     *
     * @param bias true for a bias [F], false for none
     * @return a copy with that setting
     */
    public Conv2dConfig withBias(boolean bias) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /**
     * How {@link Conv2d} initialises its weight and bias.
     *
     * @param init the initialisation scheme, not null
     * @return a copy with that scheme
     * @throws IllegalArgumentException if {@code init} is null
     */
    public Conv2dConfig withInit(Init.Scheme init) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /**
     * Weight shape [F, C/groups, KH, KW], as torch stores it.
     *
     * @return a new array {F, C/groups, KH, KW}
     */
    public int[] weightShape() { return new int[] {outChannels, inChannels / groups, kernelH, kernelW}; }

    /**
     * The channel counts the convolution kernels take.
     *
     * @return C, F and groups, as {@link org.conv4j.kernels.conv.ConvChannels}
     */
    public ConvChannels channels() { return new ConvChannels(inChannels, outChannels, groups); }

    /**
     * The window geometry for an input of inH×inW; fails with the layer's name if the kernel does not fit.
     *
     * @param inH input height H
     * @param inW input width W
     * @return the output size and the padding for that input
     * @throws IllegalArgumentException naming this layer if the padded input is smaller than the dilated kernel
     */
    public WindowGeometry geometry(int inH, int inW) {
        try {
            return new WindowGeometry(inH, inW, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                    dilationH, dilationW, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * E.g. {@code Conv2d(3->16, k3x3, s1, p1)}, {@code Conv2d(8->8, k3x3, s2, p(0,1,0,1), d2, g8, no bias)}.
     *
     * @return a one-line summary naming only the settings that differ from the defaults
     */
    public String describe() {
        StringBuilder b = new StringBuilder("Conv2d(").append(inChannels).append("->").append(outChannels)
                .append(", k").append(kernelH).append('x').append(kernelW)
                .append(", s").append(strideH == strideW ? Integer.toString(strideH) : strideH + "x" + strideW);
        switch (padding) {
            case SAME -> b.append(", same");
            case VALID -> b.append(", valid");
            case EXPLICIT -> {
                if (padTop == padBottom && padLeft == padRight) {
                    b.append(", p").append(padTop == padLeft ? Integer.toString(padTop) : padTop + "x" + padLeft);
                } else {
                    b.append(", p(").append(padTop).append(',').append(padBottom).append(',')
                            .append(padLeft).append(',').append(padRight).append(')');
                }
            }
        }
        if (dilationH != 1 || dilationW != 1) {
            b.append(", d").append(dilationH == dilationW ? Integer.toString(dilationH) : dilationH + "x" + dilationW);
        }
        if (groups != 1) b.append(", g").append(groups);
        if (!bias) b.append(", no bias");
        return b.append(')').toString();
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) throw new IllegalArgumentException("Conv2dConfig." + field + ": " + message);
    }
}
