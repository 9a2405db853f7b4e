package org.conv4j.functional;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The functional example of docs/layers.md, verbatim, with its shape comments asserted. */
class ReadmeExampleTest {
    @Test
    void readmeFunctionalExampleRunsWithTheShapesItStates() {
        Tensor x = new Tensor(8, 3, 32, 32);                      // [N, C, H, W]
        Tensor w = new Tensor(16, 3, 3, 5);                       // [F, C, KH, KW]: a non-square kernel
        Tensor b = new Tensor(16);
        var conv = Functional.conv2d(x, w, b, Conv2dConfig.of(3, 16, 3, 5).withStride(1, 2).withPadding(1, 2));
        var pool = Functional.maxPool2d(conv.out(), PoolConfig.of(2).withCeilMode(true));   // [8, 16, 16, 8]

        Tensor dLoss = new Tensor(pool.out().shape());           // gradient of the loss w.r.t. the pooled output
        Functional.Grads dPool = Functional.maxPool2dBackward(dLoss, pool.cache());
        Functional.Grads dConv = Functional.conv2dBackward(dPool.dX(), conv.cache());

        assertArrayEquals(new int[] {8, 16, 16, 8}, pool.out().shape());
        assertArrayEquals(new int[] {8, 3, 32, 32}, dConv.dX().shape());
        assertArrayEquals(new int[] {16, 3, 3, 5}, dConv.dWeight().shape());
        assertArrayEquals(new int[] {16}, dConv.dBias().shape());
    }
}
