package org.conv4j.conv;

import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;

/**
 * The direct-loop convolution in double precision, forward and backward: the oracle every fast path
 * (im2col, direct, Winograd, scalar and vector) is tested against, and the forward that gradient checks
 * differentiate numerically. Seven nested loops, no tricks; read it to learn what a grouped, dilated,
 * strided, padded convolution computes and what its gradients are.
 *
 * <p>Shapes: x [N, C, H, W], w [F, C/groups, KH, KW], b [F], out and dOut [N, F, OH, OW].
 */
public final class ReferenceConv2d {
    private ReferenceConv2d() {}

    /**
     * The gradients of a convolution.
     *
     * @param dX [N, C, H, W]
     * @param dW [F, C/groups, KH, KW]
     * @param dB [F]
     */
    public record Gradients(double[] dX, double[] dW, double[] dB) {}

    /**
     * out[n, f, oy, ox] = b[f] + Σ_{c in f's group, i, j} w[f, c, i, j] · x[n, g·Cg + c, oy·sH − padTop + i·dH, ox·sW − padLeft + j·dW]
     * with x zero outside the image.
     *
     * @param c   the layer's settings
     * @param n   N, the batch size
     * @param h   H, the input height
     * @param wIn W, the input width
     * @param x   [N, C, H, W]
     * @param w   [F, C/groups, KH, KW]
     * @param b   [F] or null
     * @return [N, F, OH, OW]
     * @throws IllegalArgumentException if the kernel does not fit the padded input
     */
    public static double[] forward(Conv2dConfig c, int n, int h, int wIn, double[] x, double[] w, double[] b) {
        WindowGeometry g = c.geometry(h, wIn);
        int oh = g.outH(), ow = g.outW();
        int cg = c.inChannels() / c.groups(), fg = c.outChannels() / c.groups();
        double[] out = new double[n * c.outChannels() * oh * ow];
        for (int item = 0; item < n; item++) {
            for (int f = 0; f < c.outChannels(); f++) {
                int group = f / fg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = b == null ? 0 : b[f];
                        for (int ci = 0; ci < cg; ci++) {
                            int channel = group * cg + ci;
                            for (int i = 0; i < c.kernelH(); i++) {
                                int iy = oy * c.strideH() - g.padTop() + i * c.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < c.kernelW(); j++) {
                                    int ix = ox * c.strideW() - g.padLeft() + j * c.dilationW();
                                    if (ix < 0 || ix >= wIn) continue;
                                    s += w[((f * cg + ci) * c.kernelH() + i) * c.kernelW() + j]
                                            * x[((item * c.inChannels() + channel) * h + iy) * wIn + ix];
                                }
                            }
                        }
                        out[((item * c.outChannels() + f) * oh + oy) * ow + ox] = s;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The gradients of out = conv(x, w) + b given dOut: each output's dOut flows back along the products
     * that formed it, dX[x index] += dOut · w and dW[w index] += dOut · x, and dB[f] sums dOut over
     * the batch and positions. The same loops as {@link #forward}.
     *
     * @param c    the layer's settings
     * @param n    N, the batch size
     * @param h    H, the input height
     * @param wIn  W, the input width
     * @param x    [N, C, H, W], the forward input
     * @param w    [F, C/groups, KH, KW]
     * @param dOut [N, F, OH, OW]
     * @return new arrays dX, dW and dB (dB is computed even when the layer has no bias)
     * @throws IllegalArgumentException if the kernel does not fit the padded input
     */
    public static Gradients backward(Conv2dConfig c, int n, int h, int wIn, double[] x, double[] w, double[] dOut) {
        WindowGeometry g = c.geometry(h, wIn);
        int oh = g.outH(), ow = g.outW();
        int cg = c.inChannels() / c.groups(), fg = c.outChannels() / c.groups();
        double[] dX = new double[x.length], dW = new double[w.length], dB = new double[c.outChannels()];
        for (int item = 0; item < n; item++) {
            for (int f = 0; f < c.outChannels(); f++) {
                int group = f / fg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double d = dOut[((item * c.outChannels() + f) * oh + oy) * ow + ox];
                        dB[f] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            int channel = group * cg + ci;
                            for (int i = 0; i < c.kernelH(); i++) {
                                int iy = oy * c.strideH() - g.padTop() + i * c.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < c.kernelW(); j++) {
                                    int ix = ox * c.strideW() - g.padLeft() + j * c.dilationW();
                                    if (ix < 0 || ix >= wIn) continue;
                                    int wi = ((f * cg + ci) * c.kernelH() + i) * c.kernelW() + j;
                                    int xi = ((item * c.inChannels() + channel) * h + iy) * wIn + ix;
                                    dW[wi] += d * x[xi];
                                    dX[xi] += d * w[wi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Gradients(dX, dW, dB);
    }

    /**
     * Float convenience: computes in double from the float inputs and rounds once at the end.
     *
     * @param c the layer's settings
     * @param x [N, C, H, W]
     * @param w [F, C/groups, KH, KW]
     * @param b [F], or null
     * @return a new tensor [N, F, OH, OW]
     */
    public static Tensor forward(Conv2dConfig c, Tensor x, Tensor w, Tensor b) {
        int n = x.dim(0), h = x.dim(2), wIn = x.dim(3);
        WindowGeometry g = c.geometry(h, wIn);
        double[] y = forward(c, n, h, wIn, widen(x.data()), widen(w.data()), b == null ? null : widen(b.data()));
        Tensor out = new Tensor(n, c.outChannels(), g.outH(), g.outW());
        for (int i = 0; i < y.length; i++) out.data()[i] = (float) y[i];
        return out;
    }

    /**
     * The floats as doubles, exactly.
     *
     * @param a the values to widen
     * @return a new array of the same length
     */
    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
