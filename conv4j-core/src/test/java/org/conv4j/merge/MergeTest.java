package org.conv4j.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Add, Mul and Concat on small tensors whose results are written out by hand. */
class MergeTest {
    private static Tensor t(float[] v, int... shape) { return Tensor.wrap(v, shape); }

    private static Tensor range(int... shape) {
        Tensor x = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = i + 1;
        return x;
    }

    @Test
    void addSameShapeAndBroadcastOverPlanes() {
        Add add = new Add();
        Tensor a = range(2, 2, 1, 2);                            // [N=2, C=2, 1, 2]: 1..8
        Tensor b = t(new float[] {10, 20, 30, 40}, 2, 2, 1, 1);  // one value per (n, c)
        Tensor y = add.forward(List.of(a, b));
        assertArrayEquals(new float[] {11, 12, 23, 24, 35, 36, 47, 48}, y.data());
        assertArrayEquals(y.data(), add.infer(List.of(a, b)).data());
        Tensor dOut = range(2, 2, 1, 2);
        List<Tensor> d = add.backward(dOut);
        assertSame(dOut, d.get(0), "a same-shaped input's gradient is dOut itself");
        assertArrayEquals(new float[] {3, 7, 11, 15}, d.get(1).data(), "summed over the plane");
        assertArrayEquals(new int[] {2, 2, 1, 1}, d.get(1).shape());

        Tensor s = t(new float[] {100, 200}, 2, 1);              // item [1]: one value per image, over everything
        Tensor y3 = new Add().infer(List.of(a, b, s));
        assertArrayEquals(new float[] {111, 112, 123, 124, 235, 236, 247, 248}, y3.data());
        assertArrayEquals(new int[] {2, 1, 2}, new Add().outputShape(List.of(new int[] {2, 1, 2}, new int[] {2, 1, 1}, new int[] {1})));
    }

    @Test
    void mulGatesChannelsAndItsGradientSumsOverThePlane() {
        Mul mul = new Mul();
        Tensor x = range(1, 2, 2, 2);                              // [1, 2, 2, 2]: 1..8
        Tensor s = t(new float[] {0.5f, 2f}, 1, 2, 1, 1);          // squeeze-excitation gate
        Tensor y = mul.forward(List.of(x, s));
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 10, 12, 14, 16}, y.data());
        Tensor dOut = t(new float[] {1, 1, 1, 1, 1, 0, 0, -1}, 1, 2, 2, 2);
        List<Tensor> d = mul.backward(dOut);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 2, 0, 0, -2}, d.get(0).data(), "dX = dOut * s");
        assertArrayEquals(new float[] {1 + 2 + 3 + 4, 5 - 8}, d.get(1).data(), "ds = sum of dOut * x over the plane");
        // either order: the gate first
        Tensor y2 = new Mul().infer(List.of(s, x));
        assertArrayEquals(y.data(), y2.data());
    }

    @Test
    void aGateOverPlanesGivesTheElementProductsBits() {
        // The gate path (each gate value times a run of the plane) against x[i] · s[c] element by element, with
        // −0, NaN, infinities and products that round, in place and not, over more planes than one task takes.
        org.conv4j.util.Rng rng = new org.conv4j.util.Rng(3);
        int n = 2, c = 40, h = 23, w = 29, plane = h * w;
        Tensor x = new Tensor(n, c, h, w), s = new Tensor(n, c, 1, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian() * 1e3f;
        for (int i = 0; i < s.size(); i++) s.data()[i] = rng.nextFloat();
        x.data()[0] = -0f; x.data()[1] = Float.NaN; x.data()[2] = Float.POSITIVE_INFINITY; s.data()[1] = -0f; s.data()[2] = 0f;
        float[] want = new float[x.size()];
        for (int i = 0; i < want.length; i++) want[i] = x.data()[i] * s.data()[i / plane];
        assertArrayEquals(want, new Mul().infer(List.of(x, s)).data(), "gate");
        assertArrayEquals(want, new Mul().forward(List.of(x, s)).data(), "gate, training forward");
        Tensor own = x.copy();
        assertArrayEquals(want, new Mul().inferInPlace(List.of(own, s)).data(), "gate in place");
        for (int i = 0; i < want.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(own.data()[i]), "element " + i);
        }
    }

    @Test
    void concatJoinsChannelsAndSplitsTheGradient() {
        Concat cat = new Concat();
        Tensor a = range(2, 1, 1, 2);        // [2, 1, 1, 2]: 1..4
        Tensor b = t(new float[] {10, 20, 30, 40, 50, 60, 70, 80}, 2, 2, 1, 2);
        Tensor y = cat.forward(List.of(a, b));
        assertArrayEquals(new int[] {2, 3, 1, 2}, y.shape());
        assertArrayEquals(new float[] {1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80}, y.data());
        List<Tensor> d = cat.backward(y);
        assertArrayEquals(a.data(), d.get(0).data());
        assertArrayEquals(b.data(), d.get(1).data());
        assertArrayEquals(new int[] {3, 1, 2}, cat.outputShape(List.of(new int[] {1, 1, 2}, new int[] {2, 1, 2})));
        // the last dimension
        Tensor w = new Concat(ConcatConfig.of(-1)).infer(List.of(a, a));
        assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 3, 4}, w.data());
        assertArrayEquals(new int[] {2, 1, 1, 4}, w.shape());
        // one input is the identity
        assertArrayEquals(a.data(), new Concat().infer(List.of(a)).data());
    }

    @Test
    void shapesThatDoNotFitNameTheInput() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> new Add().outputShape(List.of(new int[] {4, 8, 8}, new int[] {3, 8, 8})));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("[3, 8, 8]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> new Concat().outputShape(List.of(new int[] {4, 8, 8}, new int[] {3, 4, 8})));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("[3, 4, 8]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> new Mul().forward(List.of(new Tensor(2, 3), new Tensor(3, 3))));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Mul().infer(List.of(new Tensor(2, 3))));
        assertThrows(IllegalArgumentException.class, () -> ConcatConfig.of(0));
        assertThrows(IllegalStateException.class, () -> new Add().backward(new Tensor(1)));
        assertEquals("Concat(dim=1)", new Concat().describe());
    }
}
