package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.ConvChecks;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3): bitwise equal to {@link ScalarWinograd}; forward and dX within the error bound
 * of {@link VectorWinograd}'s Javadoc of the double-precision loops, element by element; dW and dB close to
 * the double loops (VectorWinogradWeightGradTest checks the Winograd dW itself; ConvAlgorithmTest gradient-checks a
 * Conv2d layer computed by Winograd); and every result is
 * bitwise the same on 1 and 2 threads. Sizes are awkward: H, W in 1, 2, 3, 5, 13 (odd sizes crop the
 * last tile), channel counts 1, 3, 13 (not multiples of 4 or of the vector width), batch 1 and 3, pad 0–2.
 */
class VectorWinogradTest {
    private static final double U = Math.ulp(1f) / 2;   // 2⁻²⁴

    private static final Conv2dConfig[] CONFIGS = {
            Conv2dConfig.of(1, 1, 3).withPadding(1),
            Conv2dConfig.of(3, 13, 3).withPadding(1),
            Conv2dConfig.of(13, 3, 3).withPadding(0),
            Conv2dConfig.of(13, 13, 3).withPadding(1).withBias(false),
            Conv2dConfig.of(3, 40, 3).withPadding(0, 1, 1, 0),   // asymmetric; F past one vector panel
            Conv2dConfig.of(5, 7, 3).withPadding(2),
            Conv2dConfig.of(64, 72, 3).withPadding(1),           // deep enough for auto; F = 2¼ panels
            Conv2dConfig.of(16, 32, 3).withPadding(1),           // whole vector blocks of channels both ways
    };
    // 35 × 37: several tasks per image, and three groups of tiles per row whose last runs past the
    // output's right edge (the transposed output rows write those columns into the next row first).
    // 16 × 32: two tile groups per row and no computed column past the edge; with 16 → 32 channels,
    // whole transpose blocks of channels both ways.
    private static final int[][] SIZES = {{1, 1}, {2, 2}, {3, 3}, {5, 5}, {13, 13}, {2, 5}, {13, 3}, {35, 37}, {16, 32}};

    @Test
    void forwardIsBitwiseTheReferenceMatrices() {
        for (Conv2dConfig cfg : CONFIGS) {
            for (int[] hw : SIZES) {
                for (int n : new int[] {1, 3}) {
                    WindowGeometry g = geometry(cfg, hw);
                    if (g == null) continue;
                    ConvData d = ConvData.of(cfg, n, hw[0], hw[1], 31L * hw[0] + hw[1] + cfg.outChannels() + 7L * n);
                    float[] got = new float[d.dOut().length], want = new float[d.dOut().length];
                    VectorWinograd.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), got, new Workspace());
                    ScalarWinograd.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), want);
                    for (int i = 0; i < want.length; i++) {
                        int at = i;
                        assertEquals(Float.floatToIntBits(want[i] + 0f), Float.floatToIntBits(got[i] + 0f),
                                () -> cfg.describe() + " n" + n + " " + hw[0] + "x" + hw[1] + " out[" + at + "]");
                    }
                }
            }
        }
    }

    @Test
    void forwardAndGradientsAreWithinTheBoundOfTheDoubleLoops() {
        double worst = 0;
        for (Conv2dConfig cfg : CONFIGS) {
            for (int[] hw : SIZES) {
                for (int n : new int[] {1, 3}) {
                    WindowGeometry g = geometry(cfg, hw);
                    if (g == null) continue;
                    int h = hw[0], w = hw[1];
                    ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels() + 7L * n);
                    double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
                    ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
                    float[] out = new float[d.dOut().length];
                    VectorWinograd.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, new Workspace());
                    worst = Math.max(worst, assertWithinBound("out", cfg, n, cfg.inChannels(), cfg.outChannels(),
                            h, w, g.padTop(), g.padLeft(), g.outH(), g.outW(), d.x(), d.w(), false, d.b(), wantOut, out));

                    float[] dX = new float[d.x().length], dW = new float[d.w().length];
                    float[] dB = d.b() == null ? null : new float[d.b().length];
                    winogradBackward(cfg, g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, new Workspace());
                    // dX is the forward of dOut (F channels) padded by 2 − pad with the rotated kernel.
                    worst = Math.max(worst, assertWithinBound("dX", cfg, n, cfg.outChannels(), cfg.inChannels(),
                            g.outH(), g.outW(), 2 - g.padTop(), 2 - g.padLeft(), h, w, d.dOut(), d.w(), true, null,
                            want.dX(), dX));
                    ConvData.assertClose("dWeight", cfg, want.dW(), dW);
                    if (dB != null) ConvData.assertClose("dBias", cfg, want.dB(), dB);
                }
            }
        }
        System.out.printf("Winograd worst error / (u · S_t): %.3g (bound 9 · (C + 8))%n", worst);
    }

    @Test
    void dWeightIsBitwiseTheSameWithOrWithoutDx() {
        Conv2dConfig cfg = Conv2dConfig.of(5, 12, 3).withPadding(1);
        int n = 3, h = 9, w = 11;
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels() + 7L * n);
        WindowGeometry g = cfg.geometry(h, w);
        float[] dW1 = new float[d.w().length], dB1 = new float[12], dW2 = new float[d.w().length], dB2 = new float[12];
        winogradBackward(cfg, g, n, d.x(), d.w(), d.dOut(), new float[d.x().length], dW1, dB1, new Workspace());
        winogradBackward(cfg, g, n, d.x(), d.w(), d.dOut(), null, dW2, dB2, new Workspace());
        org.junit.jupiter.api.Assertions.assertArrayEquals(dW1, dW2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(dB1, dB2);
    }

    @Test
    void resultsAreBitwiseIdenticalOnOneAndTwoThreads() {
        Conv2dConfig cfg = Conv2dConfig.of(5, 12, 3).withPadding(1);
        int n = 13, h = 17, w = 19;   // 90 tiles per image: two tasks per image
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels() + 7L * n);
        WindowGeometry g = cfg.geometry(h, w);
        int before = Parallel.threads();
        float[][] got = new float[2][];
        try {
            for (int t = 0; t < 2; t++) {
                Parallel.setThreads(t + 1);
                float[] out = new float[d.dOut().length], dX = new float[d.x().length];
                float[] dW = new float[d.w().length], dB = new float[12];
                VectorWinograd.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, new Workspace());
                winogradBackward(cfg, g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, new Workspace());
                got[t] = concat(out, dX, dW, dB);
            }
        } finally {
            Parallel.setThreads(before);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(got[0], got[1]);
    }

    @Test
    void autoChoosesWinogradOnlyWhereItMeasuredFaster() {
        WindowGeometry g14 = WindowGeometry.of(14, 14, 3, 3, 1, 1), g2 = WindowGeometry.of(2, 2, 3, 3, 1, 1);
        Conv2dConfig fmnistC2 = Conv2dConfig.of(32, 64, 3).withPadding(1), first = Conv2dConfig.of(1, 32, 3).withPadding(1);
        Conv2dConfig resC128 = Conv2dConfig.of(128, 128, 3).withPadding(1), c16 = Conv2dConfig.of(16, 64, 3).withPadding(1);
        assertTrue(ConvAlgorithm.winogradPays(fmnistC2, g14) && ConvAlgorithm.winogradPaysBackward(fmnistC2, g14), "fmnist-c2");
        assertTrue(ConvAlgorithm.winogradPays(resC128, g14) && ConvAlgorithm.winogradPaysBackward(resC128, g14), "res-c128");
        assertFalse(ConvAlgorithm.winogradPays(resC128, g2) || ConvAlgorithm.winogradPaysBackward(resC128, g2), "2x2 output");
        assertFalse(ConvAlgorithm.winogradPays(c16, g14) || ConvAlgorithm.winogradPaysBackward(c16, g14), "16 input channels");
        assertFalse(ConvAlgorithm.winogradPays(first, g14) || ConvAlgorithm.winogradPaysBackward(first, g14), "one input channel");
        Conv2dConfig strided = Conv2dConfig.of(128, 128, 3).withPadding(1).withStride(2);
        assertFalse(ConvAlgorithm.winogradPays(strided, strided.geometry(14, 14)), "stride 2");
    }

    @Test
    void supportsOnly3x3Stride1UngroupedWithPaddingAtMost2() {
        assertTrue(ConvAlgorithm.winograd(Conv2dConfig.of(8, 8, 3).withPadding(1), WindowGeometry.of(8, 8, 3, 3, 1, 1)));
        Conv2dConfig[] not = {
                Conv2dConfig.of(8, 8, 3).withStride(2), Conv2dConfig.of(8, 8, 5).withPadding(2),
                Conv2dConfig.of(8, 8, 3).withPadding(2).withDilation(2), Conv2dConfig.of(8, 8, 3).withGroups(2),
                Conv2dConfig.of(8, 8, 3).withPadding(3)};
        for (Conv2dConfig c : not) {
            assertFalse(ConvAlgorithm.winograd(c, c.geometry(9, 9)), c.describe());
            float[] x = new float[81 * 8];
            assertThrows(IllegalArgumentException.class, () -> VectorWinograd.forward(c.channels(), c.geometry(9, 9), 1, x,
                    new float[8 * 8 * c.kernelH() * c.kernelW()], null, new float[8 * 8 * 81], new Workspace()));
        }
    }

    /**
     * Asserts |got − want| ≤ 9 · (cin + 8) · u · S_t + u · |want| at every output, where S_t =
     * Σ_c ‖g_c‖₁ · ‖d_c‖₁ over the output's 4×4 input tile, and returns the worst err / (u · S_t).
     */
    private static double assertWithinBound(String what, Conv2dConfig cfg, int n, int cin, int cout, int h, int w,
                                            int padTop, int padLeft, int oh, int ow, float[] src, float[] wt,
                                            boolean rotated, float[] bias, double[] want, float[] got) {
        int c = cfg.inChannels();
        double worst = 0;
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
                                    if (yy >= 0 && yy < h && zz >= 0 && zz < w) {
                                        dNorm += Math.abs(src[((item * cin + i) * h + yy) * w + zz]);
                                    }
                                }
                            }
                            s += gNorm * dNorm;
                        }
                        int at = ((item * cout + o) * oh + y) * ow + z;
                        double err = Math.abs(got[at] - want[at]), bound = 9.0 * (cin + 8) * U * s + U * Math.abs(want[at]);
                        assertTrue(err <= bound, () -> cfg.describe() + " " + what + "[" + at + "] error " + err
                                + " above the bound " + bound);
                        if (s > 0) worst = Math.max(worst, err / (U * s));
                    }
                }
            }
        }
        return worst;
    }

    /** The geometry of cfg on an hw[0] × hw[1] input, or null when the kernel does not fit. */
    static WindowGeometry geometry(Conv2dConfig cfg, int[] hw) {
        try {
            WindowGeometry g = cfg.geometry(hw[0], hw[1]);
            return g.outH() >= 1 && g.outW() >= 1 ? g : null;
        } catch (IllegalArgumentException e) {
            return null;   // kernel larger than the padded input
        }
    }

    private static float[] concat(float[]... parts) {
        int size = 0;
        for (float[] p : parts) size += p.length;
        float[] all = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** dX by the Winograd kernel; dW and dB as ConvAlgorithm takes them for a Winograd layer. */
    private static void winogradBackward(Conv2dConfig cfg, WindowGeometry g, int n, float[] x, float[] w, float[] dOut,
                                         float[] dX, float[] dW, float[] dB, Workspace ws) {
        ConvChannels c = cfg.channels();
        if (ConvAlgorithm.winogradPays(cfg, g)) VectorWinogradWeightGrad.backward(c, g, n, x, dOut, dW, dB, ws);
        else VectorDirectConv.backward(c, g, n, x, w, dOut, null, dW, dB, ws);
        if (dX != null) VectorWinograd.inputGrad(c, g, n, w, dOut, dX, ws);
    }
}
