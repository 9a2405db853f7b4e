package org.conv4j.conv;

import org.conv4j.kernels.Kernels;

/**
 * Which fast convolution computes a layer: {@link WinogradConv} (3×3 stride 1) on the shapes where it
 * measured faster, {@link DirectConv} (no column matrix, any stride) where it applies and the Vector API
 * is available (its forward only with at least 16 products per output), {@link Im2colConv} everywhere else
 * (1×1, depthwise, fewer than 8 output channels per group). All are tested against {@link ReferenceConv2d}.
 * {@code -Dconv4j.conv=im2col} forces im2col everywhere, {@code winograd} forces Winograd wherever it
 * applies (for benchmarks and bisecting); {@code auto}, the default, chooses per layer.
 */
public enum ConvAlgorithm {
    IM2COL,
    DIRECT,
    WINOGRAD;

    /** auto, im2col or winograd; a field rather than a constant so that tests can force a path. */
    private static volatile String mode = parse(System.getProperty("conv4j.conv", "auto"));

    private static String parse(String p) {
        String m = p.trim();
        return switch (m) {
            case "auto", "" -> "auto";
            case "im2col", "winograd" -> m;
            default -> throw new IllegalArgumentException("system property conv4j.conv must be auto, im2col or winograd, got '" + p + "'");
        };
    }

    /** Sets what {@code -Dconv4j.conv} sets, for tests; returns the previous mode. */
    static String force(String m) {
        String before = mode;
        mode = parse(m);
        return before;
    }

    /** The algorithm for the forward pass of this configuration and input geometry. */
    public static ConvAlgorithm choose(Conv2dConfig c, ConvGeometry g) {
        String m = mode;
        if (m.equals("im2col") || !Kernels.vectorApi()) return IM2COL;
        if (WinogradConv.supports(c, g) && (m.equals("winograd") || WinogradConv.pays(c, g))) return WINOGRAD;
        return DirectConv.supports(c, g) && DirectConv.paysForward(c, g) ? DIRECT : IM2COL;
    }

    /**
     * The algorithm for the backward pass. It does not depend on whether dX is wanted, so dW and dB come
     * out bitwise the same either way (Layer.setInputGradient promises that).
     */
    public static ConvAlgorithm chooseBackward(Conv2dConfig c, ConvGeometry g) {
        String m = mode;
        if (m.equals("im2col") || !Kernels.vectorApi()) return IM2COL;
        if (WinogradConv.supports(c, g) && (m.equals("winograd") || WinogradConv.paysBackward(c, g))) return WINOGRAD;
        return DirectConv.supports(c, g) ? DIRECT : IM2COL;
    }

    /** out = conv(x, w) + b; see {@link Im2colConv#forward} for the contract. */
    public static void forward(Conv2dConfig c, ConvGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        switch (choose(c, g)) {
            case WINOGRAD -> WinogradConv.forward(c, g, n, x, w, b, out, ws);
            case DIRECT -> DirectConv.forward(c, g, n, x, w, b, out, ws);
            case IM2COL -> Im2colConv.forward(c, g, n, x, w, b, out, ws);
        }
    }

    /**
     * Gradients of conv(x, w) + b; see {@link Im2colConv#backward} for the contract (dX may be null).
     * Winograd's backward computes dW apart from dX ({@link WinogradWeightGrad}, or DirectConv called
     * without dX), so it too is the same whether or not dX is wanted.
     */
    public static void backward(Conv2dConfig c, ConvGeometry g, int n, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB, Workspace ws) {
        switch (chooseBackward(c, g)) {
            case WINOGRAD -> WinogradConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
            case DIRECT -> DirectConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
            case IM2COL -> Im2colConv.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
        }
    }
}
