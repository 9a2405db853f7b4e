package org.conv4j.reliability;

import java.util.List;
import org.conv4j.data.Dataset;
import org.conv4j.model.Model;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.NetworkSpec;
import org.conv4j.train.TrainConfig;

/** The small network, data and recipe the reliability tests train. */
final class Fixtures {
    private Fixtures() {}

    /**
     * A small net with every kind of state a checkpoint must carry: conv weights, batchnorm running
     * statistics, a residual block, a dropout generator; and a wide hidden layer so that a checkpoint
     * (weights plus two Adam moments, about 1 MB) takes long enough to write that random kills land in it.
     */
    static final String SPEC = """
            {"name": "reliability", "input": [1, 8, 8], "classes": 3, "normalize": {"mean": [0.5], "std": [0.25]},
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "BatchNorm2d", "num_features": 4},
               {"type": "ReLU"},
               {"type": "Residual", "block": [
                  {"type": "Conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1},
                  {"type": "ReLU"}]},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Dropout", "p": 0.2},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 64, "out_features": 1024},
               {"type": "ReLU"},
               {"type": "Linear", "in_features": 1024, "out_features": 3}
             ]}""";

    static Model model() {
        try {
            return NetworkSpec.parse(SPEC, "reliability.json").build(42);
        } catch (Exception e) {
            throw new AssertionError("the test spec must parse", e);
        }
    }

    /** Three classes of 8x8 images (row, column, diagonal), the trainer tests' synthetic set. */
    static Dataset data(int n, long seed) {
        return org.conv4j.train.TrainerTest.data(n, seed);
    }

    static Dataset train() { return data(120, 1); }

    static Dataset test() { return data(24, 2); }

    /** 3 epochs of 15 steps, a checkpoint after every step; AdamW, cosine schedule, augmentation. */
    static TrainConfig config() {
        return TrainConfig.defaults().withEpochs(3).withBatchSize(8).withOptimizer("adamw", 0.01, 0.01).withSchedule("cosine")
                .withCheckpointEvery(1).withSeed(5).withAugmentation(true, 1);
    }

    /** Every parameter and buffer of {@code m} in {@link NamedParam} order, as raw float bits. */
    static int[] weightBits(Model m) {
        List<NamedParam> ps = NamedParam.of(m.network());
        int n = 0;
        for (NamedParam p : ps) n += p.param().value().size();
        int[] all = new int[n];
        int o = 0;
        for (NamedParam p : ps) {
            for (float v : p.param().value().data()) all[o++] = Float.floatToRawIntBits(v);
        }
        return all;
    }

    /** Index of the first differing entry, with both values, or null when bitwise equal. */
    static String firstDifference(int[] want, int[] got) {
        if (want.length != got.length) return "sizes differ: " + want.length + " vs " + got.length;
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                return "weight " + i + " differs: " + Float.intBitsToFloat(want[i]) + " vs " + Float.intBitsToFloat(got[i]);
            }
        }
        return null;
    }

    /**
     * The command that starts {@code main} in a new JVM like this one: same java, class path and module
     * flags, and this JVM's kernel choices ({@code conv4j.kernels}, {@code conv4j.blas}) passed on.
     */
    static java.util.List<String> childJvm(Class<?> main, String... jvmFlags) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        for (String key : java.util.List.of("conv4j.kernels", "conv4j.blas", "conv4j.blas.path")) {
            if (System.getProperty(key) != null) cmd.add("-D" + key + "=" + System.getProperty(key));
        }
        cmd.addAll(java.util.List.of(jvmFlags));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return cmd;
    }
}
