package org.conv4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * A seeded random differential test of every pooling path against double-precision loops written from
 * torch's definitions ({@link ReferencePool} for the forward, the loops below for the backward): the 2×2
 * kernel and the separable row-then-column kernels, as {@link Pooling} chooses them, and the window loop, through
 * the layers (max pooling plain and fused after a ReLU, average pooling with and without padding in the
 * divisor) and the global average pool. Cases range over inputs from 1×1, kernels 1–5 per axis, strides 1–3,
 * every padding torch allows (up to half the kernel), floor and ceil mode. A failure names the case's seed and
 * configuration; replay one with {@code -Dconv4j.diff.seed=S}.
 *
 * <p><b>Tolerance.</b> Max pooling moves values, so its forward is exact (values and the first maximum's
 * position, bitwise the window loop's) and its backward a sum of at most ⌈KH/SH⌉·⌈KW/SW⌉ routed gradients.
 * An average is a sum of at most KH·KW cells and a division; its gradient a sum over the windows holding a
 * cell. A sum of L terms in any order is within (L + 1)·u·Σ|term| of the exact value to first order (u = 2⁻²⁴,
 * one more rounding for the division), used with a factor 2 for the second-order terms.
 */
class PoolDifferentialTest {
    private static final double U = Math.ulp(1f) / 2;
    private static final long SEED = Long.getLong("conv4j.diff.seed", 20261207L);
    private static final int CASES = Integer.getInteger("conv4j.diff.cases", 3000);

    @Test
    void everyPathAgreesWithTheOracleOnRandomCases() {
        boolean replay = Long.getLong("conv4j.diff.seed") != null;
        int cases = replay ? 1 : CASES;
        int[] paths = new int[3];   // cases on the 2×2 kernel, the separable kernels, the window loop
        for (int i = 0; i < cases; i++) {
            long seed = replay ? SEED : SEED * 1_000_003L + i;
            Rng rng = new Rng(seed);
            Case c = Case.random(rng);
            String what = "seed " + seed + " (replay: -Dconv4j.diff.seed=" + seed + "): " + c;
            try {
                WindowGeometry g = c.p.geometry("pool", c.h, c.w);
                paths[Pooling.isPlain2x2(g) ? 0 : Pooling.isSeparable(g) ? 1 : 2]++;
                check(c, rng, what);
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                fail(what + " threw " + e, e);
            }
        }
        System.out.printf("PoolDifferentialTest: %d cases from seed %d; 2x2 kernel %d, separable %d, window loop %d%n",
                cases, SEED, paths[0], paths[1], paths[2]);
        if (!replay && CASES >= 1000) {
            // torch's settings (padding at most half the kernel, no dilation) always give the layers a kernel
            // path; the window loop is checked on every case through maxForwardLoop.
            assertTrue(paths[0] >= 20 && paths[1] >= CASES / 4, "paths reached: " + Arrays.toString(paths));
        }
    }

    private record Case(PoolConfig p, int n, int c, int h, int w) {
        @Override
        public String toString() {
            return p.describe("Pool", true) + " on " + n + "x" + c + "x" + h + "x" + w;
        }

        static Case random(Rng rng) {
            while (true) {
                PoolConfig p;
                if (rng.nextInt(8) == 0) {
                    p = PoolConfig.of(2);   // the 2×2 kernel's shape, on even and odd sizes
                } else {
                    int kH = 1 + rng.nextInt(5), kW = rng.nextInt(3) == 0 ? kH : 1 + rng.nextInt(5);
                    p = PoolConfig.of(kH, kW).withStride(1 + rng.nextInt(3), 1 + rng.nextInt(3))
                            .withPadding(rng.nextInt(kH / 2 + 1), rng.nextInt(kW / 2 + 1));
                }
                p = p.withCeilMode(rng.nextInt(3) == 0).withCountIncludePad(rng.nextInt(3) != 0);
                int h = size(rng), w = size(rng);
                try {
                    p.geometry("pool", h, w);
                } catch (IllegalArgumentException tooSmall) {
                    continue;
                }
                return new Case(p, 1 + rng.nextInt(2), 1 + rng.nextInt(3), h, w);
            }
        }

        /** Mostly tiny (1–4), sometimes up to 13, now and then wide enough for whole vectors. */
        private static int size(Rng rng) {
            int kind = rng.nextInt(10);
            return kind < 5 ? 1 + rng.nextInt(4) : kind < 9 ? 1 + rng.nextInt(13) : 14 + rng.nextInt(60);
        }
    }

    private static void check(Case c, Rng rng, String what) {
        PoolConfig p = c.p;
        WindowGeometry g = p.geometry("pool", c.h, c.w);
        int planes = c.n * c.c, oh = g.outH(), ow = g.outW();
        float[] x = gauss(rng, planes * c.h * c.w), dOut = gauss(rng, planes * oh * ow);
        int[] xShape = {c.n, c.c, c.h, c.w}, outShape = {c.n, c.c, oh, ow};

        // Max pooling, plain and after a ReLU: the first maximum in row-major window order, as torch.
        for (boolean relu : new boolean[] {false, true}) {
            String m = what + (relu ? " [max after ReLU]" : " [max]");
            int[] at = firstMaxima(g, planes, x, relu);
            MaxPool2d max = new MaxPool2d(p);
            Tensor y = relu ? max.forwardAfterRelu(Tensor.wrap(x.clone(), xShape)) : max.forward(Tensor.wrap(x.clone(), xShape));
            float[] loop = new float[at.length];
            int[] loopAt = new int[at.length];
            Pooling.maxForwardLoop(g, planes, x, loop, loopAt, relu);
            for (int o = 0; o < at.length; o++) {
                float want = at[o] < 0 ? 0f : relu ? Math.max(0f, x[at[o]]) : x[at[o]];
                if (Float.floatToIntBits(want + 0f) != Float.floatToIntBits(y.data()[o] + 0f) || loopAt[o] != at[o]
                        || Float.floatToIntBits(loop[o]) != Float.floatToIntBits(y.data()[o])) {
                    fail(m + " out[" + o + "]: got " + y.data()[o] + " (window loop " + loop[o] + " at " + loopAt[o]
                            + "), want " + want + " at " + at[o]);
                }
            }
            if (!relu) {
                double[] ref = ReferencePool.max(p, planes, c.h, c.w, GradCheck.widen(x));
                for (int o = 0; o < ref.length; o++) assertEquals((float) ref[o], y.data()[o], m + " ReferencePool out[" + o + "]");
            }
            Tensor dX = relu ? max.backwardThroughRelu(Tensor.wrap(dOut.clone(), outShape)) : max.backward(Tensor.wrap(dOut.clone(), outShape));
            double[] want = new double[x.length], abs = new double[x.length];
            for (int o = 0; o < at.length; o++) {
                if (at[o] < 0 || relu && !(x[at[o]] > 0)) continue;   // ReLU passes gradient where its output is positive
                want[at[o]] += dOut[o];
                abs[at[o]] += Math.abs(dOut[o]);
            }
            int windows = ceilDiv(g.kH(), g.strideH()) * ceilDiv(g.kW(), g.strideW());
            assertWithin(m + " dX", want, abs, windows, dX.data());
        }

        // Average pooling with torch's divisor.
        AvgPool2d avg = new AvgPool2d(p);
        Tensor y = avg.forward(Tensor.wrap(x.clone(), xShape));
        float[] absX = x.clone();
        for (int i = 0; i < absX.length; i++) absX[i] = Math.abs(absX[i]);
        assertWithin(what + " [avg] out", ReferencePool.avg(p, planes, c.h, c.w, GradCheck.widen(x)),
                ReferencePool.avg(p, planes, c.h, c.w, GradCheck.widen(absX)), g.kH() * g.kW() + 1, y.data());
        Tensor dX = avg.backward(Tensor.wrap(dOut.clone(), outShape));
        double[][] want = avgBackward(p, g, planes, dOut);
        assertWithin(what + " [avg] dX", want[0], want[1], ceilDiv(g.kH(), g.strideH()) * ceilDiv(g.kW(), g.strideW()) + 1, dX.data());

        // The global average of the same planes.
        GlobalAvgPool2d global = new GlobalAvgPool2d();
        Tensor gy = global.forward(Tensor.wrap(x.clone(), xShape));
        double[] mean = new double[planes], meanAbs = new double[planes];
        int hw = c.h * c.w;
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < hw; i++) {
                mean[pl] += x[pl * hw + i] / (double) hw;
                meanAbs[pl] += Math.abs(x[pl * hw + i]) / (double) hw;
            }
        }
        assertWithin(what + " [global avg] out", mean, meanAbs, hw + 1, gy.data());
        float[] dMean = Arrays.copyOf(dOut, planes);
        Tensor gdX = global.backward(Tensor.wrap(dMean, c.n, c.c, 1, 1));
        double[] wantG = new double[x.length], absG = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wantG[i] = dMean[i / hw] / (double) hw;
            absG[i] = Math.abs(wantG[i]);
        }
        assertWithin(what + " [global avg] dX", wantG, absG, 1, gdX.data());
    }

    /** Flat index into x of each window's first maximum in row-major order (of ReLU's output if relu), −1 if none. */
    private static int[] firstMaxima(WindowGeometry g, int planes, float[] x, boolean relu) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int[] at = new int[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1;
                    for (int i = 0; i < g.kH(); i++) {
                        for (int j = 0; j < g.kW(); j++) {
                            int iy = oy * g.strideH() - g.padTop() + i, ix = ox * g.strideW() - g.padLeft() + j;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            int idx = (pl * h + iy) * w + ix;
                            float v = relu ? Math.max(0f, x[idx]) : x[idx];
                            if (best < 0 || v > (relu ? Math.max(0f, x[best]) : x[best])) best = idx;
                        }
                    }
                    at[(pl * oh + oy) * ow + ox] = best;
                }
            }
        }
        return at;
    }

    /** dX of average pooling in double: each window's dOut / divisor added to its input cells; and the same of |dOut|. */
    private static double[][] avgBackward(PoolConfig p, WindowGeometry g, int planes, float[] dOut) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        double[] dX = new double[planes * h * w], abs = new double[dX.length];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int inside = 0, insidePadded = 0;
                    for (int i = 0; i < p.kernelH(); i++) {
                        for (int j = 0; j < p.kernelW(); j++) {
                            int iy = oy * p.strideH() - p.padH() + i, ix = ox * p.strideW() - p.padW() + j;
                            if (iy < h + p.padH() && ix < w + p.padW()) insidePadded++;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) inside++;
                        }
                    }
                    if (inside == 0) continue;
                    double d = dOut[(pl * oh + oy) * ow + ox] / (double) (p.countIncludePad() ? insidePadded : inside);
                    for (int i = 0; i < p.kernelH(); i++) {
                        for (int j = 0; j < p.kernelW(); j++) {
                            int iy = oy * p.strideH() - p.padH() + i, ix = ox * p.strideW() - p.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                dX[(pl * h + iy) * w + ix] += d;
                                abs[(pl * h + iy) * w + ix] += Math.abs(d);
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dX, abs};
    }

    /** |got − want| ≤ 2·(L + 1)·u·Σ|term| at every element. */
    private static void assertWithin(String what, double[] want, double[] absSum, int length, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]), bound = 2.0 * (length + 1) * U * absSum[i];
            if (!(err <= bound)) {
                fail(what + "[" + i + "]: got " + got[i] + ", want " + want[i] + ", error " + err + " above the bound " + bound);
            }
        }
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static float[] gauss(Rng rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
