package org.conv4j.pool;

import java.util.Arrays;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.pool.PoolKernels;
import org.conv4j.tensor.WindowGeometry;

/**
 * The pooling kernels shared by the pool layers and {@code F}: one image plane at a time, planes in
 * parallel (no reduction crosses planes, so the thread count cannot change a result). Window bounds come
 * from {@link WindowGeometry}. Checked against {@link ReferencePool}.
 *
 * <p>Layout: x [N·C planes of H×W], out [N·C planes of OH×OW].
 */
public final class Pooling {
    private Pooling() {}

    /** 2×2 windows, stride 2, no padding or dilation, every window inside the input. */
    static boolean isPlain2x2(WindowGeometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.dilationH() == 1
                && g.dilationW() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.padBottom() == 0 && g.padRight() == 0
                && g.outH() == g.inH() / 2 && g.outW() == g.inW() / 2;
    }

    private static int grain(WindowGeometry g) {
        return Math.max(1, 16384 / Math.max(1, g.outH() * g.outW() * g.kH() * g.kW()));
    }

    /**
     * Max over each window; padded cells never win. Like torch, the first maximum in row-major window
     * order is taken, and a NaN wins over every number.
     *
     * @param g      the window geometry, H×W → OH×OW
     * @param planes N·C, the number of planes
     * @param x      [N·C planes of H×W]
     * @param out    [N·C planes of OH×OW], overwritten
     * @param argmax [N·C·OH·OW] receives the flat index into x of each output's maximum (-1 if the window
     *               holds no input cell)
     */
    public static void maxForward(WindowGeometry g, int planes, float[] x, float[] out, int[] argmax) {
        maxForward(g, planes, x, out, argmax, false);
    }

    /**
     * {@link #maxForward(WindowGeometry, int, float[], float[], int[])}, with {@code relu} over ReLU's outputs
     * (v &lt; 0 → +0) instead of x: values and argmax bitwise those of a ReLU layer followed by this pool.
     *
     * @param g      the window geometry, H×W → OH×OW
     * @param planes N·C, the number of planes
     * @param x      [N·C planes of H×W]
     * @param out    [N·C planes of OH×OW], overwritten
     * @param argmax [N·C·OH·OW] receives the flat index into x of each output's maximum (-1 if the window
     *               holds no input cell)
     * @param relu   pool max(x, 0) instead of x
     */
    public static void maxForward(WindowGeometry g, int planes, float[] x, float[] out, int[] argmax, boolean relu) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        if (isPlain2x2(g)) {
            // The common 2×2/stride-2 case on the branch-free kernel (same result, tested against maxForwardLoop).
            PoolKernels ew = Kernels.pool();
            Parallel.forChunks(planes, grain(g), (lo, hi) ->
                    ew.maxPool2x2(hi - lo, h, w, x, lo * h * w, out, argmax, lo * oh * ow, relu));
            return;
        }
        if (isSeparable(g)) {
            // Rows, then columns, on the vector kernels: a 3×3 window costs 3 + 3 comparisons, not 9. Same
            // values and argmax as maxForwardLoop: the first maximum in row-major order is the topmost of the
            // rows' leftmost maxima.
            PoolKernels ew = Kernels.pool();
            float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
            Parallel.forChunks(planes, grain(g), (lo, hi) -> {
                float[][] rows = scratch(h * ow, h * ow, 0);
                float[] best = rows[0], at = rows[1];
                for (int pl = lo; pl < hi; pl++) {
                    ew.maxPoolRows(h, w, g.kW(), g.strideW(), g.padLeft(), ow, x, pl * h * w, floor, best, at);
                    ew.maxPoolColumns(h, g.kH(), g.strideH(), g.padTop(), oh, ow, best, at, out, argmax, pl * oh * ow, pl * h * w);
                }
            });
            return;
        }
        maxForwardLoop(g, planes, x, out, argmax, relu);
    }

    /**
     * Max pooling's values alone, for inference: bitwise {@link #maxForward(WindowGeometry, int, float[], float[], int[], boolean)}'s
     * {@code out}. The common 2×2/stride-2 case skips the argmax entirely; other windows compute it into scratch.
     *
     * @param g      the window geometry, H×W → OH×OW
     * @param planes N·C, the number of planes
     * @param x      [N·C planes of H×W]
     * @param out    [N·C planes of OH×OW], overwritten
     * @param relu   pool max(x, 0) instead of x
     */
    public static void maxValues(WindowGeometry g, int planes, float[] x, float[] out, boolean relu) {
        if (isPlain2x2(g)) {
            int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
            PoolKernels ew = Kernels.pool();
            Parallel.forChunks(planes, grain(g), (lo, hi) -> ew.maxPool2x2Values(hi - lo, h, w, x, lo * h * w, out, lo * oh * ow, relu));
            return;
        }
        maxForward(g, planes, x, out, new int[out.length], relu);
    }

    /**
     * {@link #maxForward} as a plain loop over windows and their cells in row-major order: the readable
     * reference the kernels above are tested against, and the path for what they do not take: dilation,
     * windows without an input cell (F takes any geometry), planes of 2^24 cells or more.
     */
    static void maxForwardLoop(WindowGeometry g, int planes, float[] x, float[] out, int[] argmax, boolean relu) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
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

    /**
     * Whether the pools may take rows then columns: no dilation, every window holds a cell of the input,
     * and plane-relative indices are exact in a float (below 2^24).
     */
    static boolean isSeparable(WindowGeometry g) {
        return g.dilationH() == 1 && g.dilationW() == 1 && g.outH() > 0 && g.outW() > 0
                && g.kH() > g.padTop() && g.kW() > g.padLeft()
                && (g.outH() - 1) * g.strideH() - g.padTop() < g.inH() && (g.outW() - 1) * g.strideW() - g.padLeft() < g.inW()
                && (long) g.inH() * g.inW() < 1 << 24;
    }

    /**
     * Per thread, three buffers of at least the given lengths, kept for the next call: the row pass's
     * maxima and their indices (max pool), or its sums and the divisors' row and column factors (average).
     */
    private static float[][] scratch(int len0, int len1, int len2) {
        float[][] s = SCRATCH.get();
        ensure(s, 0, len0);
        ensure(s, 1, len1);
        ensure(s, 2, len2);
        return s;
    }

    private static void ensure(float[][] s, int i, int len) {
        if (s[i].length >= len) return;
        s[i] = null;   // the old buffer can go before the new one is allocated
        s[i] = new float[len];
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {{}, {}, {}});

    /**
     * dX = dOut routed to each window's maximum (summed where windows share it); dX is overwritten.
     *
     * @param g      the window geometry of the forward
     * @param planes N·C, the number of planes
     * @param dOut   [N·C planes of OH×OW]
     * @param argmax [N·C·OH·OW], as {@link #maxForward} filled it
     * @param dX     [N·C planes of H×W], overwritten
     */
    public static void maxBackward(WindowGeometry g, int planes, float[] dOut, int[] argmax, float[] dX) {
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
     * The sum adds each window row's cells left to right, then the row sums top to bottom (the vector
     * kernels' order); geometries they do not take (see {@link #isSeparable}) add the cells in row-major order.
     *
     * @param g               the window geometry, H×W → OH×OW
     * @param countIncludePad divide by the window clipped to the padded input, not by its input cells
     * @param planes          N·C, the number of planes
     * @param x               [N·C planes of H×W]
     * @param out             [N·C planes of OH×OW], overwritten; 0 where a window holds no cell
     */
    public static void avgForward(WindowGeometry g, boolean countIncludePad, int planes, float[] x, float[] out) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        if (isSeparable(g)) {
            // Rows, then columns, on the vector kernels. Torch's divisor is the window's height times its
            // width (with or without padding), so it too comes as a factor per output row and per column.
            PoolKernels ew = Kernels.pool();
            avgPlanes(g, countIncludePad, planes, (pl, sums, rowDiv, colDiv) -> {
                ew.avgPoolRows(h, w, g.kW(), g.strideW(), g.padLeft(), ow, x, pl * h * w, sums);
                ew.avgPoolColumns(h, g.kH(), g.strideH(), g.padTop(), oh, ow, sums, rowDiv, colDiv, out, pl * oh * ow);
            });
            return;
        }
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

    /**
     * dX[cell] = Σ over the windows holding it of dOut / divisor; dX is overwritten.
     *
     * @param g               the window geometry of the forward
     * @param countIncludePad the divisor rule of the forward
     * @param planes          N·C, the number of planes
     * @param dOut            [N·C planes of OH×OW]
     * @param dX              [N·C planes of H×W], overwritten
     */
    public static void avgBackward(WindowGeometry g, boolean countIncludePad, int planes, float[] dOut, float[] dX) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        if (isSeparable(g)) {
            PoolKernels ew = Kernels.pool();
            avgPlanes(g, countIncludePad, planes, (pl, dSums, rowDiv, colDiv) -> {
                ew.avgPoolColumnsBackward(h, g.kH(), g.strideH(), g.padTop(), oh, ow, dOut, pl * oh * ow, rowDiv, colDiv, dSums);
                ew.avgPoolRowsBackward(h, w, g.kW(), g.strideW(), g.padLeft(), ow, dSums, dX, pl * h * w);
            });
            return;
        }
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

    /** One plane of an average pool's forward or backward, given this thread's row buffer and divisor factors. */
    @FunctionalInterface
    private interface AvgPlane {
        void run(int plane, float[] rows, float[] rowDiv, float[] colDiv);
    }

    /** Runs {@code pass} for every plane, planes split over the pool, each thread with its own buffers. */
    private static void avgPlanes(WindowGeometry g, boolean countIncludePad, int planes, AvgPlane pass) {
        Parallel.forChunks(planes, grain(g), (lo, hi) -> {
            float[][] s = scratch(g.inH() * g.outW(), g.outH(), g.outW());
            divisors(g, countIncludePad, s[1], s[2]);
            for (int pl = lo; pl < hi; pl++) pass.run(pl, s[0], s[1], s[2]);
        });
    }

    /**
     * The row factor of each output row's divisor into rowDiv[0, OH) and the column factor of each output
     * column's into colDiv[0, OW): the window's extent clipped to the padded input if {@code countIncludePad},
     * else to the input, as {@link #window} takes them.
     */
    private static void divisors(WindowGeometry g, boolean countIncludePad, float[] rowDiv, float[] colDiv) {
        for (int oy = 0; oy < g.outH(); oy++) {
            rowDiv[oy] = extent(oy * g.strideH() - g.padTop(), g.kH(), g.inH(), g.padBottom(), countIncludePad);
        }
        for (int ox = 0; ox < g.outW(); ox++) {
            colDiv[ox] = extent(ox * g.strideW() - g.padLeft(), g.kW(), g.inW(), g.padRight(), countIncludePad);
        }
    }

    /** Cells of the window [start, start + k) within [start, n + padEnd), and, unless padding counts, within [0, n). */
    private static int extent(int start, int k, int n, int padEnd, boolean countIncludePad) {
        int end = Math.min(start + k, n + padEnd);
        return countIncludePad ? end - start : Math.min(end, n) - Math.max(start, 0);
    }

    /** Input cells [y0, y1) × [x0, x1) of one window and the divisor torch uses for it. */
    private record Window(int y0, int y1, int x0, int x1, int divisor) {}

    private static Window window(WindowGeometry g, boolean countIncludePad, int oy, int ox) {
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
