package org.conv4j.kernels.conv;

import java.util.Arrays;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;

/**
 * The direct convolution as plain loops in float: the scalar version of {@link VectorDirectConv}, used
 * when the Vector API is not. Every output, dX and dW element is one sum in the written loop order; the
 * batch runs one image per task for the forward pass and dX, and dW and dB are summed per chunk of
 * images ({@link Chunks}) and then in chunk order, so results do not depend on the thread count.
 *
 * <pre>
 *   out[n, f, oy, ox]  = b[f] + Σ_(c in f's group, i, j) w[f, c, i, j] · x[n, c, oy·sH − padTop + i·dH, ox·sW − padLeft + j·dW]
 *   dX [n, c, iy, ix] += Σ w[f, c, i, j] · dOut[n, f, oy, ox]      over the (f, oy, ox, i, j) that read (iy, ix)
 *   dW [f, c, i, j]   += Σ_(n, oy, ox) x[n, c, iy, ix] · dOut[n, f, oy, ox]
 * </pre>
 * x is zero outside the image: taps that fall in the padding are skipped.
 */
final class ScalarDirectConv {
    private ScalarDirectConv() {}

    /** out = conv(x, w) + b; shapes as {@link ConvKernels}. */
    static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out) {
        int f = c.outChannels(), oh = g.outH(), ow = g.outW(), xItem = c.inChannels() * g.inH() * g.inW();
        Parallel.forChunks(n, 1, (lo, hi) -> {
            for (int item = lo; item < hi; item++) {
                int outAt = item * f * oh * ow;
                for (int fo = 0; fo < f; fo++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float s = window(c, g, x, item * xItem, w, fo, oy, ox);
                            out[outAt + (fo * oh + oy) * ow + ox] = b == null ? s : s + b[fo];
                        }
                    }
                }
            }
        });
    }

    /** Σ over filter fo's taps of w · x for output (oy, ox) of the image at xAt. */
    private static float window(ConvChannels c, WindowGeometry g, float[] x, int xAt, float[] w, int fo, int oy, int ox) {
        int cg = c.inChannels() / c.groups(), c0 = fo / (c.outChannels() / c.groups()) * cg;
        int h = g.inH(), wd = g.inW(), kh = g.kH(), kw = g.kW();
        float s = 0f;
        for (int ci = 0; ci < cg; ci++) {
            for (int i = 0; i < kh; i++) {
                int iy = oy * g.strideH() - g.padTop() + i * g.dilationH();
                if (iy < 0 || iy >= h) continue;
                for (int j = 0; j < kw; j++) {
                    int ix = ox * g.strideW() - g.padLeft() + j * g.dilationW();
                    if (ix < 0 || ix >= wd) continue;
                    s += w[((fo * cg + ci) * kh + i) * kw + j] * x[xAt + ((c0 + ci) * h + iy) * wd + ix];
                }
            }
        }
        return s;
    }

    /** dX (when not null) overwritten, dW and dB (when not null) added into; shapes as {@link ConvKernels}. */
    static void backward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                         float[] dX, float[] dW, float[] dB) {
        int f = c.outChannels(), cg = c.inChannels() / c.groups(), fg = f / c.groups();
        int h = g.inH(), wd = g.inW(), kh = g.kH(), kw = g.kW(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        int xItem = c.inChannels() * h * wd, wSize = f * cg * kh * kw, partialSize = wSize + (dB != null ? f : 0);
        int grain = Chunks.grain(n);
        float[][] partials = new float[Parallel.chunkCount(n, grain)][partialSize];
        Parallel.forChunks(n, grain, (lo, hi) -> {
            float[] partial = partials[lo / grain];   // [F·Cg·KH·KW] dW, then [F] dB
            for (int item = lo; item < hi; item++) {
                int xAt = item * xItem, dOutAt = item * f * p;
                // dW: per weight, one sum over this image's positions, then added to the chunk's partial.
                for (int fo = 0; fo < f; fo++) {
                    int c0 = fo / fg * cg;
                    for (int ci = 0; ci < cg; ci++) {
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                float s = 0f;
                                for (int oy = 0; oy < oh; oy++) {
                                    int iy = oy * g.strideH() - g.padTop() + i * g.dilationH();
                                    if (iy < 0 || iy >= h) continue;
                                    for (int ox = 0; ox < ow; ox++) {
                                        int ix = ox * g.strideW() - g.padLeft() + j * g.dilationW();
                                        if (ix < 0 || ix >= wd) continue;
                                        s += x[xAt + ((c0 + ci) * h + iy) * wd + ix] * dOut[dOutAt + fo * p + oy * ow + ox];
                                    }
                                }
                                partial[((fo * cg + ci) * kh + i) * kw + j] += s;
                            }
                        }
                    }
                }
                if (dB != null) BiasGrad.addImage(dOut, dOutAt, f, p, partial, wSize);
                if (dX == null) continue;
                // dX: every output's dOut back along the taps that read each input.
                Arrays.fill(dX, xAt, xAt + xItem, 0f);
                for (int fo = 0; fo < f; fo++) {
                    int c0 = fo / fg * cg;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float d = dOut[dOutAt + fo * p + oy * ow + ox];
                            for (int ci = 0; ci < cg; ci++) {
                                for (int i = 0; i < kh; i++) {
                                    int iy = oy * g.strideH() - g.padTop() + i * g.dilationH();
                                    if (iy < 0 || iy >= h) continue;
                                    for (int j = 0; j < kw; j++) {
                                        int ix = ox * g.strideW() - g.padLeft() + j * g.dilationW();
                                        if (ix < 0 || ix >= wd) continue;
                                        dX[xAt + ((c0 + ci) * h + iy) * wd + ix] += w[((fo * cg + ci) * kh + i) * kw + j] * d;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        for (int i = 0; i < wSize; i++) {
            float s = 0f;
            for (float[] part : partials) s += part[i];
            dW[i] += s;
        }
        if (dB != null) BiasGrad.reduce(partials, wSize, f, dB);
    }
}
