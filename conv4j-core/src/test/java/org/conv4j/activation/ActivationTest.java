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

/** Contracts every activation keeps: shapes, call order, buffer reuse, infer, extremes, threads. */
class ActivationTest {
    private static List<Layer> all() {
        return List.of(new ReLU(), new LeakyReLU(), new Sigmoid(), new Tanh(), new GELU());
    }

    @Test
    void keepShapeReuseBuffersAndInferAllocates() {
        for (Layer l : all()) {
            Tensor x = Tensor.wrap(new float[] {-2, -0.5f, 0.5f, 2, 3, -3}, 1, 2, 3);
            assertArrayEquals(new int[] {2, 3}, l.outputShape(new int[] {2, 3}));
            Tensor y1 = l.forward(x);
            assertArrayEquals(x.shape(), y1.shape(), l.describe());
            Tensor y2 = l.forward(x.copy());
            assertSame(y1, y2, l.describe() + ": output buffer reused for the same shape");
            Tensor yi = l.infer(x);
            assertNotSame(y1, yi);
            assertArrayEquals(y1.data(), yi.data(), l.describe());
            Tensor dx = l.backward(new Tensor(1, 2, 3).fill(1));
            assertArrayEquals(x.shape(), dx.shape());
            assertNotSame(l.forward(new Tensor(2, 3)), y1, "new shape, new buffer");
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
    void valuesAtKnownPoints() {
        Tensor x = Tensor.wrap(new float[] {-1, 0, 1, Float.NaN}, 4);
        assertArrayEquals(new float[] {0, 0, 1, Float.NaN}, new ReLU().infer(x).data(), "ReLU keeps NaN visible");
        assertArrayEquals(new float[] {-0.01f, 0, 1, Float.NaN}, new LeakyReLU().infer(x).data());
        assertArrayEquals(new float[] {-0.2f, 0, 1, Float.NaN}, new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(0.2)).infer(x).data());
        // torch: F.gelu(tensor([-1., 0., 1.])) = [-0.15865525, 0, 0.8413447]
        float[] g = new GELU().infer(Tensor.wrap(new float[] {-1, 0, 1}, 3)).data();
        assertArrayEquals(new float[] {-0.15865525f, 0f, 0.8413447f}, g, 1e-7f);
    }

    @Test
    void extremeInputsNeitherOverflowNorLoseTheGradient() {
        Tensor x = Tensor.wrap(new float[] {-1000, -30, 30, 1000}, 4);
        Sigmoid s = new Sigmoid();
        assertArrayEquals(new float[] {0, (float) (1 / (1 + Math.exp(30))), 1, 1}, s.forward(x).data());
        float[] ds = s.backward(new Tensor(4).fill(1)).data();
        assertEquals(Math.exp(-30) / Math.pow(1 + Math.exp(-30), 2), ds[1], 1e-20, "σ'(-30) keeps its relative accuracy");
        assertEquals(ds[1], ds[2]);
        assertEquals(0f, ds[0]);
        Tanh t = new Tanh();
        assertArrayEquals(new float[] {-1, -1, 1, 1}, t.forward(x).data());
        float[] dt = t.backward(new Tensor(4).fill(1)).data();
        assertEquals(4 * Math.exp(-60), dt[1], 1e-30);
        GELU gelu = new GELU();
        assertArrayEquals(new float[] {0, 0, 30, 1000}, gelu.forward(x).data(), 0f);
        float[] dg = gelu.backward(new Tensor(4).fill(1)).data();
        assertArrayEquals(new float[] {0, 0, 1, 1}, dg, 0f);
    }

    @Test
    void leakyReluConfigDefaultsAndValidation() {
        assertEquals(0.01, LeakyReluConfig.of().negativeSlope());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeakyReluConfig.of().withNegativeSlope(Double.NaN));
        assertTrue(e.getMessage().contains("LeakyReLU") && e.getMessage().contains("negativeSlope"), e.getMessage());
    }

    @Test
    void largeTensorsGiveTheSameBitsOnOneAndTwoThreads() {
        int n = 300_001;
        Tensor x = new Tensor(n);
        for (int i = 0; i < n; i++) x.data()[i] = (float) Math.sin(i * 0.01) * 5;
        Tensor dOut = new Tensor(n).fill(0.5f);
        int before = Parallel.threads();
        try {
            for (Layer l : all()) {
                Parallel.setThreads(1);
                float[] y1 = l.forward(x).data().clone(), d1 = l.backward(dOut).data().clone();
                Parallel.setThreads(2);
                assertArrayEquals(y1, l.forward(x).data(), l.describe());
                assertArrayEquals(d1, l.backward(dOut).data(), l.describe());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
