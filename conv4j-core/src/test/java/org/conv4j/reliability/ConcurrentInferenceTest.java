package org.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.conv4j.data.Dataset;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thread-safe inference: one model, loaded from its file, serves {@value #THREADS} threads ×
 * {@value #PER_THREAD} predictions at once (batches of 1 to 4 images, so threads also disagree on shapes),
 * and every result is bitwise equal to the one computed on a single thread. The network has every layer
 * kind with inference state: conv (grouped, 1×1), batchnorm 2d and 1d with running statistics, a residual
 * block with a projection, max/avg pooling, dropout, and each activation.
 */
class ConcurrentInferenceTest {
    static final int THREADS = 8, PER_THREAD = 1000, INPUTS = 48;
    private final int threadsBefore = Parallel.threads();

    @TempDir Path dir;

    static final String SPEC = """
            {"name": "shared", "input": [3, 12, 12], "classes": 10, "normalize": {"mean": [0.5], "std": [0.3]},
             "layers": [
               {"type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1},
               {"type": "BatchNorm2d", "num_features": 8},
               {"type": "ReLU"},
               {"type": "Residual", "block": [
                  {"type": "Conv2d", "in_channels": 8, "out_channels": 12, "kernel_size": 3, "padding": 1, "groups": 4},
                  {"type": "BatchNorm2d", "num_features": 12},
                  {"type": "GELU"}],
                "shortcut": [{"type": "Conv2d", "in_channels": 8, "out_channels": 12, "kernel_size": 1, "bias": false}]},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Conv2d", "in_channels": 12, "out_channels": 16, "kernel_size": 3, "padding": 1, "dilation": 1},
               {"type": "Tanh"},
               {"type": "AvgPool2d", "kernel_size": 2},
               {"type": "LeakyReLU", "negative_slope": 0.05},
               {"type": "Dropout", "p": 0.3},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 144, "out_features": 32},
               {"type": "BatchNorm1d", "num_features": 32},
               {"type": "Sigmoid"},
               {"type": "Linear", "in_features": 32, "out_features": 10}
             ]}""";

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threadsBefore); }

    static Dataset data(int n, long seed) {
        Rng r = new Rng(seed);
        int item = 3 * 12 * 12;
        float[] px = new float[n * item];
        int[] labels = new int[n];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 10; c++) names.add("c" + c);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < item; j++) px[i * item + j] = ((j + 3 * labels[i]) % 10 < 2 ? 0.5f : 0f) + 0.5f * r.nextFloat();
        }
        return new Dataset("shared", px, labels, 3, 12, 12, names);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eightThreadsShareOneLoadedModelAndGetSingleThreadedResultsBitwise() throws Exception {
        // a trained model (non-trivial running statistics), saved and loaded as a user would
        Model trained = NetworkSpec.parse(SPEC, "shared.json").build(7);
        new Trainer(trained, Fixtures.config().withCheckpointEvery(0).withEpochs(1).withBatchSize(16)).fit(data(64, 1), null);
        Path file = dir.resolve("shared.safetensors");
        ModelFile.save(trained, file);
        Model model = ModelFile.load(file);

        Rng r = new Rng(99);
        Tensor[] inputs = new Tensor[INPUTS];
        float[][] want = new float[INPUTS][];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = new Tensor(1 + i % 4, 3, 12, 12);
            float[] d = inputs[i].data();
            for (int j = 0; j < d.length; j++) d[j] = r.nextFloat();
        }
        Parallel.setThreads(1);
        for (int i = 0; i < INPUTS; i++) want[i] = model.predict(inputs[i]).data();

        Parallel.setThreads(2);  // the 8 callers also share the compute pool
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(callers.submit(() -> {
                    start.await();
                    int wrong = 0;
                    String first = null;
                    for (int j = 0; j < PER_THREAD; j++) {
                        int i = (thread * 13 + j * 7) % INPUTS;
                        float[] got = model.predict(inputs[i]).data();
                        for (int k = 0; k < got.length; k++) {
                            if (Float.floatToRawIntBits(got[k]) != Float.floatToRawIntBits(want[i][k])) {
                                wrong++;
                                if (first == null) first = "input " + i + " value " + k + ": " + got[k] + " vs " + want[i][k];
                                break;
                            }
                        }
                    }
                    return wrong == 0 ? null : "thread " + thread + ": " + wrong + " of " + PER_THREAD + " predictions differ, first "
                            + first;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : results) {
                String s = f.get();
                if (s != null) failures.add(s);
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        } finally {
            callers.shutdownNow();
        }
        for (int i = 0; i < INPUTS; i++) {
            assertArrayEquals(want[i], model.predict(inputs[i]).data(), "the model is unchanged by concurrent use");
        }
        System.out.println("ConcurrentInferenceTest: " + THREADS + " threads x " + PER_THREAD + " predictions bitwise equal to single-threaded");
    }
}
