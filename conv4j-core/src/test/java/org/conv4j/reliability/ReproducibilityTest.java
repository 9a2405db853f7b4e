package org.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conv4j.data.Dataset;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reproducible: the same seed gives bitwise-identical weights across repeated runs and across 1, 2 and 4
 * threads. The network and batch are sized so that every parallel path really splits: conv forward per
 * image and backward with per-chunk dW/dB partials, the blocked GEMM (Linear, 1×1 conv), batchnorm over
 * channels, pooling over planes, elementwise activations above their parallel threshold, and batches
 * prepared in the background with augmentation and dropout. The 512 → 256 layer at batch 32 (4.2M
 * multiply-adds) is large enough for the OpenBLAS path to split its rows over threads.
 */
class ReproducibilityTest {
    static final int[] THREADS = {1, 2, 4};
    private final int threadsBefore = Parallel.threads();

    static final String SPEC = """
            {"name": "repro", "input": [3, 16, 16], "classes": 10,
             "normalize": {"mean": [0.5, 0.4, 0.3], "std": [0.25, 0.25, 0.2]},
             "layers": [
               {"type": "Conv2d", "in_channels": 3, "out_channels": 16, "kernel_size": 3, "padding": 1},
               {"type": "BatchNorm2d", "num_features": 16},
               {"type": "ReLU"},
               {"type": "Residual", "block": [
                  {"type": "Conv2d", "in_channels": 16, "out_channels": 16, "kernel_size": 3, "padding": 1, "groups": 2},
                  {"type": "BatchNorm2d", "num_features": 16},
                  {"type": "GELU"}]},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Conv2d", "in_channels": 16, "out_channels": 32, "kernel_size": 3, "padding": 1, "dilation": 1},
               {"type": "Tanh"},
               {"type": "AvgPool2d", "kernel_size": 2},
               {"type": "Conv2d", "in_channels": 32, "out_channels": 32, "kernel_size": 1},
               {"type": "LeakyReLU", "negative_slope": 0.1},
               {"type": "Dropout", "p": 0.25},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 512, "out_features": 256},
               {"type": "ReLU"},
               {"type": "Linear", "in_features": 256, "out_features": 10}
             ]}""";

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threadsBefore); }

    /** 120 random RGB 16×16 images whose class is the brightest of 10 fixed masks, plus noise. */
    static Dataset data() {
        Rng r = new Rng(11);
        int n = 120, item = 3 * 16 * 16;
        float[] px = new float[n * item];
        int[] labels = new int[n];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 10; c++) names.add("c" + c);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < item; j++) {
                boolean on = (j * 7 + labels[i] * 13) % 10 < 3;
                px[i * item + j] = (on ? 0.6f : 0.2f) + 0.4f * r.nextFloat();
            }
        }
        return new Dataset("repro", px, labels, 3, 16, 16, names);
    }

    /** Two epochs of batch 32 (the last batch of each epoch is 24): AdamW, cosine, flips and crops, clipping. */
    static TrainConfig config(long seed) {
        return TrainConfig.defaults().withEpochs(2).withBatchSize(32).withOptimizer("adamw", 3e-3, 0.01).withSchedule("cosine")
                .withAugmentation(true, 2).withClipNorm(5).withSeed(seed);
    }

    static int[] train(int threads, long seed) throws Exception {
        Parallel.setThreads(threads);
        Model m = NetworkSpec.parse(SPEC, "repro.json").build(seed);
        new Trainer(m, config(seed)).fit(data(), null);
        return Fixtures.weightBits(m);
    }

    @Test
    void sameSeedSameWeightsOnOneTwoAndFourThreadsAndAcrossRuns() throws Exception {
        int[] want = train(1, 3);
        for (int t : THREADS) {
            for (int run = 0; run < (t == 2 ? 2 : 1); run++) {
                int[] got = train(t, 3);
                assertNull(Fixtures.firstDifference(want, got), "weights after training on " + t + " threads (run " + (run + 1)
                        + ", kernels " + Kernels.gemm().getClass().getSimpleName() + ") equal those on 1 thread bitwise");
            }
        }
        assertNotNull(Fixtures.firstDifference(want, train(2, 4)), "a different seed gives different weights (the check has teeth)");
        // and in a fresh JVM, where the code runs interpreted and C1-compiled before C2 takes over
        String[] child = runChild(null, 2).split(" ");
        assertEquals(Kernels.gemm().getClass().getSimpleName(), child[0]);
        assertEquals(sha256(want), child[2], "a fresh JVM (cold code) trains to the same weights as this warm one");
        System.out.println("ReproducibilityTest: bitwise-identical weights on threads 1, 2 (twice) and 4, and in a fresh JVM");
    }

    /**
     * The same with OpenBLAS as the GEMM ({@code -Dconv4j.blas=openblas}, chosen once per JVM, so each
     * thread count runs in its own JVM). Skipped where libopenblas is not installed.
     */
    @Test
    void sameWeightsOnOneTwoAndFourThreadsWithOpenBlas() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(openBlasInstalled(), "libopenblas is not installed");
        org.junit.jupiter.api.Assumptions.assumeFalse("scalar".equals(System.getProperty("conv4j.kernels")),
                "-Dconv4j.kernels=scalar forces the scalar GEMM, OpenBLAS included");
        List<String> lines = new ArrayList<>();
        for (int t : THREADS) {
            String out = runChild("openblas", t);
            String[] f = out.split(" ");
            assertEquals("NativeBlasGemm", f[0], out);
            assertEquals(Integer.toString(t), f[1], out);
            lines.add(out);
        }
        for (String l : lines) {
            assertEquals(lines.get(0).split(" ")[2], l.split(" ")[2], "OpenBLAS weights equal on every thread count: " + lines);
        }
        System.out.println("ReproducibilityTest: OpenBLAS bitwise-identical weights on threads 1, 2 and 4");
    }

    /** Runs {@link ReproChild} in a new JVM ({@code blas} null: the default kernels) and returns its line. */
    static String runChild(String blas, int threads) throws Exception {
        List<String> flags = new ArrayList<>(List.of("-Dconv4j.threads=" + threads, "-Xmx512m"));
        if (blas != null) flags.add("-Dconv4j.blas=" + blas);  // after any inherited one, so it wins
        List<String> cmd = Fixtures.childJvm(ReproChild.class, flags.toArray(String[]::new));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), "child (" + cmd + "): " + out);
        return out;
    }

    static String sha256(int[] bits) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(bits.length * 4);
        for (int v : bits) b.putInt(v);
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    static boolean openBlasInstalled() {
        for (String d : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/aarch64-linux-gnu")) {
            if (Files.exists(Path.of(d, "libopenblas.so.0"))) return true;
        }
        return false;
    }
}
