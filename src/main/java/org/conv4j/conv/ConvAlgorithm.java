package org.conv4j.conv;

import org.conv4j.kernels.Kernels;

/**
 * Which fast convolution computes a layer: {@link DirectConv} (stride 1, no column matrix) where it
 * applies and the Vector API is available, {@link Im2colConv} everywhere else. Both are tested against
 * {@link ReferenceConv2d}. {@code -Dconv4j.conv=im2col} forces im2col everywhere (for benchmarks and
 * bisecting); {@code auto}, the default, chooses per layer.
 */
public enum ConvAlgorithm {
    IM2COL,
    DIRECT;

    private static final boolean IM2COL_ONLY = forcedIm2col();

    private static boolean forcedIm2col() {
        String p = System.getProperty("conv4j.conv", "auto").trim();
        return switch (p) {
            case "auto", "" -> false;
            case "im2col" -> true;
            default -> throw new IllegalArgumentException("system property conv4j.conv must be auto or im2col, got '" + p + "'");
        };
    }

    /** The algorithm for the forward pass of this configuration and input geometry. */
    public static ConvAlgorithm choose(Conv2dConfig c, ConvGeometry g) {
        return !IM2COL_ONLY && Kernels.vectorApi() && DirectConv.supports(c, g) ? DIRECT : IM2COL;
    }

    /** The algorithm for the backward pass; {@code needDx} false when the caller passes a null dX. */
    public static ConvAlgorithm chooseBackward(Conv2dConfig c, ConvGeometry g, boolean needDx) {
        return !IM2COL_ONLY && Kernels.vectorApi() && DirectConv.supportsBackward(c, g, needDx) ? DIRECT : IM2COL;
    }

    /** out = conv(x, w) + b; see {@link Im2colConv#forward} for the contract. */
    public static void forward(Conv2dConfig c, ConvGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        if (choose(c, g) == DIRECT) DirectConv.forward(c, g, n, x, w, b, out, ws);
        else Im2colConv.forward(c, g, n, x, w, b, out, ws);
    }

    /**
     * Gradients of conv(x, w) + b; see {@link Im2colConv#backward} for the contract (dX may be null). The
     * algorithm is picked as if dX were wanted, so dW and dB come out bitwise the same whether or not it is
     * (Layer.setInputGradient promises that; for a 1-channel first layer im2col's dW was also the faster).
     */
    public static void backward(Conv2dConfig c, ConvGeometry g, int n, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB, Workspace ws) {
        if (chooseBackward(c, g, true) == DIRECT) DirectConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
        else Im2colConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
    }
}
