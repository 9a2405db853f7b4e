package org.conv4j.conv;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.conv.ConvChannels;
import org.conv4j.kernels.conv.ConvKernels;
import org.conv4j.kernels.conv.Im2colConv;
import org.conv4j.kernels.conv.Workspace;
import org.conv4j.tensor.WindowGeometry;

/**
 * Which convolution computes a layer: Winograd F(2×2, 3×3) (3×3 stride 1) on the shapes where it pays,
 * the direct convolution (no column matrix, any stride) where it applies (its forward only with at least
 * 16 products per output), im2col + GEMM everywhere else (1×1, depthwise, fewer than 8 output channels per
 * group). The direct and Winograd kernels come from {@link Kernels#conv()}, im2col runs on
 * {@link Kernels#gemm()}. Without the Vector API kernels ({@code -Dconv4j.kernels=scalar}, or the fallbacks
 * {@link Kernels} logs) every layer runs im2col on the scalar GEMM: the choices above are what measured
 * faster on vector code, the scalar direct and Winograd kernels are the readable references the vector ones
 * are held to, and scalar-mode results stay those of one simple path. No Vector API class is touched then.
 * All are tested against {@link ReferenceConv2d}.
 * {@code -Dconv4j.conv=im2col} forces im2col everywhere, {@code winograd} forces Winograd wherever it
 * applies (for benchmarks and bisecting); {@code auto}, the default, chooses per layer.
 */
public enum ConvAlgorithm {
    /** im2col + GEMM: any configuration; the only path of the scalar kernels. */
    IM2COL,
    /** Direct convolution without a column matrix; see {@link #direct}. */
    DIRECT,
    /** Winograd F(2×2, 3×3): 3×3, stride 1, undilated, ungrouped; see {@link #winograd}. */
    WINOGRAD,
    /** One filter per channel (groups = C = F), positions in the vector lanes; forward only, see {@link #depthwise}. */
    DEPTHWISE;

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

    /**
     * The algorithm for the forward pass of this configuration and input geometry.
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return the forward algorithm; always IM2COL without the Vector API kernels or with {@code -Dconv4j.conv=im2col}
     */
    public static ConvAlgorithm choose(Conv2dConfig c, WindowGeometry g) {
        String m = mode;
        if (m.equals("im2col") || !Kernels.vectorApi()) return IM2COL;
        if (winograd(c, g) && (m.equals("winograd") || winogradPays(c, g))) return WINOGRAD;
        if (depthwise(c)) return DEPTHWISE;
        return direct(c, g) && directPaysForward(c, g) ? DIRECT : IM2COL;
    }

    /**
     * The algorithm for the backward pass. It does not depend on whether dX is wanted, so dW and dB come
     * out bitwise the same either way (Layer.setInputGradient promises that).
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return the backward algorithm; always IM2COL without the Vector API kernels or with {@code -Dconv4j.conv=im2col}
     */
    public static ConvAlgorithm chooseBackward(Conv2dConfig c, WindowGeometry g) {
        String m = mode;
        if (m.equals("im2col") || !Kernels.vectorApi()) return IM2COL;
        if (winograd(c, g) && (m.equals("winograd") || winogradPaysBackward(c, g))) return WINOGRAD;
        return direct(c, g) ? DIRECT : IM2COL;
    }

    /**
     * out = conv(x, w) + b; see {@link Im2colConv#forward} for the contract.
     *
     * @param c   the layer's settings
     * @param g   the window geometry of x
     * @param n   N, the batch size
     * @param x   [N, C, H, W]
     * @param w   [F, C/groups, KH, KW]
     * @param b   [F], or null for no bias
     * @param out [N, F, OH, OW], overwritten
     * @param ws  scratch buffers, reused across calls; not shared between threads
     */
    public static void forward(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                               float[] out, Workspace ws) {
        ConvChannels ch = c.channels();
        switch (choose(c, g)) {
            case WINOGRAD -> Kernels.conv().winogradForward(ch, g, n, x, w, b, out, ws);
            case DIRECT -> Kernels.conv().directForward(ch, g, n, x, w, b, out, ws);
            case DEPTHWISE -> Kernels.conv().depthwiseForward(ch, g, n, x, w, b, out, ws);
            case IM2COL -> Im2colConv.forward(ch, g, n, x, w, b, out, ws);
        }
    }

    /**
     * {@link #forward}, then every output clamped to [lo, hi] ({@link org.conv4j.kernels.array.ArrayKernels#clamp}):
     * inside im2col's per-image bias pass, after the other algorithms. Bitwise the forward, then the clamp;
     * infinite bounds clamp nothing and make it the forward.
     *
     * @param lo the lower bound, or −∞
     * @param hi the upper bound, or +∞
     */
    public static void forwardClamped(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w, float[] b,
                                      float lo, float hi, float[] out, Workspace ws) {
        if (choose(c, g) == IM2COL) {
            Im2colConv.forward(c.channels(), g, n, x, w, b, lo, hi, out, ws);
            return;
        }
        forward(c, g, n, x, w, b, out, ws);
        if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) return;
        var ew = Kernels.arrays();
        Parallel.forChunks(out.length, 1 << 15, (from, to) -> ew.clamp(to - from, lo, hi, out, from, out, from));
    }

    /**
     * Gradients of conv(x, w) + b; see {@link Im2colConv#backward} for the contract (dX may be null).
     * Winograd's backward computes dW apart from dX (Winograd's adjoint where the forward pays, else the
     * direct convolution called without dX), so it too is the same whether or not dX is wanted.
     *
     * @param c    the layer's settings
     * @param g    the window geometry of x
     * @param n    N, the batch size
     * @param x    [N, C, H, W], the forward input
     * @param w    [F, C/groups, KH, KW]
     * @param dOut [N, F, OH, OW]
     * @param dX   [N, C, H, W], overwritten; null when no input gradient is wanted
     * @param dW   [F, C/groups, KH, KW], added into
     * @param dB   [F], added into; null when the convolution has no bias
     * @param ws   scratch buffers, reused across calls; not shared between threads
     */
    public static void backward(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                                float[] dX, float[] dW, float[] dB, Workspace ws) {
        ConvChannels ch = c.channels();
        ConvKernels k = Kernels.conv();
        switch (chooseBackward(c, g)) {
            case WINOGRAD -> {
                if (winogradPays(c, g)) {
                    k.winogradWeightGrad(ch, g, n, x, dOut, dW, dB, ws);
                } else if (direct(c, g)) {
                    k.directBackward(ch, g, n, x, w, dOut, null, dW, dB, ws);
                } else {
                    Im2colConv.backward(ch, g, n, x, w, dOut, null, dW, dB, ws);
                }
                if (dX != null) k.winogradInputGrad(ch, g, n, w, dOut, dX, ws);
            }
            case DIRECT -> k.directBackward(ch, g, n, x, w, dOut, dX, dW, dB, ws);
            case IM2COL, DEPTHWISE -> Im2colConv.backward(ch, g, n, x, w, dOut, dX, dW, dB, ws);
        }
    }

    /**
     * True when the depthwise kernel computes the forward pass: one filter per channel (groups = C = F), any
     * kernel, stride, padding and dilation. Its backward is im2col's or the direct convolution's, whichever
     * {@link #chooseBackward} takes.
     *
     * @param c the layer's settings
     * @return whether the forward takes the depthwise kernel (with the Vector API kernels, in auto mode)
     */
    public static boolean depthwise(Conv2dConfig c) {
        return ConvKernels.depthwiseApplies(c.channels());
    }

    /**
     * True when the Winograd kernels compute this convolution (3×3, stride 1, undilated, ungrouped).
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return whether Winograd applies, whether or not it pays
     */
    public static boolean winograd(Conv2dConfig c, WindowGeometry g) {
        return ConvKernels.winogradApplies(c.channels(), g);
    }

    /**
     * True when a Winograd product with {@code in} input and {@code out} output channels and an
     * outH × outW result pays: C ≥ 32, F ≥ 32 and at least 4×4; or C ≥ 24, F ≥ 24 on a result from 8×8 to
     * 16×16. The transforms are paid per channel and per tile and the 16 GEMMs amortise them over the other
     * side's channels; below 32 channels the direct convolution is faster on larger and smaller planes,
     * and smaller outputs would be mostly cropped tiles (figures in benchmarks/history, "Winograd F(2×2,3×3)"
     * and "Winograd dW"). Measured at 512 and 256 bits (BENCHMARKS.md, "Conv algorithm thresholds per vector
     * width"): the same rule is the better one at both widths.
     */
    private static boolean winogradPays(int in, int out, int outH, int outW) {
        int lo = Math.min(outH, outW), hi = Math.max(outH, outW);
        return in >= 32 && out >= 32 && lo >= 4 || in >= 24 && out >= 24 && lo >= 8 && hi <= 16;
    }

    /**
     * True when the Winograd forward pays for this layer (and so its dW, see {@link #backward}).
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return whether the forward would choose Winograd in auto mode
     */
    public static boolean winogradPays(Conv2dConfig c, WindowGeometry g) {
        return winograd(c, g) && winogradPays(c.inChannels(), c.outChannels(), g.outH(), g.outW());
    }

    /**
     * True when the Winograd dX pays: a Winograd product with F inputs, C outputs and an H × W result.
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return whether the backward computes dX with Winograd in auto mode
     */
    public static boolean winogradPaysBackward(Conv2dConfig c, WindowGeometry g) {
        return winograd(c, g) && winogradPays(c.outChannels(), c.inChannels(), g.inH(), g.inW());
    }

    /**
     * True when the direct convolution is chosen: not a plain 1×1 product (x is then its own column
     * matrix and im2col's GEMM does no extra work), not ceil mode, and at least 8 output channels per group
     * (below that the MR-row tiles would mostly multiply padding; depthwise goes to im2col).
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return whether the backward uses the direct convolution (when Winograd is not chosen)
     */
    public static boolean direct(Conv2dConfig c, WindowGeometry g) {
        return !Im2colConv.isPointwise(g) && !g.ceilMode() && c.outChannels() / c.groups() >= 8;
    }

    /**
     * True when the direct forward pays too: at least 16 products per output (K = Cg·KH·KW). Below that
     * the pass that copies the result off the padded pitch costs more than the products it saves, while
     * the backward still gains (figures in benchmarks/history).
     *
     * @param c the layer's settings
     * @param g the window geometry of its input
     * @return whether the forward uses the direct convolution where {@link #direct} holds
     */
    public static boolean directPaysForward(Conv2dConfig c, WindowGeometry g) {
        return c.inChannels() / c.groups() * g.kH() * g.kW() >= 16;
    }
}
