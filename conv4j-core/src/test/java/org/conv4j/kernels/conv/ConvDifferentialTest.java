package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.kernels.Kernels;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * A seeded random differential test of every convolution path against {@link ReferenceConv2d}'s double
 * loops, forward and all three gradients: im2col, and the direct and Winograd kernels of both families (the
 * one {@link Kernels#conv} chose and {@link ScalarConvKernels}) called by name wherever they apply (what
 * {@code -Dconv4j.conv} forces), and {@link ConvAlgorithm}'s automatic choice. Cases range over
 * inputs from 1×1, kernels 1–5 per axis, stride and dilation 1–3 per axis, every padding per side from 0 to
 * the kernel (so outputs narrower than the padding), "same", groups including depthwise, batch 1–3, with
 * and without bias. A failure names the case's seed and configuration; replay one case with
 * {@code -Dconv4j.diff.seed=S} (and more or fewer cases with {@code -Dconv4j.diff.cases=K}).
 *
 * <p><b>Tolerance.</b> Every element is a sum of L products (forward: Cg·KH·KW plus the bias; dX: at most
 * Fg·KH·KW; dW and dB: N·OH·OW). Summed in any order, with or without fused multiply-adds, the float
 * result is within (L + 1)·u·Σ|terms| of the exact sum to first order (u = 2⁻²⁴: one rounding per product,
 * at most L − 1 on the way to the root of any addition tree, each bounded by u times a partial sum of
 * |terms|); Σ|terms| per element is the oracle run on |x|, |w|, |b| and |dOut|. The bound is used with a
 * factor 2 for the second-order terms, and is zero where an output reads padding only. Winograd's forward
 * and dX have their own bound, 9·(C + 8)·u·S_t (see {@link VectorWinograd}), and its dW
 * {@link VectorWinogradWeightGrad}'s, 16·(T + 16)·u·Σ_t ‖d‖₁‖dY‖₁.
 */
class ConvDifferentialTest {
    private static final double U = Math.ulp(1f) / 2;   // 2⁻²⁴
    private static final long SEED = Long.getLong("conv4j.diff.seed", 20261207L);
    private static final int CASES = Integer.getInteger("conv4j.diff.cases", 3000);

    /** The four crashes (padding wider than the output), through every path and through the layer. */
    @Test
    void paddingWiderThanTheOutput() {
        Conv2dConfig[] cases = {
                Conv2dConfig.of(4, 4, 5).same(),
                Conv2dConfig.of(2, 3, 5).withPadding(2),
                Conv2dConfig.of(3, 8, 3).withDilation(2).same(),
                Conv2dConfig.of(4, 4, 5).withPadding(2).depthwise()};
        for (Conv2dConfig cfg : cases) {
            for (int n : new int[] {1, 3}) {
                checkCase(cfg, n, 1, 1, 31L * n + cfg.outChannels(), "regression " + cfg.describe());
                Conv2d layer = new Conv2d(cfg, new Rng(5));
                Tensor x = new Tensor(n, cfg.inChannels(), 1, 1).fill(1f);
                Tensor y = layer.forward(x);
                assertEquals(List4.of(n, cfg.outChannels(), 1, 1), List4.of(y.shape()), cfg.describe());
                Tensor dX = layer.backward(new Tensor(y.shape()).fill(1f));
                assertEquals(List4.of(x.shape()), List4.of(dX.shape()), cfg.describe());
            }
        }
    }

    @Test
    void everyPathAgreesWithTheOracleOnRandomCases() {
        long only = Long.getLong("conv4j.diff.seed", -1L);
        int cases = Long.getLong("conv4j.diff.seed") != null ? 1 : CASES;
        int[] ran = new int[4];   // cases computed by direct, by Winograd, by Winograd's dW, by the depthwise forward
        for (int i = 0; i < cases; i++) {
            long seed = only >= 0 && cases == 1 ? only : SEED * 1_000_003L + i;
            Case c = Case.random(seed);
            String what = "seed " + seed + " (replay: -Dconv4j.diff.seed=" + seed + "): " + c;
            try {
                int[] r = checkCase(c.cfg, c.n, c.h, c.w, seed, what);
                for (int k = 0; k < 4; k++) ran[k] += r[k];
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                fail(what + " threw " + e, e);
            }
        }
        System.out.printf("ConvDifferentialTest: %d cases from seed %d; direct %d, Winograd %d, Winograd dW %d, depthwise %d%n",
                cases, SEED, ran[0], ran[1], ran[2], ran[3]);
        if (cases == CASES && CASES >= 1000) {
            // The generator must reach every path often, or the test would pass by not trying.
            assertTrue(ran[0] >= CASES / 10 && ran[1] >= CASES / 20 && ran[2] >= 5,
                    "paths reached: " + Arrays.toString(ran));
        }
    }

    /** One random case: a configuration valid for an h×w input, and the batch size. */
    private record Case(Conv2dConfig cfg, int n, int h, int w) {
        @Override
        public String toString() { return cfg.describe() + " on " + n + "x" + cfg.inChannels() + "x" + h + "x" + w; }

        static Case random(long seed) {
            Rng rng = new Rng(seed);
            while (true) {
                Case c = attempt(rng);
                if (c != null) return c;
            }
        }

        private static Case attempt(Rng rng) {
            int family = rng.nextInt(10);
            int h = size(rng), w = size(rng), n = 1 + rng.nextInt(3);
            Conv2dConfig cfg;
            if (family < 3) {
                // Winograd's shapes: 3×3, stride 1, one group, padding 0–2 per side; now and then deep
                // enough (C, F ≥ 32, output ≥ 4×4) for the automatic choice and Winograd's own dW.
                boolean deep = rng.nextInt(8) == 0;
                int cIn = deep ? 32 + rng.nextInt(3) : 1 + rng.nextInt(6);
                int f = deep ? 32 + rng.nextInt(9) : pick(rng, 1, 3, 8, 9, 13, 16, 17);
                if (deep) {
                    h = 4 + rng.nextInt(5);
                    w = 4 + rng.nextInt(5);
                    n = 1;
                }
                cfg = Conv2dConfig.of(cIn, f, 3).withPadding(rng.nextInt(3), rng.nextInt(3), rng.nextInt(3), rng.nextInt(3));
            } else {
                int groups = pick(rng, 1, 1, 1, 2, 3, 0);   // 0: depthwise
                int cg = 1 + rng.nextInt(4), fg = pick(rng, 1, 2, 3, 5, 8, 9, 13, 16);
                int kH = 1 + rng.nextInt(5), kW = rng.nextInt(3) == 0 ? kH : 1 + rng.nextInt(5);
                if (groups == 0) {
                    groups = 1 + rng.nextInt(5);
                    cg = 1;
                    fg = rng.nextInt(3) == 0 ? 2 : 1;
                }
                cfg = Conv2dConfig.of(groups * cg, groups * fg, kH, kW).withGroups(groups)
                        .withStride(1 + rng.nextInt(3), 1 + rng.nextInt(3))
                        .withDilation(rng.nextInt(2) == 0 ? 1 : 1 + rng.nextInt(3), rng.nextInt(2) == 0 ? 1 : 1 + rng.nextInt(3));
                if (rng.nextInt(6) == 0) {
                    cfg = cfg.withStride(1).same();
                } else if (rng.nextInt(2) == 0) {
                    cfg = cfg.withPadding(rng.nextInt(kH + 1), rng.nextInt(kW + 1));
                } else {
                    cfg = cfg.withPadding(rng.nextInt(kH + 1), rng.nextInt(kH + 1), rng.nextInt(kW + 1), rng.nextInt(kW + 1));
                }
            }
            if (rng.nextInt(4) == 0) cfg = cfg.withBias(false);
            try {
                cfg.geometry(h, w);
            } catch (IllegalArgumentException tooSmall) {
                return null;   // the kernel does not fit this input: draw again
            }
            return new Case(cfg, n, h, w);
        }

        /** Mostly tiny (1–4, where padding outgrows the output), sometimes up to 13, now and then wide. */
        private static int size(Rng rng) {
            int kind = rng.nextInt(10);
            return kind < 5 ? 1 + rng.nextInt(4) : kind < 9 ? 1 + rng.nextInt(13) : 14 + rng.nextInt(27);
        }

        private static int pick(Rng rng, int... values) { return values[rng.nextInt(values.length)]; }
    }

    /**
     * Runs every path that applies to one case and compares each with the oracle; returns which of
     * direct, Winograd and Winograd's dW ran (1 or 0 each).
     */
    private static int[] checkCase(Conv2dConfig cfg, int n, int h, int w, long seed, String what) {
        WindowGeometry g = cfg.geometry(h, w);
        ConvData d = ConvData.of(cfg, n, h, w, seed);
        Oracle want = Oracle.of(cfg, n, h, w, d.x(), d.w(), d.b(), d.dOut());
        Oracle abs = Oracle.of(cfg, n, h, w, abs(d.x()), abs(d.w()), d.b() == null ? null : abs(d.b()), abs(d.dOut()));
        int cg = cfg.inChannels() / cfg.groups(), fg = cfg.outChannels() / cfg.groups();
        int taps = g.kH() * g.kW(), positions = n * g.outH() * g.outW();
        int[] lengths = {cg * taps + 1, fg * taps, positions, positions};   // out, dX, dW, dB

        run(what + " [im2col]", cfg, g, n, d, want, abs, lengths,
                (c, gg, nn, x, wt, b, out, ws) -> Im2colConv.forward(c.channels(), gg, nn, x, wt, b, out, ws),
                (c, gg, nn, x, wt, dOut, dX, dW, dB, ws) -> Im2colConv.backward(c.channels(), gg, nn, x, wt, dOut, dX, dW, dB, ws),
                Winograd.NONE);
        ConvAlgorithm fwd = ConvAlgorithm.choose(cfg, g), bwd = ConvAlgorithm.chooseBackward(cfg, g);
        run(what + " [auto: " + fwd + "/" + bwd + "]", cfg, g, n, d, want, abs, lengths, ConvAlgorithm::forward,
                ConvAlgorithm::backward, new Winograd(fwd == ConvAlgorithm.WINOGRAD, bwd == ConvAlgorithm.WINOGRAD,
                        bwd == ConvAlgorithm.WINOGRAD && ConvAlgorithm.winogradPays(cfg, g)));
        int[] ran = new int[4];
        for (ConvKernels k : families()) {
            String family = " [" + k.name() + " ";
            if (ConvKernels.depthwiseApplies(cfg.channels())) {
                run(what + family + "depthwise]", cfg, g, n, d, want, abs, lengths,
                        (c, gg, nn, x, wt, b, out, ws) -> k.depthwiseForward(c.channels(), gg, nn, x, wt, b, out, ws),
                        (c, gg, nn, x, wt, dOut, dX, dW, dB, ws) -> Im2colConv.backward(c.channels(), gg, nn, x, wt, dOut, dX, dW, dB, ws),
                        Winograd.NONE);
                ran[3] = 1;
            }
            if (ConvAlgorithm.direct(cfg, g)) {
                run(what + family + "direct]", cfg, g, n, d, want, abs, lengths,
                        (c, gg, nn, x, wt, b, out, ws) -> k.directForward(c.channels(), gg, nn, x, wt, b, out, ws),
                        (c, gg, nn, x, wt, dOut, dX, dW, dB, ws) -> k.directBackward(c.channels(), gg, nn, x, wt, dOut, dX, dW, dB, ws),
                        Winograd.NONE);
                ran[0] = 1;
            }
            if (ConvAlgorithm.winograd(cfg, g)) {
                boolean ownDw = ConvAlgorithm.winogradPays(cfg, g);
                run(what + family + "winograd]", cfg, g, n, d, want, abs, lengths,
                        (c, gg, nn, x, wt, b, out, ws) -> k.winogradForward(c.channels(), gg, nn, x, wt, b, out, ws),
                        (c, gg, nn, x, wt, dOut, dX, dW, dB, ws) -> winogradBackward(k, c, gg, nn, x, wt, dOut, dX, dW, dB, ws),
                        new Winograd(true, true, ownDw));
                ran[1] = 1;
                if (!ownDw) {
                    // Winograd's dW by name, where auto would take the direct convolution's.
                    float[] dW = new float[d.w().length], dB = d.b() == null ? null : new float[d.b().length];
                    k.winogradWeightGrad(cfg.channels(), g, n, d.x(), d.dOut(), dW, dB, new Workspace());
                    assertWinogradDw(what + family + "winograd dW]", cfg, g, n, d.x(), d.dOut(), want.dW(), dW);
                    if (dB != null) assertWithin(what + family + "winograd dW] dB", want.dB(), abs.dB(), lengths[3], dB);
                }
                ran[2] = 1;
            }
        }
        return ran;
    }

    /** The chosen conv family and, when that is the vector one, the scalar reference too. */
    private static List<ConvKernels> families() {
        ConvKernels chosen = Kernels.conv();
        return chosen instanceof ScalarConvKernels ? List.of(chosen) : List.of(chosen, new ScalarConvKernels());
    }

    /** The Winograd layer's backward as {@link ConvAlgorithm#backward} composes it: dW by its adjoint where that pays. */
    private static void winogradBackward(ConvKernels k, Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w,
                                         float[] dOut, float[] dX, float[] dW, float[] dB, Workspace ws) {
        if (ConvAlgorithm.winogradPays(c, g)) k.winogradWeightGrad(c.channels(), g, n, x, dOut, dW, dB, ws);
        else if (ConvAlgorithm.direct(c, g)) k.directBackward(c.channels(), g, n, x, w, dOut, null, dW, dB, ws);
        else Im2colConv.backward(c.channels(), g, n, x, w, dOut, null, dW, dB, ws);
        k.winogradInputGrad(c.channels(), g, n, w, dOut, dX, ws);
    }

    /** The double-precision reference's output and gradients for one case. */
    private record Oracle(double[] out, double[] dX, double[] dW, double[] dB) {
        static Oracle of(Conv2dConfig cfg, int n, int h, int w, float[] x, float[] wt, float[] bias, float[] dOut) {
            double[] xd = ReferenceConv2d.widen(x), wd = ReferenceConv2d.widen(wt);
            double[] out = ReferenceConv2d.forward(cfg, n, h, w, xd, wd, bias == null ? null : ReferenceConv2d.widen(bias));
            ReferenceConv2d.Gradients gr = ReferenceConv2d.backward(cfg, n, h, w, xd, wd, ReferenceConv2d.widen(dOut));
            return new Oracle(out, gr.dX(), gr.dW(), gr.dB());
        }
    }

    @FunctionalInterface
    private interface Forward {
        void run(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out, Workspace ws);
    }

    @FunctionalInterface
    private interface Backward {
        void run(Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w, float[] dOut, float[] dX, float[] dW,
                 float[] dB, Workspace ws);
    }

    /** Which passes ran on Winograd, so are held to its bounds: the forward, dX, and dW (when it computes dW itself). */
    private record Winograd(boolean forward, boolean dX, boolean ownDw) {
        static final Winograd NONE = new Winograd(false, false, false);
    }

    private static void run(String what, Conv2dConfig cfg, WindowGeometry g, int n, ConvData d, Oracle want,
                            Oracle abs, int[] lengths, Forward forward, Backward backward, Winograd winograd) {
        Workspace ws = new Workspace();
        float[] out = new float[d.dOut().length];
        Arrays.fill(out, Float.NaN);   // overwritten everywhere
        forward.run(cfg, g, n, d.x(), d.w(), d.b(), out, ws);
        float[] dX = new float[d.x().length], dW = new float[d.w().length], dB = d.b() == null ? null : new float[d.b().length];
        Arrays.fill(dX, Float.NaN);    // overwritten everywhere
        backward.run(cfg, g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, ws);
        if (winograd.forward()) {
            assertWinograd(what + " out", cfg.inChannels(), cfg.outChannels(), n, g.inH(), g.inW(), g.padTop(), g.padLeft(),
                    g.outH(), g.outW(), d.x(), d.w(), false, cfg.inChannels(), want.out(), out);
        } else {
            assertWithin(what + " out", want.out(), abs.out(), lengths[0], out);
        }
        if (winograd.dX()) {
            assertWinograd(what + " dX", cfg.outChannels(), cfg.inChannels(), n, g.outH(), g.outW(), 2 - g.padTop(),
                    2 - g.padLeft(), g.inH(), g.inW(), d.dOut(), d.w(), true, cfg.inChannels(), want.dX(), dX);
        } else {
            assertWithin(what + " dX", want.dX(), abs.dX(), lengths[1], dX);
        }
        if (winograd.ownDw()) {
            assertWinogradDw(what + " dW", cfg, g, n, d.x(), d.dOut(), want.dW(), dW);
        } else {
            assertWithin(what + " dW", want.dW(), abs.dW(), lengths[2], dW);
        }
        if (dB != null) assertWithin(what + " dB", want.dB(), abs.dB(), lengths[3], dB);
    }

    /** |got − want| ≤ 2·(L + 1)·u·Σ|terms| at every element (see the class comment). */
    private static void assertWithin(String what, double[] want, double[] absSum, int length, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]), bound = 2.0 * (length + 1) * U * absSum[i];
            if (!(err <= bound)) {
                fail(what + "[" + i + "]: got " + got[i] + ", want " + want[i] + ", error " + err + " above the bound "
                        + bound + " (sum length " + length + ")");
            }
        }
    }

    /**
     * Winograd's forward bound, |got − want| ≤ 9·(cin + 8)·u·S_t + u·|want| with S_t = Σ_c ‖g_c‖₁·‖d_c‖₁ over
     * the output's 4×4 input tile (for dX: dOut padded by 2 − pad, the kernel rotated, C and F swapped).
     *
     * @param c the convolution's input channels (the weight layout [F, C, 3, 3])
     */
    private static void assertWinograd(String what, int cin, int cout, int n, int h, int w, int padTop, int padLeft,
                                       int oh, int ow, float[] src, float[] wt, boolean rotated, int c,
                                       double[] want, float[] got) {
        for (int item = 0; item < n; item++) {
            for (int o = 0; o < cout; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        double s = 0;
                        for (int i = 0; i < cin; i++) {
                            double gNorm = 0, dNorm = 0;
                            int wAt = rotated ? (i * c + o) * 9 : (o * c + i) * 9;
                            for (int k = 0; k < 9; k++) gNorm += Math.abs(wt[wAt + k]);
                            for (int a = 0; a < 4; a++) {
                                for (int b = 0; b < 4; b++) {
                                    int yy = y / 2 * 2 - padTop + a, zz = z / 2 * 2 - padLeft + b;
                                    if (yy >= 0 && yy < h && zz >= 0 && zz < w) dNorm += Math.abs(src[((item * cin + i) * h + yy) * w + zz]);
                                }
                            }
                            s += gNorm * dNorm;
                        }
                        int at = ((item * cout + o) * oh + y) * ow + z;
                        double err = Math.abs(got[at] - want[at]), bound = 9.0 * (cin + 8) * U * s + U * Math.abs(want[at]);
                        if (!(err <= bound)) {
                            fail(what + "[" + at + "]: got " + got[at] + ", want " + want[at] + ", error " + err
                                    + " above Winograd's bound " + bound);
                        }
                    }
                }
            }
        }
    }

    /** {@link VectorWinogradWeightGrad}'s bound: 16·(T + 16)·u·Σ_t ‖d_(c,t)‖₁·‖dY_(f,t)‖₁ + u·|want| per dW element. */
    private static void assertWinogradDw(String what, Conv2dConfig cfg, WindowGeometry g, int n, float[] x, float[] dOut,
                                         double[] want, float[] got) {
        int cin = cfg.inChannels(), f = cfg.outChannels(), h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int tH = (oh + 1) / 2, tW = (ow + 1) / 2, tiles = n * tH * tW;
        for (int fo = 0; fo < f; fo++) {
            for (int c = 0; c < cin; c++) {
                double s = 0;
                for (int item = 0; item < n; item++) {
                    for (int ty = 0; ty < tH; ty++) {
                        for (int tx = 0; tx < tW; tx++) {
                            double dn = 0, yn = 0;
                            for (int a = 0; a < 4; a++) {
                                for (int b = 0; b < 4; b++) {
                                    int y = 2 * ty - g.padTop() + a, z = 2 * tx - g.padLeft() + b;
                                    if (y >= 0 && y < h && z >= 0 && z < w) dn += Math.abs(x[((item * cin + c) * h + y) * w + z]);
                                    if (a < 2 && b < 2 && 2 * ty + a < oh && 2 * tx + b < ow) {
                                        yn += Math.abs(dOut[((item * f + fo) * oh + 2 * ty + a) * ow + 2 * tx + b]);
                                    }
                                }
                            }
                            s += dn * yn;
                        }
                    }
                }
                for (int k = 0; k < 9; k++) {
                    int at = (fo * cin + c) * 9 + k;
                    double err = Math.abs(got[at] - want[at]), bound = 16.0 * (tiles + 16) * U * s + U * Math.abs(want[at]);
                    if (!(err <= bound)) {
                        fail(what + "[" + at + "]: got " + got[at] + ", want " + want[at] + ", error " + err
                                + " above Winograd dW's bound " + bound);
                    }
                }
            }
        }
    }

    private static float[] abs(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    /** Shapes compared as lists, so a failure prints them. */
    private static final class List4 {
        static java.util.List<Integer> of(int... dims) { return Arrays.stream(dims).boxed().toList(); }
    }
}
