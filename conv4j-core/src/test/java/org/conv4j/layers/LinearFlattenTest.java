package org.conv4j.layers;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TestData;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class LinearFlattenTest {

    @Test
    void linearComputesXTimesWeightTransposedPlusBias() {
        Linear lin = new Linear(LinearConfig.of(3, 2), new Rng(1));
        System.arraycopy(new float[] {1, 2, 3, -1, 0, 1}, 0, lin.weight().value().data(), 0, 6);  // [out=2, in=3]
        System.arraycopy(new float[] {10, 20}, 0, lin.bias().value().data(), 0, 2);
        Tensor x = Tensor.wrap(new float[] {1, 1, 1, 2, 0, -1}, 2, 3);
        Tensor y = lin.forward(x);
        assertArrayEquals(new float[] {16, 20, 9, 17}, y.data());
        Tensor dX = lin.backward(Tensor.wrap(new float[] {1, 0, 0, 1}, 2, 2));
        assertArrayEquals(new float[] {1, 2, 3, -1, 0, 1}, dX.data());           // dOut · W
        assertArrayEquals(new float[] {1, 1, 1, 2, 0, -1}, lin.weight().grad().data()); // dOutᵀ · x
        assertArrayEquals(new float[] {1, 1}, lin.bias().grad().data());
        assertArrayEquals(y.data(), lin.infer(x).data());
    }

    @Test
    void linearAtAwkwardSizesMatchesDirectLoops() {
        Rng rng = new Rng(3);
        for (int[] s : new int[][] {{1, 1, 1}, {3, 13, 1}, {13, 7, 5}, {2, 64, 33}}) {
            int n = s[0], in = s[1], out = s[2];
            Linear lin = new Linear(LinearConfig.of(in, out), rng);
            Tensor x = TestData.uniform(rng, n, in);
            Tensor y = lin.forward(x);
            float[] w = lin.weight().value().data(), b = lin.bias().value().data();
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) {
                    double e = b[o];
                    for (int i = 0; i < in; i++) e += (double) x.data()[r * in + i] * w[o * in + i];
                    assertEquals(e, y.data()[r * out + o], 1e-6 * Math.sqrt(in) * Math.max(1, Math.abs(e)));
                }
            }
        }
    }

    @Test
    void linearConfigAndShapesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> LinearConfig.of(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearConfig.of(3, -1));
        assertTrue(e.getMessage().startsWith("LinearConfig.outFeatures"));
        Linear lin = new Linear(LinearConfig.of(4, 2).withBias(false), new Rng(1));
        assertNull(lin.bias());
        assertEquals(List.of("weight"), lin.params().stream().map(Param::name).toList());
        ShapeException s = assertThrows(ShapeException.class, () -> lin.forward(new Tensor(2, 5)));
        assertEquals("Linear(4->2, no bias): x has shape [2, 5] but expected [?, 4]", s.getMessage());
        assertThrows(ShapeException.class, () -> lin.outputShape(new int[] {2, 2}));
        assertArrayEquals(new int[] {2}, lin.outputShape(new int[] {4}));
    }

    @Test
    void flattenKeepsBatchAndRestoresShapeInBackward() {
        Flatten f = new Flatten();
        Tensor x = TestData.uniform(new Rng(1), 2, 3, 4, 5);
        Tensor y = f.forward(x);
        assertArrayEquals(new int[] {2, 60}, y.shape());
        assertSame(x.data(), y.data());
        Tensor dX = f.backward(TestData.uniform(new Rng(2), 2, 60));
        assertArrayEquals(new int[] {2, 3, 4, 5}, dX.shape());
        assertArrayEquals(new int[] {60}, f.outputShape(new int[] {3, 4, 5}));
        assertThrows(ShapeException.class, () -> f.backward(new Tensor(2, 59)));
    }
}
