package org.conv4j.functional;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TestData;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** Functional runs the layers' kernels: results are bitwise the layers' results. */
class FunctionalTest {

    @Test
    void conv2dEqualsTheLayerBitwise() {
        Conv2dConfig c = Conv2dConfig.of(4, 6, 3, 2).withStride(2, 1).withPadding(1, 0, 1, 1).withGroups(2).withDilation(1, 2);
        Conv2d conv = new Conv2d(c, new Rng(1));
        Tensor x = TestData.uniform(new Rng(2), 3, 4, 9, 8);
        Tensor out = conv.forward(x);
        Tensor dOut = TestData.uniform(new Rng(3), out.shape());
        Tensor dX = conv.backward(dOut);

        var fwd = Functional.conv2d(x, conv.weight().value(), conv.bias().value(), c);
        assertArrayEquals(out.data(), fwd.out().data());
        Functional.Grads g = Functional.conv2dBackward(dOut, fwd.cache());
        assertArrayEquals(dX.data(), g.dX().data());
        assertArrayEquals(conv.weight().grad().data(), g.dWeight().data());
        assertArrayEquals(conv.bias().grad().data(), g.dBias().data());
    }

    @Test
    void conv2dTorchStyleOverloadDerivesShapesFromTheWeight() {
        Tensor x = TestData.uniform(new Rng(4), 2, 3, 6, 6);
        Tensor w = TestData.uniform(new Rng(5), 5, 3, 3, 3);
        var fwd = Functional.conv2d(x, w, null, 2, 1);
        assertArrayEquals(new int[] {2, 5, 3, 3}, fwd.out().shape());
        Functional.Grads g = Functional.conv2dBackward(TestData.uniform(new Rng(6), 2, 5, 3, 3), fwd.cache());
        assertNull(g.dBias());
        assertArrayEquals(w.shape(), g.dWeight().shape());
        assertArrayEquals(x.shape(), g.dX().shape());
        // grouped: w [F, C/groups, KH, KW]
        var grouped = Functional.conv2d(x, TestData.uniform(new Rng(7), 6, 1, 3, 3), null, 1, 1, 1, 3);
        assertArrayEquals(new int[] {2, 6, 6, 6}, grouped.out().shape());
    }

    @Test
    void poolingAndLinearEqualTheLayers() {
        Tensor x = TestData.uniform(new Rng(8), 2, 3, 7, 7);
        PoolConfig p = PoolConfig.of(3).withStride(2).withPadding(1).withCeilMode(true);
        MaxPool2d max = new MaxPool2d(p);
        Tensor out = max.forward(x);
        var fwd = Functional.maxPool2d(x, p);
        assertArrayEquals(out.data(), fwd.out().data());
        Tensor dOut = TestData.uniform(new Rng(9), out.shape());
        assertArrayEquals(max.backward(dOut).data(), Functional.maxPool2dBackward(dOut, fwd.cache()).dX().data());
        assertThrows(IllegalArgumentException.class, () -> Functional.avgPool2dBackward(dOut, fwd.cache()));

        Linear lin = new Linear(LinearConfig.of(5, 3), new Rng(10));
        Tensor xl = TestData.uniform(new Rng(11), 4, 5);
        Tensor yl = lin.forward(xl);
        var lf = Functional.linear(xl, lin.weight().value(), lin.bias().value());
        assertArrayEquals(yl.data(), lf.out().data());
        Tensor dl = TestData.uniform(new Rng(12), 4, 3);
        Functional.Grads g = Functional.linearBackward(dl, lf.cache());
        assertArrayEquals(lin.backward(dl).data(), g.dX().data());
        assertArrayEquals(lin.weight().grad().data(), g.dWeight().data());
        assertArrayEquals(lin.bias().grad().data(), g.dBias().data());
    }

    @Test
    void shapeMistakesNameTheFunctionAndBothShapes() {
        Tensor x = new Tensor(2, 3, 6, 6);
        ShapeException e = assertThrows(ShapeException.class,
                () -> Functional.conv2d(x, new Tensor(4, 2, 3, 3), null, 1, 0));
        assertTrue(e.getMessage().contains("weight has shape [4, 2, 3, 3] but expected [4, 3, 3, 3]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Functional.conv2d(x, new Tensor(4, 3, 3, 3), new Tensor(3), 1, 0));
        ShapeException l = assertThrows(ShapeException.class, () -> Functional.linear(new Tensor(2, 4), new Tensor(3, 5), null));
        assertEquals("Functional.linear: x has shape [2, 4] but expected [?, 5]", l.getMessage());
        var fwd = Functional.maxPool2d(x, 2, 2);
        assertThrows(ShapeException.class, () -> Functional.maxPool2dBackward(new Tensor(2, 3, 2, 2), fwd.cache()));
    }
}
