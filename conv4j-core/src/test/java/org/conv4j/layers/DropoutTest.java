package org.conv4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class DropoutTest {
    private static Tensor ones(int... shape) { return new Tensor(shape).fill(1f); }

    @Test
    void trainingZeroesAboutPAndScalesSurvivors() {
        Dropout d = new Dropout(DropoutConfig.of(0.3), new Rng(7));
        float[] y = d.forward(ones(100, 1000)).data();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.7f, v, 1e-6f);
        }
        // Binomial(100000, 0.3): sd ≈ 145, so ±1000 is a > 6σ band.
        assertTrue(Math.abs(zeros - 30_000) < 1000, "zeroed " + zeros);
        float[] dx = d.backward(ones(100, 1000).fill(2f)).data();
        for (int i = 0; i < y.length; i++) assertEquals(2 * y[i], dx[i], 1e-6f, "backward applies the same mask");
    }

    @Test
    void seededMasksRepeatAndSuccessiveMasksDiffer() {
        Dropout a = new Dropout(DropoutConfig.of(), new Rng(42)), b = new Dropout(DropoutConfig.of(), new Rng(42));
        float[] a1 = a.forward(ones(64)).data().clone();
        assertArrayEquals(a1, b.forward(ones(64)).data());
        assertFalse(Arrays.equals(a1, a.forward(ones(64)).data()), "a new mask every forward");
        // Resume: restoring the Rng state reproduces the next mask.
        long[] state = a.rng().state();
        float[] next = a.forward(ones(64)).data().clone();
        Dropout c = new Dropout(DropoutConfig.of(), new Rng(0));
        c.rng().setState(state);
        assertArrayEquals(next, c.forward(ones(64)).data());
    }

    @Test
    void evalAndZeroPAreIdentity() {
        Tensor x = Tensor.wrap(new float[] {1, -2, 3}, 3);
        Dropout d = new Dropout(DropoutConfig.of(0.9), new Rng(1));
        d.setTraining(false);
        assertSame(x, d.forward(x));
        Tensor g = new Tensor(3).fill(5);
        assertSame(g, d.backward(g));
        assertArrayEquals(x.data(), d.infer(x).data());
        Dropout z = new Dropout(DropoutConfig.of(0), new Rng(1));
        assertArrayEquals(x.data(), z.forward(x).data());
        Dropout all = new Dropout(DropoutConfig.of(1), new Rng(1));
        assertArrayEquals(new float[3], all.forward(x).data(), 0f, "p = 1 zeroes everything, as torch");
    }

    @Test
    void configDefaultsAndValidation() {
        assertEquals(0.5, DropoutConfig.of().p());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropoutConfig.of(1.5));
        assertTrue(e.getMessage().contains("Dropout: p must be in [0, 1]"), e.getMessage());
        Dropout d = new Dropout(DropoutConfig.of(), new Rng(1));
        assertThrows(IllegalStateException.class, () -> d.backward(new Tensor(2)));
        d.forward(ones(2, 3));
        assertThrows(org.conv4j.tensor.ShapeException.class, () -> d.backward(new Tensor(3, 2)));
    }
}
