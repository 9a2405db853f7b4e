package org.conv4j.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Contracts of ReLU6, Clip, Hardswish, HardSigmoid, SiLU, Softmax and LogSoftmax: shapes, call order,
 * buffer reuse, infer, the conventions at kinks and NaN, extremes, config validation, threads.
 */
class OpsActivationTest {
    private static List<Layer> all() {
        return List.of(new ReLU6(), new Clip(), new Clip(ClipConfig.of(-0.5, 2)), new Hardswish(), new HardSigmoid(), new SiLU(),
                new Softmax(1), new LogSoftmax(-1), new Softmax(SoftmaxConfig.of()), new LogSoftmax(0));
    }

    @Test
    void keepShapeReuseBuffersAndInferAllocates() {
        for (Layer l : all()) {
            Tensor x = Tensor.wrap(new float[] {-4, -0.5f, 0.5f, 2, 3, 7}, 1, 2, 3);
            assertArrayEquals(new int[] {2, 3}, l.outputShape(new int[] {2, 3}));
            Tensor y1 = l.forward(x);
            assertArrayEquals(x.shape(), y1.shape(), l.describe());
            assertSame(y1, l.forward(x.copy()), l.describe() + ": output buffer reused for the same shape");
            Tensor yi = l.infer(x);
            assertNotSame(y1, yi);
            assertArrayEquals(y1.data(), yi.data(), l.describe());
            Tensor dx1 = l.backward(new Tensor(1, 2, 3).fill(1));
            assertArrayEquals(x.shape(), dx1.shape());
            assertSame(dx1, l.backward(new Tensor(1, 2, 3).fill(1)), l.describe() + ": dX buffer reused");
            assertNotSame(y1, l.forward(new Tensor(2, 3)), "new shape, new buffer");
        }
    }

    @Test
    void backwardBeforeForwardAndWrongShapesFailWithTheLayerName() {
        for (Layer l : all()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> l.backward(new Tensor(2)));
            assertTrue(e.getMessage().startsWith(l.describe()), e.getMessage());
            l.forward(new Tensor(2, 3));
            ShapeException s = assertThrows(ShapeException.class, () -> l.backward(new Tensor(3, 2)));
            assertTrue(s.getMessage().contains(l.describe()) && s.getMessage().contains("[3, 2]") && s.getMessage().contains("[2, 3]"), s.getMessage());
        }
    }

    @Test
    void clipFollowsHardtanhAtItsEndsAndForNaN() {
        Clip clip = new Clip(ClipConfig.of(-0.5, 2));
        Tensor x = Tensor.wrap(new float[] {-1, -0.5f, -0.25f, -0f, 2, 3, Float.NaN}, 7);
        float[] y = clip.forward(x).data();
        assertArrayEquals(new float[] {-0.5f, -0.5f, -0.25f, -0f, 2, 2, Float.NaN}, y);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(y[3]), "−0 passes through, as in torch");
        float[] dx = clip.backward(new Tensor(7).fill(3)).data();
        // Strictly inside passes; exactly at min_val and max_val gives 0 (hardtanh_backward); NaN passes (its scalar loop).
        assertArrayEquals(new float[] {0, 0, 3, 3, 0, 0, 3}, dx);
        assertEquals("Clip(min_val=-0.5, max_val=2.0)", clip.describe());
        assertEquals(ClipConfig.of(-1, 1), new Clip().config(), "torch.nn.Hardtanh()'s defaults");
    }

    @Test
    void relu6IsClipFromZeroToSixBitForBit() {
        Tensor x = new Tensor(3, 50);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (i % 7 == 0) ? (i % 2) * 6 : (float) Math.sin(i) * 9;
        Tensor dOut = new Tensor(3, 50).fill(1.5f);
        ReLU6 r = new ReLU6();
        Clip c = new Clip(ClipConfig.of(0, 6));
        assertArrayEquals(c.forward(x).data(), r.forward(x).data());
        assertArrayEquals(c.backward(dOut).data(), r.backward(dOut).data());
        float[] at = new ReLU6().infer(Tensor.wrap(new float[] {-1, 0, 6, 7}, 4)).data();
        assertArrayEquals(new float[] {0, 0, 6, 6}, at);
    }

    @Test
    void hardFunctionsUseTorchsElementwiseRuleAtPlusMinusThree() {
        Tensor x = Tensor.wrap(new float[] {-4, -3, 0, 3, 4, Float.NaN}, 6);
        Tensor ones = new Tensor(6).fill(1);
        Hardswish hs = new Hardswish();
        assertArrayEquals(new float[] {-0f, -0f, 0, 3, 4, Float.NaN}, hs.forward(x).data());
        assertArrayEquals(new float[] {0, -0.5f, 0.5f, 1.5f, 1, 1}, hs.backward(ones).data());
        HardSigmoid sig = new HardSigmoid();
        assertArrayEquals(new float[] {0, 0, 0.5f, 1, 1, Float.NaN}, sig.forward(x).data());
        assertArrayEquals(new float[] {0, 0, 1f / 6, 0, 0, 0}, sig.backward(ones).data());
    }

    @Test
    void hardswishGradientKeepsItsDigitsNearItsZero() {
        // dX = dOut·(x/3 + ½) vanishes at x = −1.5; in float x/3 + ½ would keep only a few digits there.
        float[] xs = {-1.5000001f, -1.4999999f, -1.4999f};
        Hardswish h = new Hardswish();
        h.forward(Tensor.wrap(xs.clone(), 3));
        float[] d = h.backward(new Tensor(3).fill(1)).data();
        for (int i = 0; i < 3; i++) {
            double want = xs[i] / 3.0 + 0.5;
            assertEquals(want, d[i], Math.abs(want) * 1e-6, "x = " + xs[i]);
        }
    }

    @Test
    void siluKeepsItsDigitsInTheTails() {
        Tensor x = Tensor.wrap(new float[] {-100, -88, -20, 20, 88, 1000, -1000}, 7);
        SiLU s = new SiLU();
        float[] y = s.forward(x).data();
        for (int i = 0; i < 5; i++) {
            double v = x.data()[i], want = v / (1 + Math.exp(-v));
            assertEquals(want, y[i], Math.abs(want) * 1e-6 + 1e-44, "SiLU(" + v + ")");
        }
        assertEquals(1000f, y[5]);
        assertEquals(-0f, y[6]);
        float[] d = s.backward(new Tensor(7).fill(1)).data();
        double v = -88, sg = 1 / (1 + Math.exp(-v));
        assertEquals(sg * (1 + v * (1 - sg)), d[1], 1e-6 * Math.abs(sg * (1 + v * (1 - sg))), "σ(x)(1 + x(1 − σ)) at −88, not 0");
        assertTrue(d[1] < 0 && d[1] > -1e-30, "a tiny negative slope: " + d[1]);
        assertEquals(1f, d[3], 1e-7f);
        assertEquals(1f, d[5]);
        assertEquals(-0f, d[6], 0f);
        // Tails and NaN inside full vectors, in place too: the same bits as forward's.
        float[] wide = new float[1500];
        for (int i = 0; i < wide.length; i++) wide[i] = (float) Math.sin(i * 0.7) * 120f;
        wide[37] = Float.NaN;
        wide[38] = -80f;
        float[] want = new SiLU().forward(Tensor.wrap(wide.clone(), wide.length)).data().clone();
        for (int i = 0; i < wide.length; i++) {
            double u = wide[i], w = u / (1 + Math.exp(-u));
            if (i != 37) assertEquals(w, want[i], Math.abs(w) * 1e-6 + 1e-44, "SiLU(" + u + ")");
        }
        assertTrue(Float.isNaN(want[37]));
        assertArrayEquals(want, new SiLU().infer(Tensor.wrap(wide.clone(), wide.length)).data());
        assertArrayEquals(want, new SiLU().inferInPlace(Tensor.wrap(wide.clone(), wide.length)).data());
    }

    @Test
    void softmaxRowsSumToOneAlongTheChosenAxis() {
        Tensor x = new Tensor(2, 3, 4);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.cos(i * 1.3) * 4;
        for (int dim = -3; dim < 3; dim++) {
            Tensor y = new Softmax(dim).forward(x);
            int axis = Math.floorMod(dim, 3);
            int[] shape = x.shape();
            int outer = 1, inner = 1;
            for (int k = 0; k < axis; k++) outer *= shape[k];
            for (int k = axis + 1; k < 3; k++) inner *= shape[k];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double s = 0;
                    for (int k = 0; k < shape[axis]; k++) s += y.data()[(o * shape[axis] + k) * inner + i];
                    assertEquals(1, s, 1e-6, "dim " + dim);
                }
            }
        }
    }

    @Test
    void softmaxImplicitDimIsTorchsLegacyChoice() {
        Tensor x3 = new Tensor(2, 3, 4), x4 = new Tensor(2, 3, 2, 2), x2 = new Tensor(5, 4);
        for (Tensor x : List.of(x3, x4, x2)) for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.sin(i);
        Softmax implicit = new Softmax(SoftmaxConfig.of());
        assertArrayEquals(new Softmax(0).forward(x3).data(), implicit.forward(x3).data(), "rank 3: dim 0");
        assertArrayEquals(new Softmax(1).forward(x4).data(), implicit.forward(x4).data(), "rank 4: dim 1");
        assertArrayEquals(new Softmax(1).forward(x2).data(), implicit.forward(x2).data(), "rank 2: dim 1");
        assertEquals("Softmax(dim=None)", implicit.describe());
        assertEquals("LogSoftmax(dim=-1)", new LogSoftmax(-1).describe());
    }

    @Test
    void softmaxDimOutOfRangeFailsNamingTheLayerAndShape() {
        Softmax s = new Softmax(3);
        ShapeException e = assertThrows(ShapeException.class, () -> s.forward(new Tensor(2, 5)));
        assertTrue(e.getMessage().contains("Softmax(dim=3)") && e.getMessage().contains("[2, 5]") && e.getMessage().contains("[-2, 1]"),
                e.getMessage());
        assertThrows(ShapeException.class, () -> new LogSoftmax(-3).infer(new Tensor(2, 5)));
        assertThrows(ShapeException.class, () -> s.outputShape(new int[] {5}), "item [5] is [N, 5] in full: no dim 3");
        assertArrayEquals(new int[] {5, 2, 2}, s.outputShape(new int[] {5, 2, 2}));
    }

    @Test
    void softmaxIsStableForHugeLogitsAndFollowsTorchForInfinities() {
        Tensor x = Tensor.wrap(new float[] {3e38f, 3e38f, -3e38f, 0, -200, Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 1}, 3, 3);
        float[] p = new Softmax(1).forward(x).data();
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 1, (float) Math.exp(-200), 0, 0, 0, 1}, p);
        float[] lp = new LogSoftmax(1).forward(x).data();
        assertArrayEquals(new float[] {(float) -Math.log(2), (float) -Math.log(2), Float.NEGATIVE_INFINITY, -0f, -200,
                Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0}, lp, 1e-6f);
        // A row of only −∞ is NaN in torch too.
        float[] nan = new Softmax(1).forward(Tensor.wrap(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1, 2)).data();
        assertTrue(Float.isNaN(nan[0]) && Float.isNaN(nan[1]));
        float[] withNan = new LogSoftmax(1).forward(Tensor.wrap(new float[] {1, Float.NaN, 2}, 1, 3)).data();
        for (float v : withNan) assertTrue(Float.isNaN(v), "a NaN spreads over its row");
    }

    @Test
    void softmaxBackwardOfAConstantGradientIsZero() {
        // Σ softmax = 1, so a dOut equal along the axis has no effect; log-softmax: dX = dOut − p·Σ dOut.
        Tensor x = Tensor.wrap(new float[] {1, 2, 3, -1, 0, 5}, 2, 3);
        Softmax s = new Softmax(1);
        s.forward(x);
        for (float v : s.backward(new Tensor(2, 3).fill(2)).data()) assertEquals(0, v, 1e-7);
        LogSoftmax l = new LogSoftmax(1);
        float[] p = s.forward(x).data().clone();
        l.forward(x);
        float[] d = l.backward(new Tensor(2, 3).fill(1)).data();
        for (int i = 0; i < 6; i++) assertEquals(1 - 3 * p[i], d[i], 1e-6);
    }

    @Test
    void clipConfigIsValidatedWithTheFieldNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.of(1, 1));
        assertTrue(e.getMessage().contains("max_val must be greater than min_val") && e.getMessage().contains("min_val=1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipConfig.of().withMinVal(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ClipConfig.of().withMaxVal(-2));
        assertEquals(ClipConfig.of(0, 6), ClipConfig.of().withMinVal(0).withMaxVal(6));
        assertEquals(SoftmaxConfig.of(2), SoftmaxConfig.of().withDim(2));
        assertEquals(SoftmaxConfig.of(), SoftmaxConfig.of(2).withImplicitDim());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxConfig(null));
    }

    @Test
    void largeTensorsGiveTheSameBitsOnOneAndThreeThreads() {
        int[] shape = {3, 7, 97, 61}; // > the parallel thresholds; odd sizes
        Tensor x = new Tensor(shape), dOut = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) { x.data()[i] = (float) Math.sin(i * 0.01) * 8; dOut.data()[i] = (float) Math.cos(i * 0.7); }
        int before = Parallel.threads();
        try {
            for (Layer l : List.of(new ReLU6(), new Clip(), new Hardswish(), new HardSigmoid(), new SiLU(), new Softmax(1),
                    new LogSoftmax(-1), new Softmax(2), new LogSoftmax(0))) {
                Parallel.setThreads(1);
                float[] y1 = l.forward(x).data().clone(), d1 = l.backward(dOut).data().clone();
                Parallel.setThreads(3);
                assertArrayEquals(y1, l.forward(x).data(), l.describe());
                assertArrayEquals(d1, l.backward(dOut).data(), l.describe());
                assertArrayEquals(y1, l.infer(x).data(), l.describe());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
