package org.conv4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@link TensorPool} lends and takes back: only arrays it lent in the running call, never the call's result. */
class TensorPoolTest {
    @Test
    void withoutAPoolAnOutputIsANewZeroFilledTensor() {
        assertFalse(TensorPool.active());
        Tensor t = TensorPool.output(2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[6], t.data());
        TensorPool.release(t.data());   // no pool: ignored
        assertNotSame(t.data(), TensorPool.output(2, 3).data());
    }

    @Test
    void aReleasedArrayIsLentAgainForTheSameSizeOnly() {
        TensorPool pool = new TensorPool();
        pool.run(() -> {
            assertTrue(TensorPool.active());
            float[] a = TensorPool.output(4, 5).data();
            TensorPool.release(a);
            assertNotSame(a, TensorPool.output(21).data(), "another size gets a new array");
            assertSame(a, TensorPool.output(2, 10).data(), "the same size reuses it, whatever the shape");
            return null;
        });
        assertFalse(TensorPool.active(), "the pool is active only during its call");
    }

    @Test
    void arraysThePoolDidNotLendAreNeverTakenBack() {
        TensorPool pool = new TensorPool();
        float[] mine = new float[8];
        pool.run(() -> {
            TensorPool.release(mine);
            assertNotSame(mine, TensorPool.output(8).data());
            return null;
        });
        assertArrayEquals(new float[8], mine, "an array the pool did not lend is not written");
    }

    @Test
    void aCallsResultIsNotLentToTheNextCall() {
        TensorPool pool = new TensorPool();
        float[] first = pool.run(() -> {
            Tensor dead = TensorPool.output(6);
            TensorPool.release(dead.data());
            Tensor result = TensorPool.output(6);
            result.fill(7f);
            return result.data();
        });
        float[] second = pool.run(() -> TensorPool.output(6).data());
        assertNotSame(first, second);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, first);
        // Released twice (a bug in an executor) is still lent once.
        pool.run(() -> {
            float[] a = TensorPool.output(3).data();
            TensorPool.release(a);
            TensorPool.release(a);
            assertSame(a, TensorPool.output(3).data());
            assertNotSame(a, TensorPool.output(3).data());
            return null;
        });
    }

    @Test
    void aNestedCallRunsInTheOuterPool() {
        TensorPool outer = new TensorPool(), inner = new TensorPool();
        outer.run(() -> {
            float[] a = TensorPool.output(5).data();
            TensorPool.release(a);
            float[] b = inner.run(() -> TensorPool.output(5).data());
            assertSame(a, b, "the inner call took the outer call's free array");
            assertTrue(TensorPool.active(), "the outer pool is still active after the inner call");
            return null;
        });
    }

    @Test
    void sizesNoLongerAskedForAreDroppedAfterOneCall() {
        TensorPool pool = new TensorPool();
        float[] a = pool.run(() -> {
            float[] x = TensorPool.output(9).data();
            TensorPool.release(x);
            return x;
        });
        pool.run(() -> TensorPool.output(10));   // the size-9 array sits unused through this call
        pool.run(() -> {
            assertNotSame(a, TensorPool.output(9).data(), "dropped after a call that did not use it");
            return null;
        });
    }
}
