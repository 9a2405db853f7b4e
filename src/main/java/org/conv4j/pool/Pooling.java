package org.conv4j.pool;

import java.util.Arrays;
import org.conv4j.conv.ConvGeometry;
import org.conv4j.kernels.Elementwise;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;

/**
 * The pooling kernels shared by the pool layers and {@code F}: one image plane at a time, planes in
 * parallel (no reduction crosses planes, so the thread count cannot change a result). Window bounds come
 * from {@link ConvGeometry}. Checked against {@link ReferencePool}.
 *
 * <p>Layout: x [N·C planes of H×W], out [N·C planes of OH×OW].
 */
public final class Pooling {
    private Pooling() {}

    /** 2×2 windows, stride 2, no padding or dilation, every window inside the input. */
    static boolean isPlain2x2(ConvGeometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.dilationH() == 1
                && g.dilationW() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.padBottom() == 0 && g.padRight() == 0
                && g.outH() == g.inH() / 2 && g.outW() == g.inW() / 2;
    }

    private static int grain(ConvGeometry g) {
        return Math.max(1, 16384 / Math.max(1, g.outH() * g.outW() * g.kH() * g.kW()));
    }

    /**
     * Max over each window; padded cells never win. Like torch, the first maximum in row-major window
     * order is taken, and a NaN wins over every number.
     *
     * @param argmax [N·C·OH·OW] receives the flat index into x of each output's maximum (-1 if the window
     *               holds no input cell)
     */
    public static void maxForward(ConvGeometry g, int planes, float[] x, float[] out, int[] argmax) {
        maxForward(g, planes, x, out, argmax, false);
    }

    /**
     * {@link #maxForward(ConvGeometry, int, float[], float[], int[])}, with {@code relu} over ReLU's outputs
     * (v &lt; 0 → +0) instead of x: values and argmax bitwise those of a ReLU layer followed by this pool.
     */
    public static void maxForward(ConvGeometry g, int planes, float[] x, float[] out, int[] argmax, boolean relu) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        if (isPlain2x2(g)) {
            // The common 2×2/stride-2 case on the branch-free kernel (same result, tested against this loop).
            Elementwise ew = Kernels.elementwise();
            Parallel.forChunks(planes, grain(g), (lo, hi) ->
                    ew.maxPool2x2(hi - lo, h, w, x, lo * h * w, out, argmax, lo * oh * ow, relu));
            return;
        }
        Parallel.forChunks(planes, grain(g), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xBase = pl * h * w, oBase = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * g.strideH() - g.padTop(), y1 = Math.min(y0 + g.kH(), h);
                    y0 = Math.max(y0, 0);
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * g.strideW() - g.padLeft(), x1 = Math.min(x0 + g.kW(), w);
                        x0 = Math.max(x0, 0);
                        float best = Float.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int idx = xBase + iy * w + ix;
                                float v = x[idx];
                                if (relu && v < 0f) v = 0f;   // ReLU's rule: −0 and NaN stay
                                if (at < 0 || v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                                    best = v;
                                    at = idx;
                                }
                            }
                        }
                        out[oBase + oy * ow + ox] = at < 0 ? 0f : best;
                        argmax[oBase + oy * ow + ox] = at;
                    }
                }
            }
        });
    }

    /** dX = dOut routed to each window's maximum (summed where windows share it); dX is overwritten. */
    public static void maxBackward(ConvGeometry g, int planes, float[] dOut, int[] argmax, float[] dX) {
        int hw = g.inH() * g.inW(), ohw = g.outH() * g.outW();
        Parallel.forChunks(planes, grain(g), (lo, hi) -> {
            Arrays.fill(dX, lo * hw, hi * hw, 0f);
            for (int o = lo * ohw; o < hi * ohw; o++) {
                int at = argmax[o];
                if (at >= 0) dX[at] += dOut[o];
            }
        });
    }

    /**
     * Mean over each window, with torch's divisor: when {@code countIncludePad} the window clipped to the
     * padded input (so ceil-mode overhang beyond the padding does not count), otherwise the input cells only.
     */
    public static void avgForward(ConvGeometry g, boolean countIncludePad, int planes, float[] x, float[] out) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        Parallel.forChunks(planes, grain(g), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xBase = pl * h * w, oBase = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        Window win = window(g, countIncludePad, oy, ox);
                        float s = 0f;
                        for (int iy = win.y0; iy < win.y1; iy++) {
                            for (int ix = win.x0; ix < win.x1; ix++) s += x[xBase + iy * w + ix];
                        }
                        out[oBase + oy * ow + ox] = win.divisor == 0 ? 0f : s / win.divisor;
                    }
                }
            }
        });
    }

    /** dX[cell] = Σ over the windows holding it of dOut / divisor; dX is overwritten. */
    public static void avgBackward(ConvGeometry g, boolean countIncludePad, int planes, float[] dOut, float[] dX) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        Parallel.forChunks(planes, grain(g), (lo, hi) -> {
            Arrays.fill(dX, lo * h * w, hi * h * w, 0f);
            for (int pl = lo; pl < hi; pl++) {
                int xBase = pl * h * w, oBase = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        Window win = window(g, countIncludePad, oy, ox);
                        if (win.divisor == 0) continue;
                        float d = dOut[oBase + oy * ow + ox] / win.divisor;
                        for (int iy = win.y0; iy < win.y1; iy++) {
                            for (int ix = win.x0; ix < win.x1; ix++) dX[xBase + iy * w + ix] += d;
                        }
                    }
                }
            }
        });
    }

    /** Input cells [y0, y1) × [x0, x1) of one window and the divisor torch uses for it. */
    private record Window(int y0, int y1, int x0, int x1, int divisor) {}

    private static Window window(ConvGeometry g, boolean countIncludePad, int oy, int ox) {
        int h = g.inH(), w = g.inW();
        int y0 = oy * g.strideH() - g.padTop(), x0 = ox * g.strideW() - g.padLeft();
        int y1 = Math.min(y0 + g.kH(), h + g.padBottom()), x1 = Math.min(x0 + g.kW(), w + g.padRight());
        int padded = (y1 - y0) * (x1 - x0);
        y0 = Math.max(y0, 0);
        x0 = Math.max(x0, 0);
        y1 = Math.min(y1, h);
        x1 = Math.min(x1, w);
        if (y0 >= y1 || x0 >= x1) return new Window(0, 0, 0, 0, 0);
        return new Window(y0, y1, x0, x1, countIncludePad ? padded : (y1 - y0) * (x1 - x0));
    }
}
