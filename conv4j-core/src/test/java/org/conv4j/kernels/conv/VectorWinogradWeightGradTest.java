package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;
import org.junit.jupiter.api.Test;

/**
 * Winograd dW: bitwise equal to {@link ScalarWinograd#weightGradient} with the same grouping of the
 * sum; within {@link VectorWinogradWeightGrad}'s error bound of the double-precision loops, element by element;
 * dB bitwise VectorDirectConv's; bitwise the same on 1 and 2 threads. Awkward sizes: H, W in 1, 2, 3, 5, 13, 17
 * (odd sizes crop the last tile; 17 × 19 has two blocks per image), channel counts 1, 3, 13, 40 (not
 * multiples of MR, NR or the vector width), batch 1, 3 and 13 (13 cuts into chunks of 2), pad 0–2.
 */
class VectorWinogradWeightGradTest {
    private static final double U = Math.ulp(1f) / 2;   // 2⁻²⁴

    private static final Conv2dConfig[] CONFIGS = {
            Conv2dConfig.of(1, 1, 3).withPadding(1),
            Conv2dConfig.of(3, 13, 3).withPadding(1),
            Conv2dConfig.of(13, 3, 3).withPadding(0).withBias(false),
            Conv2dConfig.of(3, 40, 3).withPadding(0, 1, 1, 0),   // asymmetric; F past one row group
            Conv2dConfig.of(40, 5, 3).withPadding(2),            // C past one B panel at every width
            Conv2dConfig.of(32, 64, 3).withPadding(1),           // fmnist-c2's channels
    };
    private static final int[][] SIZES = {{1, 1}, {2, 2}, {3, 3}, {5, 5}, {13, 13}, {2, 5}, {13, 3}, {17, 19}};

    @Test
    void isBitwiseTheReferenceWithTheSameGrouping() {
        for (Conv2dConfig cfg : CONFIGS) {
            for (int[] hw : SIZES) {
                for (int n : new int[] {1, 3, 13}) {
                    WindowGeometry g = VectorWinogradTest.geometry(cfg, hw);
                    if (g == null || (n == 13 && cfg.inChannels() * cfg.outChannels() > 200)) continue;
                    ConvData d = ConvData.of(cfg, n, hw[0], hw[1], 17L * hw[0] + hw[1] + cfg.outChannels() + 5L * n);
                    float[] got = new float[d.w().length], want = new float[d.w().length];
                    float[] dB = d.b() == null ? null : new float[cfg.outChannels()];
                    VectorWinogradWeightGrad.backward(cfg.channels(), g, n, d.x(), d.dOut(), got, dB, new Workspace());
                    int tH = (g.outH() + 1) / 2, tW = (g.outW() + 1) / 2;
                    ScalarWinograd.weightGradient(cfg.channels(), g, n, d.x(), d.dOut(), want,
                            Chunks.grain(n), VectorWinogradWeightGrad.blockRows(tH, tW));
                    for (int i = 0; i < want.length; i++) {
                        int at = i;
                        assertEquals(Float.floatToIntBits(want[i] + 0f), Float.floatToIntBits(got[i] + 0f),
                                () -> cfg.describe() + " n" + n + " " + hw[0] + "x" + hw[1] + " dW[" + at + "]");
                    }
                }
            }
        }
    }

    @Test
    void isWithinTheBoundOfTheDoubleLoopsAndDbIsDirectConvs() {
        double worst = 0;
        for (Conv2dConfig cfg : CONFIGS) {
            for (int[] hw : SIZES) {
                for (int n : new int[] {1, 3}) {
                    WindowGeometry g = VectorWinogradTest.geometry(cfg, hw);
                    if (g == null) continue;
                    ConvData d = ConvData.of(cfg, n, hw[0], hw[1], 31L * hw[0] + hw[1] + cfg.outChannels() + 7L * n);
                    double[] wantOut = ReferenceConv2d.forward(cfg, n, hw[0], hw[1], widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
                    ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, hw[0], hw[1], widen(d.x()), widen(d.w()), widen(d.dOut()));
                    float[] dW = new float[d.w().length], dB = d.b() == null ? null : new float[cfg.outChannels()];
                    VectorWinogradWeightGrad.backward(cfg.channels(), g, n, d.x(), d.dOut(), dW, dB, new Workspace());
                    worst = Math.max(worst, assertWithinBound(cfg, g, n, d.x(), d.dOut(), want.dW(), dW));
                    if (dB != null) {
                        float[] directW = new float[d.w().length], directB = new float[cfg.outChannels()];
                        VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), null, directW, directB, new Workspace());
                        assertArrayEquals(directB, dB, cfg.describe() + " dB");
                    }
                }
            }
        }
        System.out.printf("Winograd dW worst error / (u · Σ_t ‖d‖₁‖dY‖₁): %.3g (bound 16 · (T + 16))%n", worst);
    }

    @Test
    void isBitwiseIdenticalOnOneAndTwoThreadsAndAddsIntoDw() {
        Conv2dConfig cfg = Conv2dConfig.of(13, 40, 3).withPadding(1);
        int n = 13, h = 17, w = 19;
        ConvData d = ConvData.of(cfg, n, h, w, 99);
        WindowGeometry g = cfg.geometry(h, w);
        int before = Parallel.threads();
        float[][] got = new float[2][];
        try {
            for (int t = 0; t < 2; t++) {
                Parallel.setThreads(t + 1);
                float[] dW = new float[d.w().length], dB = new float[cfg.outChannels()];
                VectorWinogradWeightGrad.backward(cfg.channels(), g, n, d.x(), d.dOut(), dW, dB, new Workspace());
                got[t] = dW;
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(got[0], got[1]);
        // A second call adds the same gradient again: 2·dW exactly (doubling is exact).
        float[] twice = got[0].clone();
        VectorWinogradWeightGrad.backward(cfg.channels(), g, n, d.x(), d.dOut(), twice, null, new Workspace());
        for (int i = 0; i < twice.length; i++) assertEquals(2 * got[0][i], twice[i], "dW[" + i + "]");
    }

    @Test
    void autoTakesDwHereOnlyForDeepLayersAndRefusesWhatWinogradCannotDo() {
        WindowGeometry g14 = WindowGeometry.of(14, 14, 3, 3, 1, 1), g2 = WindowGeometry.of(2, 2, 3, 3, 1, 1);
        assertTrue(ConvAlgorithm.winogradPays(Conv2dConfig.of(32, 64, 3).withPadding(1), g14), "fmnist-c2");
        assertFalse(ConvAlgorithm.winogradPays(Conv2dConfig.of(1, 32, 3).withPadding(1), g14), "one input channel");
        assertFalse(ConvAlgorithm.winogradPays(Conv2dConfig.of(128, 128, 3).withPadding(1), g2), "2x2 output");
        Conv2dConfig strided = Conv2dConfig.of(8, 8, 3).withStride(2);
        assertThrows(IllegalArgumentException.class, () -> VectorWinogradWeightGrad.backward(strided.channels(), strided.geometry(9, 9),
                1, new float[8 * 81], new float[8 * 16], new float[8 * 8 * 9], null, new Workspace()));
    }

    /**
     * Asserts |got − want| ≤ 16 · (T + 16) · u · Σ_t ‖d_(c,t)‖₁ · ‖dY_(f,t)‖₁ + u · |want| at every dW
     * element (T: tiles in the batch) and returns the worst err / (u · Σ_t …).
     */
    private static double assertWithinBound(Conv2dConfig cfg, WindowGeometry g, int n, float[] x, float[] dOut,
                                            double[] want, float[] got) {
        int cin = cfg.inChannels(), f = cfg.outChannels(), h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int tH = (oh + 1) / 2, tW = (ow + 1) / 2, tiles = n * tH * tW;
        // Tile norms once: ‖d‖₁ per (item, c, tile) and ‖dY‖₁ per (item, f, tile).
        double[][] dNorm = new double[n * cin][tH * tW], yNorm = new double[n * f][tH * tW];
        for (int item = 0; item < n; item++) {
            for (int ty = 0; ty < tH; ty++) {
                for (int tx = 0; tx < tW; tx++) {
                    for (int c = 0; c < cin; c++) {
                        double s = 0;
                        for (int a = 0; a < 4; a++) {
                            for (int b = 0; b < 4; b++) {
                                int y = 2 * ty - g.padTop() + a, z = 2 * tx - g.padLeft() + b;
                                if (y >= 0 && y < h && z >= 0 && z < w) s += Math.abs(x[((item * cin + c) * h + y) * w + z]);
                            }
                        }
                        dNorm[item * cin + c][ty * tW + tx] = s;
                    }
                    for (int fo = 0; fo < f; fo++) {
                        double s = 0;
                        for (int a = 0; a < 2; a++) {
                            for (int b = 0; b < 2; b++) {
                                int y = 2 * ty + a, z = 2 * tx + b;
                                if (y < oh && z < ow) s += Math.abs(dOut[((item * f + fo) * oh + y) * ow + z]);
                            }
                        }
                        yNorm[item * f + fo][ty * tW + tx] = s;
                    }
                }
            }
        }
        double worst = 0;
        for (int fo = 0; fo < f; fo++) {
            for (int c = 0; c < cin; c++) {
                double s = 0;
                for (int item = 0; item < n; item++) {
                    for (int t = 0; t < tH * tW; t++) s += dNorm[item * cin + c][t] * yNorm[item * f + fo][t];
                }
                for (int k = 0; k < 9; k++) {
                    int at = (fo * cin + c) * 9 + k;
                    double err = Math.abs(got[at] - want[at]), bound = 16.0 * (tiles + 16) * U * s + U * Math.abs(want[at]);
                    assertTrue(err <= bound, () -> cfg.describe() + " dW[" + at + "] error " + err + " above the bound " + bound);
                    if (s > 0) worst = Math.max(worst, err / (U * s));
                }
            }
        }
        return worst;
    }
}
