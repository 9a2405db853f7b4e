package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;

/**
 * The convolution kernels that have a Vector API version: the direct convolution (no column matrix),
 * Winograd F(2×2, 3×3) and the depthwise convolution's forward pass. {@link ScalarConvKernels} is the readable reference, {@link VectorConvKernels} the
 * fast version; {@link org.conv4j.kernels.Kernels#conv} chooses one at start-up. The im2col algorithm
 * ({@link Im2colConv}) needs no family of its own: it runs on the chosen GEMM.
 *
 * <p>Shapes (N batch, C/F input/output channels, Cg = C/G):
 * x [N, C, H, W], w [F, Cg, KH, KW], b and dB [F] (null: no bias), out and dOut [N, F, OH, OW].
 * Outputs and dX are overwritten, dW and dB added into. Every result is computed by a fixed sequence of
 * operations, so it does not depend on the thread count. Which kernel pays for which shape is the
 * caller's choice ({@code conv.ConvAlgorithm}); a kernel only checks that it applies.
 */
public interface ConvKernels {
    /** Short name for logs and benchmarks. */
    String name();

    /** out = conv(x, w) + b by the direct convolution; any stride, padding, dilation and groups. */
    void directForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out,
                       Workspace ws);

    /** dX (skipped when null), dW and dB of the direct convolution. */
    void directBackward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                        float[] dX, float[] dW, float[] dB, Workspace ws);

    /** out = conv(x, w) + b by Winograd F(2×2, 3×3); requires {@link #winogradApplies}. */
    void winogradForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out,
                         Workspace ws);

    /** dX of the convolution by Winograd: the forward on dOut with the kernel rotated, C and F swapped. */
    void winogradInputGrad(ConvChannels c, WindowGeometry g, int n, float[] w, float[] dOut, float[] dX,
                           Workspace ws);

    /** dW and dB by Winograd's adjoint: products in the transform domain summed over the tiles. */
    void winogradWeightGrad(ConvChannels c, WindowGeometry g, int n, float[] x, float[] dOut, float[] dW,
                            float[] dB, Workspace ws);

    /**
     * out = conv(x, w) + b for a depthwise convolution, one filter per channel (groups = C = F); requires
     * {@link #depthwiseApplies}. Any kernel size, stride, padding and dilation.
     */
    void depthwiseForward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out,
                          Workspace ws);

    /**
     * True when the depthwise kernel computes this convolution: as many groups as input and output channels.
     *
     * @param c the channels and groups
     * @return whether every group is one input and one output channel
     */
    static boolean depthwiseApplies(ConvChannels c) {
        return c.groups() == c.inChannels() && c.groups() == c.outChannels();
    }

    /** Throws IllegalArgumentException unless {@link #depthwiseApplies}. */
    static void requireDepthwise(ConvChannels c) {
        if (!depthwiseApplies(c)) throw new IllegalArgumentException("the depthwise kernel does not apply to " + c.describe());
    }

    /**
     * True when the Winograd kernels compute this convolution: a 3×3 kernel, stride 1, dilation 1, one
     * group, and at most 2 padding on any side (so dX is again a forward with padding 2 − pad ≥ 0).
     */
    static boolean winogradApplies(ConvChannels c, WindowGeometry g) {
        return g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1 && c.groups() == 1
                && g.padTop() <= 2 && g.padBottom() <= 2 && g.padLeft() <= 2 && g.padRight() <= 2;
    }

    /** Throws IllegalArgumentException unless {@link #winogradApplies}. */
    static void requireWinograd(ConvChannels c, WindowGeometry g) {
        if (!winogradApplies(c, g)) {
            throw new IllegalArgumentException("Winograd F(2x2,3x3) does not apply to " + c.describe() + " " + g);
        }
    }
}
