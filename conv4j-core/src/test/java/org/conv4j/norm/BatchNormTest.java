package org.conv4j.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Param;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class BatchNormTest {
    private static Tensor random(long seed, int... shape) {
        Rng r = new Rng(seed);
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextGaussian() * 2 + 1;
        return t;
    }

    @Test
    void configDefaultsMatchTorchAndValidationNamesTheField() {
        BatchNormConfig c = BatchNormConfig.of(16);
        assertEquals(new BatchNormConfig(16, 1e-5, 0.1, true, true), c);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchNormConfig.of(0)).getMessage().contains("numFeatures"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withEps(0)).getMessage().contains("eps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withMomentum(1.5)).getMessage().contains("momentum"));
    }

    @Test
    void paramsAreNamedAsInATorchStateDict() {
        BatchNorm2d bn = new BatchNorm2d(BatchNormConfig.of(3));
        assertEquals(List.of("weight", "bias", "running_mean", "running_var"), bn.params().stream().map(Param::name).toList());
        assertEquals(List.of(true, true, false, false), bn.params().stream().map(Param::isTrainable).toList());
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().value().data());
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar().value().data());
        BatchNorm1d plain = new BatchNorm1d(BatchNormConfig.of(3).withAffine(false).withTrackRunningStats(false));
        assertEquals(List.of(), plain.params());
        assertNull(plain.weight());
        assertEquals("BatchNorm1d(3, affine=false, track_running_stats=false)", plain.describe());
    }

    @Test
    void wrongShapesFailNamingTheLayerAndBothShapes() {
        BatchNorm2d bn = new BatchNorm2d(BatchNormConfig.of(3));
        ShapeException e = assertThrows(ShapeException.class, () -> bn.forward(new Tensor(2, 4, 5, 5)));
        assertTrue(e.getMessage().contains("BatchNorm2d(3)") && e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("[?, 3, ?, ?]"), e.getMessage());
        assertThrows(ShapeException.class, () -> bn.forward(new Tensor(2, 3)));
        BatchNorm1d b1 = new BatchNorm1d(BatchNormConfig.of(3));
        assertThrows(ShapeException.class, () -> b1.forward(new Tensor(2, 3, 4, 4)));
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> b1.forward(new Tensor(1, 3)));
        assertTrue(one.getMessage().contains("more than 1 value per channel"), one.getMessage());
        b1.setTraining(false);
        assertEquals(2, b1.forward(new Tensor(1, 3)).rank(), "evaluation accepts a batch of one");
        assertThrows(IllegalStateException.class, () -> new BatchNorm2d(BatchNormConfig.of(3)).backward(new Tensor(1, 3, 1, 1)));
    }

    @Test
    void trainingNormalisesPerChannelAndEvalUsesRunningStatsWithoutChangingThem() {
        BatchNorm2d bn = new BatchNorm2d(BatchNormConfig.of(2).withMomentum(1.0));
        Tensor x = random(3, 4, 2, 3, 3);
        float[] y = bn.forward(x).data();
        for (int c = 0; c < 2; c++) {
            double sum = 0, sq = 0;
            for (int n = 0; n < 4; n++) for (int k = 0; k < 9; k++) { double v = y[(n * 2 + c) * 9 + k]; sum += v; sq += v * v; }
            assertEquals(0, sum / 36, 1e-6);
            assertEquals(1, sq / 36, 1e-4, "unit biased variance (eps aside)");
        }
        // momentum 1: running stats are exactly the batch mean and unbiased variance.
        float[] rm = bn.runningMean().value().data().clone(), rv = bn.runningVar().value().data().clone();
        bn.setTraining(false);
        Tensor z = random(4, 2, 2, 3, 3);
        float[] evalOut = bn.forward(z).data().clone();
        assertArrayEquals(rm, bn.runningMean().value().data());
        assertArrayEquals(rv, bn.runningVar().value().data());
        assertArrayEquals(evalOut, bn.infer(z).data());
        float[] zs = z.data();
        for (int i = 0; i < zs.length; i++) {
            int c = (i / 9) % 2;
            assertEquals((zs[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5), evalOut[i], 1e-5);
        }
        bn.setTraining(true);
        bn.infer(z);
        assertArrayEquals(rm, bn.runningMean().value().data(), "infer never updates running statistics");
    }

    @Test
    void bitwiseTheSameOnOneAndTwoThreads() {
        Tensor x = random(9, 16, 8, 20, 20), dOut = random(10, 16, 8, 20, 20);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            BatchNorm2d a = new BatchNorm2d(BatchNormConfig.of(8));
            float[] y1 = a.forward(x).data().clone(), d1 = a.backward(dOut).data().clone();
            Parallel.setThreads(2);
            BatchNorm2d b = new BatchNorm2d(BatchNormConfig.of(8));
            assertArrayEquals(y1, b.forward(x).data());
            assertArrayEquals(d1, b.backward(dOut).data());
            assertArrayEquals(a.weight().grad().data(), b.weight().grad().data());
            assertArrayEquals(a.runningVar().value().data(), b.runningVar().value().data());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        BatchNorm1d bn = new BatchNorm1d(BatchNormConfig.of(3));
        Tensor x = random(1, 5, 3), g = random(2, 5, 3);
        bn.forward(x);
        bn.backward(g);
        float[] once = bn.bias().grad().data().clone();
        bn.forward(x);
        bn.backward(g);
        for (int i = 0; i < 3; i++) assertEquals(2 * once[i], bn.bias().grad().data()[i], 1e-6f);
    }
}
