package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.activation.ReLU;
import org.conv4j.layers.Layer;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * Sequential runs ReLU → MaxPool2d as one pass (MaxPool2d#forwardAfterRelu / #backwardThroughRelu). Its
 * output, its input gradient and its inference must be bitwise those of the two layers run one after the
 * other, on inputs full of what makes the two orders differ: negatives, +0 and −0, ties and NaN.
 */
class ReluPoolFusionTest {
    @Test
    void fusedPairIsBitwiseTheTwoLayers() {
        PoolConfig[] pools = {PoolConfig.of(2), PoolConfig.of(3).withStride(2).withPadding(1), PoolConfig.of(2).withCeilMode(true)};
        int[][] sizes = {{2, 3, 14, 14}, {3, 2, 7, 9}, {1, 4, 28, 28}, {2, 1, 5, 70}};
        Rng rng = new Rng(17);
        for (PoolConfig pc : pools) {
            for (int[] s : sizes) {
                Tensor x = new Tensor(s);
                float[] xs = x.data();
                for (int i = 0; i < xs.length; i++) {
                    int kind = rng.nextInt(12);
                    xs[i] = kind < 3 ? -(rng.nextFloat() + 0.1f) : kind == 3 ? -0f : kind == 4 ? 0f : kind == 5 ? Float.NaN
                            : kind == 6 ? 0.5f : rng.nextFloat();
                }
                ReLU relu = new ReLU();
                MaxPool2d pool = new MaxPool2d(pc);
                Sequential fused = new Sequential(new ReLU(), new MaxPool2d(pc));

                Tensor want = pool.forward(relu.forward(x)).copy();
                Tensor got = fused.forward(x);
                String where = pc.describe("MaxPool2d", false) + " " + java.util.Arrays.toString(s);
                assertBitwise(want, got, where + " forward");
                assertBitwise(want, fused.infer(x), where + " infer");

                Tensor dOut = new Tensor(want.shape());
                for (int i = 0; i < dOut.data().length; i++) dOut.data()[i] = i % 7 == 0 ? -0f : rng.nextFloat() - 0.5f;
                assertBitwise(relu.backward(pool.backward(dOut)), fused.backward(dOut), where + " backward");
            }
        }
    }

    @Test
    void onlyAReluDirectlyBeforeAMaxPoolIsFused() {
        // ReLU, pool, ReLU, pool, ReLU at the end: two pairs and a lone ReLU; the results match the layers one by one.
        Tensor x = new Tensor(2, 2, 8, 8);
        Rng rng = new Rng(3);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = rng.nextFloat() - 0.5f;
        Layer[] a = {new ReLU(), new MaxPool2d(2), new ReLU(), new MaxPool2d(2), new ReLU()};
        Layer[] b = {new ReLU(), new MaxPool2d(2), new ReLU(), new MaxPool2d(2), new ReLU()};
        Tensor y = x;
        for (Layer l : a) y = l.forward(y);
        Sequential s = new Sequential(b);
        assertBitwise(y.copy(), s.forward(x), "forward");
        Tensor d = new Tensor(y.shape());
        for (int i = 0; i < d.data().length; i++) d.data()[i] = rng.nextFloat();
        Tensor dx = d;
        for (int i = a.length - 1; i >= 0; i--) dx = a[i].backward(dx);
        assertBitwise(dx, s.backward(d), "backward");
    }

    private static void assertBitwise(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        for (int i = 0; i < want.data().length; i++) {
            assertEquals(Float.floatToRawIntBits(want.data()[i]), Float.floatToRawIntBits(got.data()[i]),
                    what + " at " + i + ": " + want.data()[i] + " against " + got.data()[i]);
        }
    }
}
