package org.conv4j.pool;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TestData;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class PoolTest {
    static final List<PoolConfig> CONFIGS = List.of(
            PoolConfig.of(1),
            PoolConfig.of(2),
            PoolConfig.of(3).withStride(1),
            PoolConfig.of(3).withStride(2).withPadding(1),
            PoolConfig.of(2, 3).withStride(1, 2).withPadding(1, 1).withCeilMode(true),
            PoolConfig.of(3).withStride(2).withCeilMode(true),
            PoolConfig.of(3).withStride(2).withPadding(1).withCeilMode(true).withCountIncludePad(false),
            PoolConfig.of(5).withStride(3).withPadding(2).withCeilMode(true),
            PoolConfig.of(13));

    @Test
    void fastPathMatchesReferenceAtAwkwardSizes() {
        Rng rng = new Rng(11);
        for (PoolConfig p : CONFIGS) {
            // 40, 70 and 207 wide: whole vectors of every width, edges and tails.
            for (int[] s : new int[][] {{1, 1, 13, 13}, {3, 3, 13, 14}, {2, 5, 15, 13}, {2, 3, 40, 41}, {1, 2, 13, 70}, {1, 1, 13, 207}}) {
                Tensor x = TestData.uniform(rng, s);
                double[] xd = GradCheck.widen(x.data());
                MaxPool2d max = new MaxPool2d(p);
                AvgPool2d avg = new AvgPool2d(p);
                double[] refMax = ReferencePool.max(p, s[0] * s[1], s[2], s[3], xd);
                double[] refAvg = ReferencePool.avg(p, s[0] * s[1], s[2], s[3], xd);
                Tensor outMax = max.forward(x), outAvg = avg.forward(x);
                assertEquals(refMax.length, outMax.size(), max.describe());
                for (int i = 0; i < refMax.length; i++) assertEquals((float) refMax[i], outMax.data()[i], max.describe());
                for (int i = 0; i < refAvg.length; i++) {
                    assertEquals(refAvg[i], outAvg.data()[i], 1e-6, avg.describe() + " at " + i);
                }
                assertArrayEquals(outMax.data(), max.infer(x).data());
                assertArrayEquals(outAvg.data(), avg.infer(x).data());
            }
        }
    }

    @Test
    void maxPoolKernelsGiveTheWindowLoopsValuesAndArgmaxBitForBit() {
        // Rows then columns on the vector kernels (and the 2×2 kernel) against the plain loop over each
        // window's cells, on planes wide enough for whole vectors at every width, with ties, signed zeros
        // and NaN, with and without the ReLU before the pool; the argmax decides where backward routes dOut.
        Rng rng = new Rng(12);
        List<PoolConfig> configs = new java.util.ArrayList<>(CONFIGS);
        configs.add(PoolConfig.of(2).withStride(1));
        configs.add(PoolConfig.of(3, 2).withStride(2, 1).withPadding(1, 0));
        for (PoolConfig p : configs) {
            for (int[] s : new int[][] {{1, 1, 13, 13}, {2, 3, 40, 41}, {1, 2, 9, 70}, {3, 1, 33, 207}, {1, 1, 1, 1}}) {
                if (s[2] + 2 * p.padH() < p.kernelH() || s[3] + 2 * p.padW() < p.kernelW()) continue;
                float[] x = new float[s[0] * s[1] * s[2] * s[3]];
                for (int i = 0; i < x.length; i++) {
                    int kind = rng.nextInt(10);
                    x[i] = kind < 3 ? 0f : kind == 3 ? -0f : kind == 4 ? Float.NaN : kind < 7 ? 1f : rng.nextFloat() - 0.5f;
                }
                var g = p.geometry("MaxPool2d", s[2], s[3]);
                int planes = s[0] * s[1], outs = planes * g.outH() * g.outW();
                for (boolean relu : new boolean[] {false, true}) {
                    float[] fast = new float[outs], loop = new float[outs];
                    int[] fastAt = new int[outs], loopAt = new int[outs];
                    Pooling.maxForward(g, planes, x, fast, fastAt, relu);
                    Pooling.maxForwardLoop(g, planes, x, loop, loopAt, relu);
                    String what = p.describe("MaxPool2d", false) + " on " + java.util.Arrays.toString(s) + (relu ? " after ReLU" : "");
                    assertArrayEquals(loopAt, fastAt, what);
                    for (int i = 0; i < outs; i++) {
                        assertEquals(Float.floatToRawIntBits(loop[i]), Float.floatToRawIntBits(fast[i]), what + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void avgPoolBackwardIsTheAdjointOfItsForward() {
        // Average pooling is linear, so its backward is its transpose: ⟨dOut, avg(x)⟩ = ⟨avgBackward(dOut), x⟩,
        // which checks every window's cells and divisor on planes too large for finite differences.
        Rng rng = new Rng(13);
        for (PoolConfig p : CONFIGS) {
            for (int[] s : new int[][] {{2, 3, 40, 41}, {1, 2, 13, 70}, {1, 1, 13, 207}, {2, 2, 13, 13}}) {
                AvgPool2d avg = new AvgPool2d(p);
                Tensor x = TestData.uniform(rng, s), y = avg.forward(x);
                Tensor dOut = TestData.uniform(rng, y.shape());
                Tensor dX = avg.backward(dOut);
                double lhs = 0, rhs = 0;
                for (int i = 0; i < y.size(); i++) lhs += (double) dOut.data()[i] * y.data()[i];
                for (int i = 0; i < x.size(); i++) rhs += (double) dX.data()[i] * x.data()[i];
                assertEquals(lhs, rhs, 1e-5 * (1 + Math.abs(lhs)), avg.describe() + " on " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void ceilModeAddsAWindowThatMustStartInsideTheInput() {
        // 6 wide, k3 s2: floor gives 2, ceil gives 3 (last window cols 4..5, clipped)
        assertArrayEquals(new int[] {1, 2, 2}, new MaxPool2d(PoolConfig.of(3).withStride(2)).outputShape(new int[] {1, 6, 6}));
        assertArrayEquals(new int[] {1, 3, 3},
                new MaxPool2d(PoolConfig.of(3).withStride(2).withCeilMode(true)).outputShape(new int[] {1, 6, 6}));
        // 5 wide, k2 s2 p1 ceil: ceil((5+2-2)/2)+1 = 4, but the 4th window would start in the right
        // padding (at 6 of the padded 7), so torch drops it
        assertArrayEquals(new int[] {1, 3, 3},
                new MaxPool2d(PoolConfig.of(2).withPadding(1).withCeilMode(true)).outputShape(new int[] {1, 5, 5}));
    }

    @Test
    void avgPoolDivisorFollowsTorch() {
        Tensor x = new Tensor(1, 1, 2, 2).fill(1f);
        // k3 s1 p1 on 2x2 of ones: corners see 4 input cells of a 9-cell padded window.
        Tensor include = new AvgPool2d(PoolConfig.of(3).withStride(1).withPadding(1)).forward(x);
        Tensor exclude = new AvgPool2d(PoolConfig.of(3).withStride(1).withPadding(1).withCountIncludePad(false)).forward(x);
        for (float v : include.data()) assertEquals(4f / 9f, v, 1e-7);
        for (float v : exclude.data()) assertEquals(1f, v, 1e-7);
        // ceil mode overhang beyond the padding does not count even with count_include_pad: 3 wide, k2 s2
        Tensor y = new AvgPool2d(PoolConfig.of(2).withCeilMode(true)).forward(new Tensor(1, 1, 3, 3).fill(1f));
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, y.data());
    }

    @Test
    void maxPoolRoutesGradientToTheFirstMaximumAndPropagatesNaN() {
        MaxPool2d pool = new MaxPool2d(2);
        Tensor x = Tensor.wrap(new float[] {1, 5, 5, 0, Float.NaN, 2, 3, 3, 3}, 1, 1, 3, 3);
        Tensor y = new MaxPool2d(PoolConfig.of(2).withStride(1)).forward(x);
        assertTrue(Float.isNaN(y.data()[0]));
        Tensor x2 = Tensor.wrap(new float[] {1, 5, 5, 0}, 1, 1, 2, 2);
        pool.forward(x2);
        Tensor dX = pool.backward(Tensor.wrap(new float[] {7}, 1, 1, 1, 1));
        assertArrayEquals(new float[] {0, 7, 0, 0}, dX.data());
    }

    @Test
    void globalAvgPoolAveragesEachPlane() {
        Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        GlobalAvgPool2d g = new GlobalAvgPool2d();
        Tensor y = g.forward(x);
        assertArrayEquals(new int[] {1, 2, 1, 1}, y.shape());
        assertArrayEquals(new float[] {2.5f, 25f}, y.data());
        Tensor dX = g.backward(Tensor.wrap(new float[] {4, 8}, 1, 2, 1, 1));
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, dX.data());
    }

    @Test
    void invalidConfigurationsFailWithAMessage() {
        assertMessage(() -> PoolConfig.of(0), "PoolConfig.kernel");
        assertMessage(() -> PoolConfig.of(2).withStride(0), "PoolConfig.stride");
        assertMessage(() -> PoolConfig.of(3).withPadding(2), "at most half the kernel");
        assertMessage(() -> PoolConfig.of(2).withPadding(-1), "PoolConfig.padding");
        MaxPool2d big = new MaxPool2d(5);
        assertMessage(() -> big.outputShape(new int[] {1, 4, 9}), "MaxPool2d(k5x5, s5): kernel 5x5 is larger than the padded input 4x9");
        assertMessage(() -> big.forward(new Tensor(1, 1, 4, 9)), "larger than the padded input");
        assertMessage(() -> new AvgPool2d(5).forward(new Tensor(1, 1, 9, 3)), "AvgPool2d(k5x5, s5)");
    }

    @Test
    void wrongRankNamesLayerAndBothShapes() {
        ShapeException e = assertThrows(ShapeException.class, () -> new MaxPool2d(2).forward(new Tensor(4, 4)));
        assertEquals("MaxPool2d(k2x2, s2): x has shape [4, 4] but expected [?, ?, ?, ?]", e.getMessage());
        assertThrows(ShapeException.class, () -> new AvgPool2d(2).forward(new Tensor(1, 4, 4)));
        assertThrows(ShapeException.class, () -> new GlobalAvgPool2d().forward(new Tensor(1, 4)));
        MaxPool2d pool = new MaxPool2d(2);
        pool.forward(new Tensor(1, 2, 4, 4));
        ShapeException d = assertThrows(ShapeException.class, () -> pool.backward(new Tensor(1, 2, 4, 4)));
        assertTrue(d.getMessage().contains("dOut has shape [1, 2, 4, 4] but expected [1, 2, 2, 2]"), d.getMessage());
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), () -> "message '" + ex.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void globalAveragePoolSumsEachPlaneInOrderedSumsOrderOnAnyThreadCount() {
        Rng rng = new Rng(12);
        for (int[] hw : new int[][] {{1, 1}, {1, 3}, {7, 7}, {32, 32}, {3, 41}}) {
            int n = 3, c = 37, plane = hw[0] * hw[1];
            Tensor x = new Tensor(n, c, hw[0], hw[1]);
            for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) rng.nextGaussian();
            if (plane > 9) { x.data()[0] = 1e8f; x.data()[8] = -1e8f; } // cancellation within one running sum
            Tensor dOut = new Tensor(n, c, 1, 1);
            for (int i = 0; i < dOut.data().length; i++) dOut.data()[i] = (float) rng.nextGaussian();
            int before = org.conv4j.kernels.Parallel.threads();
            float[][] outs = new float[2][], dxs = new float[2][];
            try {
                for (int t = 1; t <= 2; t++) {
                    org.conv4j.kernels.Parallel.setThreads(t);
                    GlobalAvgPool2d pool = new GlobalAvgPool2d();
                    outs[t - 1] = pool.forward(x).data().clone();
                    dxs[t - 1] = pool.backward(dOut).data().clone();
                }
            } finally {
                org.conv4j.kernels.Parallel.setThreads(before);
            }
            assertArrayEquals(outs[0], outs[1], "1 and 2 threads");
            assertArrayEquals(dxs[0], dxs[1], "1 and 2 threads");
            for (int pl = 0; pl < n * c; pl++) {
                assertEquals(org.conv4j.kernels.array.OrderedSum.sum(x.data(), pl * plane, plane) / plane, outs[0][pl], 0f, "plane " + pl);
                for (int i = 0; i < plane; i++) assertEquals(dOut.data()[pl] / plane, dxs[0][pl * plane + i], 0f);
            }
        }
    }
}
