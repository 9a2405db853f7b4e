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
 * @param padding     how the four pads were chosen; SAME and VALID overwrite the pad fields
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

    /** torch.nn.Conv2d(in, out, k) defaults: stride 1, no padding, no dilation, 1 group, bias, torch init. */
    public static Conv2dConfig of(int inChannels, int outChannels, int kernel) {
        return of(inChannels, outChannels, kernel, kernel);
    }

    /** A KH×KW kernel with the defaults of {@link #of(int, int, int)}. */
    public static Conv2dConfig of(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, 1, 1, 0, 0, 0, 0, Padding.EXPLICIT,
                1, 1, 1, true, Init.Scheme.TORCH_DEFAULT);
    }

    public Conv2dConfig withStride(int stride) { return withStride(stride, stride); }

    public Conv2dConfig withStride(int strideH, int strideW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /** The same zero padding on all four sides. */
    public Conv2dConfig withPadding(int pad) { return withPadding(pad, pad); }

    /** {@code padH} rows on top and bottom, {@code padW} columns left and right (torch's padding=(pH, pW)). */
    public Conv2dConfig withPadding(int padH, int padW) { return withPadding(padH, padH, padW, padW); }

    /** Each side on its own, e.g. for asymmetric padding. */
    public Conv2dConfig withPadding(int top, int bottom, int left, int right) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                top, bottom, left, right, Padding.EXPLICIT, dilationH, dilationW, groups, bias, init);
    }

    /** torch's padding="same". */
    public Conv2dConfig same() { return withPaddingMode(Padding.SAME); }

    /** torch's padding="valid". */
    public Conv2dConfig valid() { return withPaddingMode(Padding.VALID); }

    private Conv2dConfig withPaddingMode(Padding mode) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                0, 0, 0, 0, mode, dilationH, dilationW, groups, bias, init);
    }

    public Conv2dConfig withDilation(int dilation) { return withDilation(dilation, dilation); }

    public Conv2dConfig withDilation(int dilationH, int dilationW) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    public Conv2dConfig withGroups(int groups) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /** One group per input channel (depthwise convolution). */
    public Conv2dConfig depthwise() { return withGroups(inChannels); }

    public Conv2dConfig withBias(boolean bias) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    public Conv2dConfig withInit(Init.Scheme init) {
        return new Conv2dConfig(inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, padding, dilationH, dilationW, groups, bias, init);
    }

    /** Weight shape [F, C/groups, KH, KW], as torch stores it. */
    public int[] weightShape() { return new int[] {outChannels, inChannels / groups, kernelH, kernelW}; }

    /** The channel counts the convolution kernels take. */
    public ConvChannels channels() { return new ConvChannels(inChannels, outChannels, groups); }

    /** The window geometry for an input of inH×inW; fails with the layer's name if the kernel does not fit. */
    public WindowGeometry geometry(int inH, int inW) {
        try {
            return new WindowGeometry(inH, inW, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                    dilationH, dilationW, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
        }
    }

    /** E.g. {@code Conv2d(3->16, k3x3, s1, p1)}, {@code Conv2d(8->8, k3x3, s2, p(0,1,0,1), d2, g8, no bias)}. */
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
