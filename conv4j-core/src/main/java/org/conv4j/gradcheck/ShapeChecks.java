package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.conv4j.layers.Layer;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptiveMaxPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.shape.ChannelShuffle;
import org.conv4j.shape.Pad2d;
import org.conv4j.shape.PadConfig;
import org.conv4j.shape.Slice;
import org.conv4j.shape.SliceConfig;
import org.conv4j.shape.Upsample;
import org.conv4j.shape.UpsampleConfig;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Gradient checks of the spatial layers (Pad2d, the adaptive pools, Upsample, ChannelShuffle, Slice), done
 * as {@link LayerChecks#checkLayer} does them: the float backward against centred differences of a
 * double-precision forward written here from torch's definitions, not from the layers' index maps.
 * Adaptive max pooling gets inputs whose values are all distinct and far apart, so no bin has a tie.
 */
public final class ShapeChecks {
    private ShapeChecks() {}

    /** A double forward of one NCHW input, the layer having no parameters. */
    @FunctionalInterface
    interface Ref {
        double[] apply(double[] x);
    }

    /** {@return a new list of the Pad2d, adaptive pool, Upsample, ChannelShuffle and Slice cases} */
    public static List<CheckCase> cases() {
        List<CheckCase> c = new ArrayList<>();
        PadConfig.Mode constant = PadConfig.Mode.CONSTANT, reflect = PadConfig.Mode.REFLECT, replicate = PadConfig.Mode.REPLICATE;
        pad(c, PadConfig.of(1, 2, 0, 3), new int[] {2, 3, 4, 5});
        pad(c, PadConfig.of(-1, 2, 1, -2).withValue(0.75f), new int[] {1, 2, 5, 6});
        pad(c, PadConfig.of(2, 3, 1, 2).withMode(reflect), new int[] {2, 2, 4, 5});
        pad(c, PadConfig.of(3, 3, 2, 2).withMode(reflect), new int[] {1, 1, 3, 4});
        pad(c, PadConfig.of(2, 1, 3, 0).withMode(replicate), new int[] {1, 2, 3, 4});
        pad(c, PadConfig.of(2, 2, 1, 3).withMode(replicate), new int[] {2, 3, 1, 1});
        pad(c, PadConfig.of(1).withMode(constant), new int[] {1, 1, 1, 1});

        int[][][] adaptive = {{{2, 3, 5, 7}, {3, 4}}, {{1, 2, 3, 5}, {5, 7}}, {{1, 2, 7, 6}, {2, 2}}, {{2, 3, 4, 5}, {1, 1}},
                {{2, 2, 1, 1}, {2, 3}}, {{1, 1, 9, 4}, {4, 3}}};
        for (int[][] a : adaptive) {
            adaptive(c, false, AdaptivePoolConfig.of(a[1][0], a[1][1]), a[0]);
            adaptive(c, true, AdaptivePoolConfig.of(a[1][0], a[1][1]), a[0]);
        }

        UpsampleConfig.Mode nearest = UpsampleConfig.Mode.NEAREST, exact = UpsampleConfig.Mode.NEAREST_EXACT,
                bilinear = UpsampleConfig.Mode.BILINEAR;
        for (UpsampleConfig.Mode m : new UpsampleConfig.Mode[] {nearest, exact, bilinear}) {
            upsample(c, UpsampleConfig.scale(1.7).withMode(m), new int[] {2, 2, 5, 6});
            upsample(c, UpsampleConfig.scale(2.3, 0.6).withMode(m), new int[] {1, 2, 5, 7});
            upsample(c, UpsampleConfig.scale(1.1).withMode(m), new int[] {1, 2, 5, 5});
            upsample(c, UpsampleConfig.scale(1.7).withMode(m).withRecomputeScaleFactor(true), new int[] {1, 2, 5, 6});
            upsample(c, UpsampleConfig.size(7, 9).withMode(m), new int[] {2, 1, 3, 4});
            upsample(c, UpsampleConfig.size(3, 2).withMode(m), new int[] {1, 2, 1, 1});
        }
        upsample(c, UpsampleConfig.scale(1.7).withMode(bilinear).withAlignCorners(true), new int[] {1, 2, 5, 6});
        upsample(c, UpsampleConfig.size(7, 9).withMode(bilinear).withAlignCorners(true), new int[] {2, 1, 3, 4});
        upsample(c, UpsampleConfig.size(1, 3).withMode(bilinear).withAlignCorners(true), new int[] {1, 2, 4, 5});

        shuffle(c, 2, new int[] {2, 6, 3, 4});
        shuffle(c, 3, new int[] {1, 6, 2, 2});
        shuffle(c, 4, new int[] {1, 8, 1, 1});
        shuffle(c, 2, new int[] {2, 6, 5});

        slice(c, SliceConfig.of(1, 1, 4), new int[] {2, 6, 3, 3});
        slice(c, SliceConfig.of(-1).withStart(-3), new int[] {1, 2, 3, 5});
        slice(c, SliceConfig.of(2, -100, 2), new int[] {2, 2, 4, 3});
        slice(c, SliceConfig.of(1).withStart(1).withStep(2), new int[] {1, 7, 2, 2});
        slice(c, SliceConfig.of(1, 2, 9).withStep(3), new int[] {3, 10});
        slice(c, SliceConfig.of(3, 0, 1), new int[] {1, 2, 1, 1});
        return c;
    }

    // ------------------------------------------------------------------ case builders

    private static void add(List<CheckCase> c, String name, String settings, int[] shape, Supplier<Layer> make, Ref ref,
                            boolean distinct) {
        String config = settings + " x" + Shapes.show(shape);
        long seed = 900 + c.size();
        c.add(new CheckCase(name, config, () -> {
            Rng rng = new Rng(seed);
            Tensor x = distinct ? distinct(rng, shape) : LayerChecks.uniform(rng, 2, shape);
            return LayerChecks.checkLayer(name, config, make.get(), x, (xs, ps) -> ref.apply(xs), seed + 1000);
        }));
    }

    private static void pad(List<CheckCase> c, PadConfig p, int[] s) {
        add(c, "Pad2d", p.describe(), s, () -> new Pad2d(p), x -> pad(p, s, x), false);
    }

    private static void adaptive(List<CheckCase> c, boolean max, AdaptivePoolConfig p, int[] s) {
        String name = max ? "AdaptiveMaxPool2d" : "AdaptiveAvgPool2d";
        add(c, name, "output " + p.outH() + "x" + p.outW(), s,
                () -> max ? new AdaptiveMaxPool2d(p) : new AdaptiveAvgPool2d(p), x -> adaptive(max, p, s, x), max);
    }

    private static void upsample(List<CheckCase> c, UpsampleConfig u, int[] s) {
        add(c, "Upsample", u.describe(), s, () -> new Upsample(u), x -> upsample(u, s, x), false);
    }

    private static void shuffle(List<CheckCase> c, int groups, int[] s) {
        add(c, "ChannelShuffle", "groups=" + groups, s, () -> new ChannelShuffle(groups), x -> shuffle(groups, s, x), false);
    }

    private static void slice(List<CheckCase> c, SliceConfig k, int[] s) {
        add(c, "Slice", k.describe(), s, () -> new Slice(k), x -> slice(k, s, x), false);
    }

    // ------------------------------------------------------------------ double references

    /** torch.nn.functional.pad: each output cell's source found by the mode's rule, or the fill value. */
    static double[] pad(PadConfig p, int[] s, double[] x) {
        int h = s[2], w = s[3], oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        double[] y = new double[s[0] * s[1] * oh * ow];
        for (int pl = 0; pl < s[0] * s[1]; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int r = source(i - p.top(), h, p.mode()), q = source(j - p.left(), w, p.mode());
                    y[(pl * oh + i) * ow + j] = r < 0 || q < 0 ? p.value() : x[(pl * h + r) * w + q];
                }
            }
        }
        return y;
    }

    private static int source(int i, int n, PadConfig.Mode mode) {
        if (i >= 0 && i < n) return i;
        return switch (mode) {
            case CONSTANT -> -1;
            case REFLECT -> i < 0 ? -i : 2 * n - 2 - i;   // mirror about the edge cell, which is not repeated
            case REPLICATE -> i < 0 ? 0 : n - 1;
        };
    }

    /** Mean or max over bins [floor(i·H/OH), ceil((i+1)·H/OH)), the bounds taken in double. */
    static double[] adaptive(boolean max, AdaptivePoolConfig p, int[] s, double[] x) {
        int h = s[2], w = s[3], oh = p.outH(), ow = p.outW();
        double[] y = new double[s[0] * s[1] * oh * ow];
        for (int pl = 0; pl < s[0] * s[1]; pl++) {
            for (int i = 0; i < oh; i++) {
                int h0 = (int) Math.floor((double) i * h / oh), h1 = (int) Math.ceil((double) (i + 1) * h / oh);
                for (int j = 0; j < ow; j++) {
                    int w0 = (int) Math.floor((double) j * w / ow), w1 = (int) Math.ceil((double) (j + 1) * w / ow);
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int r = h0; r < h1; r++) {
                        for (int q = w0; q < w1; q++) {
                            double v = x[(pl * h + r) * w + q];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(pl * oh + i) * ow + j] = max ? acc : acc / ((h1 - h0) * (w1 - w0));
                }
            }
        }
        return y;
    }

    /**
     * interpolate: nearest reads x at ⌊o·step⌋ (nearest-exact at ⌊(o+½)·step⌋), clamped, with torch's
     * float32 step; bilinear mixes the two neighbours of the source coordinate (half-pixel centres clamped
     * at 0, or corners aligned; rounded to float as torch holds it), an axis of unchanged size being copied
     * as torch 1.13 does.
     */
    static double[] upsample(UpsampleConfig u, int[] s, double[] x) {
        int h = s[2], w = s[3];
        int oh = u.hasSize() ? u.sizeH() : (int) (h * u.scaleH()), ow = u.hasSize() ? u.sizeW() : (int) (w * u.scaleW());
        double[][] rows = taps(u, h, oh, u.scaleH()), cols = taps(u, w, ow, u.scaleW());
        double[] y = new double[s[0] * s[1] * oh * ow];
        for (int pl = 0; pl < s[0] * s[1]; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double v = 0;
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            v += rows[i][2 + a] * cols[j][2 + b] * x[(pl * h + (int) rows[i][a]) * w + (int) cols[j][b]];
                        }
                    }
                    y[(pl * oh + i) * ow + j] = v;
                }
            }
        }
        return y;
    }

    /** Per output index: {low index, high index, low weight, high weight}. */
    private static double[][] taps(UpsampleConfig u, int in, int out, double scale) {
        double[][] t = new double[out][];
        boolean byScale = !u.hasSize() && !u.recomputeScaleFactor();
        float step = byScale ? (float) (1.0 / scale) : (float) in / out;
        for (int o = 0; o < out; o++) {
            switch (u.mode()) {
                case NEAREST, NEAREST_EXACT -> {
                    double pos = u.mode() == UpsampleConfig.Mode.NEAREST ? (float) o * step : (float) ((o + 0.5) * step);
                    int i = Math.min((int) Math.floor(pos), in - 1);
                    t[o] = new double[] {i, i, 1, 0};
                }
                case BILINEAR -> {
                    // the source coordinate rounded to float as torch's float32 kernel holds it; the weights
                    // then follow from it in double
                    double pos;
                    if (u.alignCorners()) pos = out > 1 ? (float) (in - 1) / (out - 1) * (float) o : 0;
                    else if (in == out) pos = o;
                    else pos = (float) Math.max(0, step * (o + 0.5) - 0.5);
                    int i0 = Math.min((int) Math.floor(pos), in - 1), i1 = Math.min(i0 + 1, in - 1);
                    double f = i1 == i0 ? 0 : pos - i0;
                    t[o] = new double[] {i0, i1, 1 - f, f};
                }
            }
        }
        return t;
    }

    /** torch.nn.ChannelShuffle's definition: view [N, G, C/G, S], swap G and C/G, flatten. */
    static double[] shuffle(int g, int[] s, double[] x) {
        int n = s[0], c = s[1], per = c / g, plane = Shapes.size(s) / (n * c);
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int gi = 0; gi < g; gi++) {
                for (int k = 0; k < per; k++) {
                    for (int e = 0; e < plane; e++) y[((b * c) + k * g + gi) * plane + e] = x[((b * c) + gi * per + k) * plane + e];
                }
            }
        }
        return y;
    }

    /** Python's x[..., start:end:step] along dim, the indices listed as Python's slice.indices lists them. */
    static double[] slice(SliceConfig k, int[] s, double[] x) {
        int d = k.dim() < 0 ? k.dim() + s.length : k.dim(), size = s[d];
        List<Integer> picked = new ArrayList<>();
        long start = k.start() < 0 ? Math.max(0L, (long) k.start() + size) : Math.min(k.start(), size);
        long end = k.end() < 0 ? Math.max(0L, (long) k.end() + size) : Math.min(k.end(), size);
        for (long i = start; i < end; i += k.step()) picked.add((int) i);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        double[] y = new double[outer * picked.size() * inner];
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (int i : picked) for (int e = 0; e < inner; e++) y[at++] = x[(o * size + i) * inner + e];
        }
        return y;
    }

    // ------------------------------------------------------------------ data

    /** The values −2 + 4(k+½)/size for k = 0..size−1, shuffled: distinct and 4/size apart, far wider than the step. */
    private static Tensor distinct(Rng rng, int... shape) {
        Tensor t = new Tensor(shape);
        int[] order = new int[t.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        rng.shuffle(order);
        for (int i = 0; i < order.length; i++) t.data()[i] = (float) (-2 + 4 * (order[i] + 0.5) / order.length);
        return t;
    }
}
