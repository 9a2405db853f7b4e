package org.conv4j.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** LayerNorm2d and LayerNorm: parameters, shapes, config checks, statistics, agreement with each other, threads. */
class LayerNormTest {
    private static Tensor ramp(int... shape) {
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) (Math.sin(i * 0.37) * 2 + 0.5);
        return t;
    }

    @Test
    void parametersAreWeightOnesAndBiasZerosOfTheNormalisedShape() {
        LayerNorm2d ln2d = new LayerNorm2d(6);
        assertEquals(List.of("weight", "bias"), ln2d.params().stream().map(Param::name).toList());
        assertArrayEquals(new int[] {6}, ln2d.weight().value().shape());
        for (float v : ln2d.weight().value().data()) assertEquals(1f, v);
        for (float v : ln2d.bias().value().data()) assertEquals(0f, v);
        assertTrue(ln2d.params().stream().allMatch(Param::isTrainable));
        assertEquals(1e-6, ln2d.config().eps(), "ConvNeXt's eps");
        assertEquals("LayerNorm2d(6)", ln2d.describe());
        LayerNorm2d plain = new LayerNorm2d(LayerNorm2dConfig.of(3).withElementwiseAffine(false).withEps(1e-3));
        assertEquals(List.of(), plain.params());
        assertNull(plain.weight());
        assertEquals("LayerNorm2d(3, eps=0.001, elementwise_affine=false)", plain.describe());

        LayerNorm ln = new LayerNorm(4, 5);
        assertArrayEquals(new int[] {4, 5}, ln.weight().value().shape());
        assertArrayEquals(new int[] {4, 5}, ln.bias().grad().shape());
        assertEquals(1e-5, ln.config().eps(), "torch.nn.LayerNorm's eps");
        assertEquals("LayerNorm((4, 5))", ln.describe());
        assertEquals("LayerNorm((7,), elementwise_affine=false)", new LayerNorm(LayerNormConfig.of(7).withElementwiseAffine(false)).describe());
    }

    @Test
    void eachPositionIsNormalisedOverItsChannels() {
        Tensor x = ramp(2, 5, 3, 1);
        float[] y = new LayerNorm2d(5).forward(x).data();
        for (int n = 0; n < 2; n++) {
            for (int s = 0; s < 3; s++) {
                double sum = 0, sq = 0;
                for (int c = 0; c < 5; c++) sum += y[(n * 5 + c) * 3 + s];
                for (int c = 0; c < 5; c++) sq += y[(n * 5 + c) * 3 + s] * y[(n * 5 + c) * 3 + s];
                assertEquals(0, sum / 5, 1e-6);
                assertEquals(1, sq / 5, 1e-4, "biased variance 1 up to eps");
            }
        }
    }

    @Test
    void layerNorm2dIsLayerNormOverChannelsLast() {
        int n = 2, c = 5, h = 3, w = 4;
        Tensor x = ramp(n, c, h, w), dOut = new Tensor(n, c, h, w);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) Math.cos(i * 0.91);
        LayerNorm2d a = new LayerNorm2d(LayerNorm2dConfig.of(c).withEps(1e-5));
        LayerNorm b = new LayerNorm(c);
        for (int k = 0; k < c; k++) {
            a.weight().value().data()[k] = b.weight().value().data()[k] = 0.5f + k * 0.25f;
            a.bias().value().data()[k] = b.bias().value().data()[k] = k * 0.1f - 0.2f;
        }
        float[] ya = a.forward(x).data(), dxa = a.backward(dOut).data();
        float[] yb = toChannelsFirst(b.forward(toChannelsLast(x)), n, c, h, w), dxb = toChannelsFirst(b.backward(toChannelsLast(dOut)), n, c, h, w);
        assertArrayEquals(yb, ya, 1e-6f);
        assertArrayEquals(dxb, dxa, 1e-5f);
        assertArrayEquals(b.weight().grad().data(), a.weight().grad().data(), 1e-5f);
        assertArrayEquals(b.bias().grad().data(), a.bias().grad().data(), 1e-5f);
    }

    private static Tensor toChannelsLast(Tensor t) {
        int n = t.dim(0), c = t.dim(1), h = t.dim(2), w = t.dim(3);
        Tensor r = new Tensor(n, h, w, c);
        for (int i = 0; i < n; i++) for (int k = 0; k < c; k++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            r.data()[((i * h + y) * w + x) * c + k] = t.data()[((i * c + k) * h + y) * w + x];
        }
        return r;
    }

    private static float[] toChannelsFirst(Tensor t, int n, int c, int h, int w) {
        float[] r = new float[t.size()];
        for (int i = 0; i < n; i++) for (int k = 0; k < c; k++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            r[((i * c + k) * h + y) * w + x] = t.data()[((i * h + y) * w + x) * c + k];
        }
        return r;
    }

    @Test
    void gradientsAccumulateAndOneChannelGivesBiasOnly() {
        LayerNorm2d l = new LayerNorm2d(1);
        l.bias().value().data()[0] = 0.25f;
        Tensor x = ramp(2, 1, 2, 2), g = new Tensor(2, 1, 2, 2).fill(1);
        for (float v : l.forward(x).data()) assertEquals(0.25f, v, "x̂ = 0 with one channel");
        for (float v : l.backward(g).data()) assertEquals(0f, v);
        assertEquals(8f, l.bias().grad().data()[0]);
        l.backward(g);
        assertEquals(16f, l.bias().grad().data()[0], "backward adds into the gradients");
    }

    @Test
    void wrongShapesFailNamingTheLayerAndBothShapes() {
        LayerNorm2d l = new LayerNorm2d(4);
        ShapeException e = assertThrows(ShapeException.class, () -> l.forward(new Tensor(2, 3, 5, 5)));
        assertTrue(e.getMessage().contains("LayerNorm2d(4)") && e.getMessage().contains("[2, 3, 5, 5]") && e.getMessage().contains("[?, 4, ?, ?]"),
                e.getMessage());
        assertThrows(ShapeException.class, () -> l.infer(new Tensor(2, 4, 5)));
        assertThrows(ShapeException.class, () -> l.outputShape(new int[] {3, 5, 5}));
        assertArrayEquals(new int[] {4, 1, 1}, l.outputShape(new int[] {4, 1, 1}));
        assertThrows(IllegalStateException.class, () -> l.backward(new Tensor(2, 4, 1, 1)));
        l.forward(new Tensor(2, 4, 1, 1));
        assertThrows(ShapeException.class, () -> l.backward(new Tensor(2, 4, 1, 2)));

        LayerNorm ln = new LayerNorm(4, 5);
        ShapeException s = assertThrows(ShapeException.class, () -> ln.forward(new Tensor(2, 5, 4)));
        assertTrue(s.getMessage().contains("LayerNorm((4, 5))") && s.getMessage().contains("[2, 5, 4]") && s.getMessage().contains("[?, 4, 5]"),
                s.getMessage());
        assertThrows(ShapeException.class, () -> ln.forward(new Tensor(4, 5)), "the batch dimension is not normalised");
        assertArrayEquals(new int[] {4, 5}, ln.outputShape(new int[] {4, 5}));
        assertArrayEquals(new int[] {3, 4, 5}, ln.outputShape(new int[] {3, 4, 5}));
        assertThrows(ShapeException.class, () -> ln.outputShape(new int[] {5}));
        assertArrayEquals(new int[] {2, 3, 4, 5}, ln.forward(new Tensor(2, 3, 4, 5)).shape(), "any leading dimensions");
    }

    @Test
    void configsAreValidatedWithTheFieldNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerNorm2dConfig.of(0));
        assertTrue(e.getMessage().contains("num_channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerNorm2dConfig.of(3).withEps(-1e-6));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm2dConfig.of(3).withEps(Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> LayerNormConfig.of());
        assertTrue(e.getMessage().contains("normalized_shape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerNormConfig.of(3, 0));
        assertThrows(IllegalArgumentException.class, () -> LayerNormConfig.of(1 << 20, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> LayerNormConfig.of(4).withEps(Double.POSITIVE_INFINITY));
        int[] shape = {4, 5};
        LayerNormConfig c = LayerNormConfig.of(shape);
        shape[0] = 9;
        assertArrayEquals(new int[] {4, 5}, c.normalizedShape(), "the config keeps its own copy");
        assertEquals(LayerNormConfig.of(4, 5), c);
        assertEquals(LayerNormConfig.of(4, 5).hashCode(), c.hashCode());
        assertNotEquals(LayerNormConfig.of(4, 5), LayerNormConfig.of(4, 5).withEps(1e-6));
    }

    @Test
    void largeInputsGiveTheSameBitsOnOneAndThreeThreads() {
        Tensor x = ramp(5, 24, 31, 17), dOut = ramp(5, 24, 31, 17);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) Math.cos(i * 1.7);
        int before = Parallel.threads();
        try {
            for (Layer l : List.of(new LayerNorm2d(24), new LayerNorm(17), new LayerNorm(24, 31, 17))) {
                Parallel.setThreads(1);
                float[] y1 = l.forward(x).data().clone(), d1 = l.backward(dOut).data().clone();
                float[] w1 = l.params().get(0).grad().data().clone(), b1 = l.params().get(1).grad().data().clone();
                for (Param p : l.params()) p.grad().zero();
                Parallel.setThreads(3);
                assertArrayEquals(y1, l.forward(x).data(), l.describe());
                assertArrayEquals(d1, l.backward(dOut).data(), l.describe());
                assertArrayEquals(w1, l.params().get(0).grad().data(), l.describe());
                assertArrayEquals(b1, l.params().get(1).grad().data(), l.describe());
                assertArrayEquals(y1, l.infer(x).data(), l.describe());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void buffersAreReusedForTheSameShape() {
        LayerNorm2d l = new LayerNorm2d(3);
        Tensor x = ramp(2, 3, 2, 2);
        Tensor y = l.forward(x);
        assertSame(y, l.forward(x.copy()));
        Tensor d = l.backward(new Tensor(2, 3, 2, 2).fill(1));
        assertSame(d, l.backward(new Tensor(2, 3, 2, 2).fill(1)));
    }
}
