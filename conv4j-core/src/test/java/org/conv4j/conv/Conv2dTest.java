package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TestData;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class Conv2dTest {

    /** Fast path forward equals the double oracle, at awkward sizes, within float rounding. */
    @Test
    void forwardMatchesReferenceAtAwkwardSizes() {
        List<Conv2dConfig> configs = List.of(
                Conv2dConfig.of(1, 1, 1),
                Conv2dConfig.of(3, 5, 3).withPadding(1),
                Conv2dConfig.of(3, 7, 1),                                 // pointwise fast path
                Conv2dConfig.of(3, 1, 3, 1).withStride(2, 1),
                Conv2dConfig.of(5, 3, 2, 5).withPadding(0, 1, 2, 0).withDilation(2, 1),
                Conv2dConfig.of(6, 9, 3).withGroups(3).withStride(2).withPadding(1),
                Conv2dConfig.of(4, 4, 3).depthwise().same().withBias(false),
                Conv2dConfig.of(3, 6, 4).same().withDilation(1, 2),
                Conv2dConfig.of(13, 3, 13).valid());
        Rng rng = new Rng(7);
        for (Conv2dConfig c : configs) {
            for (int[] hw : new int[][] {{13, 13}, {13, 17}, {15, 14}}) {
                for (int n : new int[] {1, 3}) {
                    Conv2d conv = new Conv2d(c, rng);
                    Tensor x = TestData.uniform(rng, n, c.inChannels(), hw[0], hw[1]);
                    Tensor fast = conv.forward(x);
                    Tensor ref = ReferenceConv2d.forward(c, x, conv.weight().value(),
                            conv.bias() == null ? null : conv.bias().value());
                    assertArrayEquals(ref.shape(), fast.shape(), c.describe());
                    // float32 accumulation over K = Cg·KH·KW terms of size ≤ 1: tolerance scaled by √K
                    double k = c.inChannels() / c.groups() * c.kernelH() * c.kernelW();
                    double err = TestData.maxRelDiff(fast.data(), ref.data(), 1.0);
                    assertTrue(err < 1e-6 * Math.sqrt(k + 1), c.describe() + " " + n + "x" + hw[0] + "x" + hw[1] + ": rel diff " + err);
                    assertArrayEquals(fast.data(), conv.infer(x).data(), 0f, "infer equals forward");
                }
            }
        }
    }

    /** infer keeps no state: many threads at once get the forward's result. */
    @Test
    void inferIsSafeFromManyThreads() throws Exception {
        Conv2d conv = new Conv2d(Conv2dConfig.of(3, 5, 3).withPadding(1).withStride(2), new Rng(4));
        Tensor[] xs = new Tensor[4];
        float[][] expected = new float[4][];
        for (int i = 0; i < 4; i++) {
            xs[i] = TestData.uniform(new Rng(40 + i), 3, 3, 11, 9);
            expected[i] = conv.forward(xs[i]).data().clone();
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int which = t;
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int r = 0; r < 25; r++) ok &= java.util.Arrays.equals(expected[which], conv.infer(xs[which]).data());
                    return ok;
                }));
            }
            for (var r : results) assertTrue(r.get());
        }
    }

    @Test
    void sameKeepsSizeWithExtraPadBottomRight() {
        Conv2dConfig c = Conv2dConfig.of(2, 3, 4, 2).same();
        assertEquals(1, c.padTop());
        assertEquals(2, c.padBottom());
        assertEquals(0, c.padLeft());
        assertEquals(1, c.padRight());
        Conv2d conv = new Conv2d(c, new Rng(1));
        assertArrayEquals(new int[] {3, 9, 11}, conv.outputShape(new int[] {2, 9, 11}));
    }

    /** Seed bug 1: with pad = 0 the seed's dx crop x_pad[:, :, 0:-0, 0:-0] was empty. */
    @Test
    void backwardWithoutPaddingGivesFullInputGradient() {
        Conv2d conv = new Conv2d(Conv2dConfig.of(2, 3, 3), new Rng(3));
        Tensor x = TestData.uniform(new Rng(4), 2, 2, 6, 6);
        Tensor out = conv.forward(x);
        Tensor dOut = TestData.uniform(new Rng(5), out.shape());
        Tensor dX = conv.backward(dOut);
        assertArrayEquals(new int[] {2, 2, 6, 6}, dX.shape());
        // Every input pixel of a stride-1, pad-0 conv touches some output: no pixel's gradient is exactly 0.
        for (float v : dX.data()) assertNotEquals(0f, v);
    }

    /** Seed bug 2: the seed swapped KH and KW, so non-square kernels gave wrong shapes and values. */
    @Test
    void nonSquareKernelKeepsHeightAndWidth() {
        Conv2dConfig c = Conv2dConfig.of(1, 1, 1, 3);  // 1 row, 3 columns
        Conv2d conv = new Conv2d(c, new Rng(1));
        float[] w = conv.weight().value().data();
        w[0] = 1; w[1] = 10; w[2] = 100;
        conv.bias().value().data()[0] = 0;
        Tensor x = new Tensor(1, 1, 2, 4);
        for (int i = 0; i < 8; i++) x.data()[i] = i;    // rows [0 1 2 3], [4 5 6 7]
        Tensor out = conv.forward(x);
        assertArrayEquals(new int[] {1, 1, 2, 2}, out.shape());
        assertArrayEquals(new float[] {0 + 10 + 200, 1 + 20 + 300, 4 + 50 + 600, 5 + 60 + 700}, out.data());
        assertArrayEquals(new int[] {1, 4, 1}, new Conv2d(Conv2dConfig.of(1, 1, 3, 1), new Rng(1)).outputShape(new int[] {1, 6, 1}));
    }

    @Test
    void gradientsAreBitwiseIdenticalForAnyThreadCount() {
        Conv2dConfig c = Conv2dConfig.of(3, 4, 3).withPadding(1);
        Tensor x = TestData.uniform(new Rng(9), 19, 3, 9, 9);
        float[][] results = new float[3][];
        int before = Parallel.threads();
        try {
            int[] threads = {1, 2, 4};
            for (int t = 0; t < 3; t++) {
                Parallel.setThreads(threads[t]);
                Conv2d conv = new Conv2d(c, new Rng(2));
                Tensor out = conv.forward(x);
                Tensor dOut = TestData.uniform(new Rng(10), out.shape());
                Tensor dX = conv.backward(dOut);
                float[] w = conv.weight().grad().data(), b = conv.bias().grad().data();
                float[] all = new float[w.length + b.length + dX.size()];
                System.arraycopy(w, 0, all, 0, w.length);
                System.arraycopy(b, 0, all, w.length, b.length);
                System.arraycopy(dX.data(), 0, all, w.length + b.length, dX.size());
                results[t] = all;
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
    }

    /** The first (interpreted) and the thousandth (JIT-compiled) backward give the same bits. */
    @Test
    void gradientsDoNotChangeOnceJitCompiled() {
        // Small enough that 20 000 rounds take well under a second once compiled, many enough that the JIT
        // compiles every kernel on the way (a vector lane reduction once changed its rounding there).
        Conv2d conv = new Conv2d(Conv2dConfig.of(1, 2, 3).withPadding(1), new Rng(8));
        Tensor x = TestData.uniform(new Rng(9), 1, 1, 5, 7);
        Tensor dOut = TestData.uniform(new Rng(10), conv.forward(x).shape());
        float[] cold = run(conv, x, dOut);
        for (int i = 0; i < 20_000; i++) {
            float[] hot = run(conv, x, dOut);
            if (!java.util.Arrays.equals(cold, hot)) fail("gradients changed at call " + (i + 2));
        }
    }

    /** out, dX, dWeight and dBias of one fresh forward/backward, concatenated. */
    private static float[] run(Conv2d conv, Tensor x, Tensor dOut) {
        conv.weight().grad().zero();
        conv.bias().grad().zero();
        float[] out = conv.forward(x).data().clone(), dX = conv.backward(dOut).data();
        float[] w = conv.weight().grad().data(), b = conv.bias().grad().data();
        float[] all = new float[out.length + dX.length + w.length + b.length];
        System.arraycopy(out, 0, all, 0, out.length);
        System.arraycopy(dX, 0, all, out.length, dX.length);
        System.arraycopy(w, 0, all, out.length + dX.length, w.length);
        System.arraycopy(b, 0, all, out.length + dX.length + w.length, b.length);
        return all;
    }

    @Test
    void backwardAddsIntoGradients() {
        Conv2d conv = new Conv2d(Conv2dConfig.of(2, 2, 3).withPadding(1), new Rng(1));
        Tensor x = TestData.uniform(new Rng(2), 2, 2, 5, 5);
        Tensor dOut = TestData.uniform(new Rng(3), conv.forward(x).shape());
        conv.backward(dOut);
        float[] once = conv.weight().grad().data().clone();
        conv.forward(x);
        conv.backward(dOut);
        float[] twice = conv.weight().grad().data().clone();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5f * Math.max(1, Math.abs(once[i])));
        // Same shape, same buffers: forward and backward reuse their output tensors.
        Tensor out1 = conv.forward(x), dX1 = conv.backward(dOut);
        assertSame(out1, conv.forward(x));
        assertSame(dX1, conv.backward(dOut));
    }

    @Test
    void invalidConfigurationsFailAtConstructionNamingTheField() {
        assertMessage(() -> Conv2dConfig.of(3, 4, 3).withStride(0), "Conv2dConfig.stride");
        assertMessage(() -> Conv2dConfig.of(3, 4, 0), "Conv2dConfig.kernel");
        assertMessage(() -> Conv2dConfig.of(3, 4, 3).withGroups(2), "Conv2dConfig.groups");
        assertMessage(() -> Conv2dConfig.of(4, 6, 3).withGroups(4), "does not divide outChannels 6");
        assertMessage(() -> Conv2dConfig.of(3, 4, 3).withPadding(-1), "Conv2dConfig.padding");
        assertMessage(() -> Conv2dConfig.of(3, 4, 3).withDilation(0), "Conv2dConfig.dilation");
        assertMessage(() -> Conv2dConfig.of(3, 4, 3).withStride(2).same(), "'same' needs stride 1");
        assertMessage(() -> Conv2dConfig.of(0, 4, 3), "Conv2dConfig.inChannels");
        // Kernel larger than the padded input: at outputShape (model construction) and at forward.
        Conv2d big = new Conv2d(Conv2dConfig.of(1, 1, 5).withPadding(1), new Rng(1));
        assertMessage(() -> big.outputShape(new int[] {1, 2, 8}), "Conv2d(1->1, k5x5, s1, p1): kernel 5x5 is larger than the padded input 4x10");
        assertMessage(() -> big.forward(new Tensor(1, 1, 2, 8)), "larger than the padded input");
        Conv2d dilated = new Conv2d(Conv2dConfig.of(1, 1, 3).withDilation(3), new Rng(1));
        assertMessage(() -> dilated.forward(new Tensor(1, 1, 6, 6)), "dilated to 7x7");
    }

    @Test
    void wrongInputShapeNamesLayerAndBothShapes() {
        Conv2d conv = new Conv2d(Conv2dConfig.of(3, 4, 3), new Rng(1));
        ShapeException rank = assertThrows(ShapeException.class, () -> conv.forward(new Tensor(3, 8, 8)));
        assertEquals("Conv2d(3->4, k3x3, s1, p0): x has shape [3, 8, 8] but expected [?, 3, ?, ?]", rank.getMessage());
        ShapeException channels = assertThrows(ShapeException.class, () -> conv.forward(new Tensor(2, 1, 8, 8)));
        assertTrue(channels.getMessage().contains("[2, 1, 8, 8]") && channels.getMessage().contains("[?, 3, ?, ?]"));
        assertThrows(ShapeException.class, () -> conv.outputShape(new int[] {1, 8, 8}));
        conv.forward(new Tensor(2, 3, 8, 8));
        ShapeException dOut = assertThrows(ShapeException.class, () -> conv.backward(new Tensor(2, 4, 5, 6)));
        assertTrue(dOut.getMessage().contains("dOut has shape [2, 4, 5, 6] but expected [2, 4, 6, 6]"), dOut.getMessage());
    }

    @Test
    void paramsAreNamedLikeTorch() {
        Conv2d conv = new Conv2d(Conv2dConfig.of(4, 8, 3).withGroups(2), new Rng(1));
        assertEquals(List.of("weight", "bias"), conv.params().stream().map(p -> p.name()).toList());
        assertArrayEquals(new int[] {8, 2, 3, 3}, conv.weight().value().shape());
        assertNull(new Conv2d(Conv2dConfig.of(4, 8, 3).withBias(false), new Rng(1)).bias());
        // torch default init: U(±1/√fanIn), fanIn = 2·3·3
        double bound = 1 / Math.sqrt(18);
        for (float v : conv.weight().value().data()) assertTrue(Math.abs(v) <= bound);
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), () -> "message '" + ex.getMessage() + "' lacks '" + expected + "'");
    }
}
