package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Serving paths: {@link Model#prepareInference} (kept Winograd kernels, packed Linear weights) and the batch-1
 * splits of the convolutions (Winograd over output-channel panels, direct over output positions) give bitwise
 * the results of the plain, per-call path, and an image's logits do not depend on the batch it came in.
 */
class PrepareInferenceTest {
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(2);   // the batch-1 splits only cut work when there are more threads than images
    }

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threadsBefore); }

    /**
     * A stem like ResNet's (7×7 stride 2: direct), 3×3 convs at 14×14 and 7×7 (Winograd), a 1×1 conv (im2col's
     * product on x itself), a head.
     */
    private static Model model(long seed) {
        Rng rng = new Rng(seed);
        Conv2d stem = new Conv2d(Conv2dConfig.of(3, 32, 7).withStride(2).withPadding(3), rng);
        Conv2d mid = new Conv2d(Conv2dConfig.of(32, 96, 3).withPadding(1), rng);
        Conv2d down = new Conv2d(Conv2dConfig.of(96, 64, 3).withStride(2).withPadding(1), rng);
        Conv2d deep = new Conv2d(Conv2dConfig.of(64, 160, 3).withPadding(1), rng);
        Conv2d pointwise = new Conv2d(Conv2dConfig.of(160, 48, 1), rng);
        Sequential net = new Sequential(stem, new ReLU(), mid, new ReLU(), down, new ReLU(), deep, new ReLU(),
                pointwise, new Flatten(), new Linear(LinearConfig.of(48 * 7 * 7, 10), rng));
        return Model.of(net, new int[] {3, 28, 28}, 10);
    }

    private static Tensor images(int n, long seed) {
        Tensor x = new Tensor(n, 3, 28, 28);
        Rng rng = new Rng(seed);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat();
        return x;
    }

    private static Tensor item(Tensor x, int i) {
        int size = x.size() / x.dim(0);
        Tensor one = new Tensor(1, 3, 28, 28);
        System.arraycopy(x.data(), i * size, one.data(), 0, size);
        return one;
    }

    @Test
    void theShapesExerciseEveryServingPath() {
        Sequential net = (Sequential) model(1).network();
        Conv2d stem = (Conv2d) net.layers().get(0), mid = (Conv2d) net.layers().get(2), deep = (Conv2d) net.layers().get(6);
        assertFalse(ConvAlgorithm.winograd(stem.config(), stem.config().geometry(28, 28)));
        assertTrue(ConvAlgorithm.direct(stem.config(), stem.config().geometry(28, 28)), "the stem runs direct");
        assertTrue(ConvAlgorithm.winogradPays(mid.config(), mid.config().geometry(14, 14)), "14x14 runs Winograd");
        assertTrue(ConvAlgorithm.winogradPays(deep.config(), deep.config().geometry(7, 7)), "7x7 runs Winograd");
        Conv2d pointwise = (Conv2d) net.layers().get(8);
        assertTrue(ConvAlgorithm.choose(pointwise.config(), pointwise.config().geometry(7, 7)) == ConvAlgorithm.IM2COL, "1x1 runs im2col");
    }

    @Test
    void preparedLogitsAreBitwiseThePlainOnesAtEveryBatchSize() {
        Model plain = model(1), prepared = model(1).prepareInference();
        Tensor x = images(5, 2);
        float[] batch = plain.logits(x).data();
        assertArrayEquals(batch, prepared.logits(x).data(), "batch of 5, prepared");
        for (int i = 0; i < 5; i++) {
            float[] row = Arrays.copyOfRange(batch, i * 10, (i + 1) * 10);
            assertArrayEquals(row, plain.logits(item(x, i)).data(), "image " + i + " alone, plain");
            assertArrayEquals(row, prepared.logits(item(x, i)).data(), "image " + i + " alone, prepared");
            // Twice: the second call reads the kept kernels.
            assertArrayEquals(row, prepared.logits(item(x, i)).data(), "image " + i + " alone, prepared again");
        }
    }

    @Test
    void trainingDropsThePreparedKernels() {
        Model m = model(3).prepareInference();
        Tensor x = images(2, 4);
        float[] before = m.logits(x).data();
        // A training forward, then new weights, as an optimizer step would write them.
        m.network().setTraining(true);
        m.network().forward(m.preprocess(x));
        Sequential net = (Sequential) m.network();
        for (int i : new int[] {2, 6, 8, 10}) {
            float[] w = net.layers().get(i).params().get(0).value().data();
            for (int j = 0; j < w.length; j++) w[j] *= 0.5f;
        }
        m.network().setTraining(false);
        float[] after = m.logits(x).data();
        Model fresh = model(3);
        Sequential freshNet = (Sequential) fresh.network();
        for (int i : new int[] {2, 6, 8, 10}) {
            float[] w = freshNet.layers().get(i).params().get(0).value().data();
            for (int j = 0; j < w.length; j++) w[j] *= 0.5f;
        }
        assertArrayEquals(fresh.logits(x).data(), after, "after training, infer reads the new weights");
        assertFalse(Arrays.equals(before, after), "the weights changed the logits");
    }
}
