package org.conv4j.kernels.array;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** OrderedSum against a double sum, at lengths around its 8-way unroll, and its written-down order. */
class OrderedSumTest {
    @Test
    void sumsAnyRangeClosely() {
        java.util.Random r = new java.util.Random(3);
        float[] a = new float[300];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int off : new int[] {0, 1, 5}) {
            for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 207, 290}) {
                double want = 0;
                for (int i = off; i < off + n; i++) want += a[i];
                assertEquals(want, OrderedSum.sum(a, off, n), 1e-5 * Math.max(1, n), "off " + off + " n " + n);
            }
        }
    }

    @Test
    void followsItsStatedOrder() {
        // 1e8 cancels only within lane 0 (elements 0 and 8); a single running sum would lose the 1s.
        float[] a = {1e8f, 1, 1, 1, 1, 1, 1, 1, -1e8f, 1, 1};
        float lane0 = (1e8f + -1e8f) + 1f + 1f;  // elements 0, 8 and the tail 9, 10
        float want = ((lane0 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1));
        assertEquals(want, OrderedSum.sum(a, 0, a.length));
        assertEquals(9f, want);
    }
}
