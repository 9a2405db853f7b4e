package com.example.consumer;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.data.Dataset;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.model.Model;
import org.conv4j.model.Prediction;
import org.conv4j.model.SaveOption;
import org.conv4j.model.Sequential;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainResult;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;

/**
 * Uses conv4j as a dependency from a module of its own: builds a small CNN that tells a top-left to bottom-right
 * diagonal from the other one, trains it a few steps, saves it, loads it and classifies a {@code BufferedImage}.
 * Exits with status 1 if anything is not as expected, so the build that runs it fails.
 */
public final class Main {
    private static final int SIZE = 12;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : ".");

        // Only the API packages are visible to this module; the kernels' implementations are not.
        Module core = Model.class.getModule();
        check(core.isNamed() && core.getName().equals("org.conv4j.core"), "conv4j-core is the module org.conv4j.core: " + core);
        check(core.isExported("org.conv4j.model") && !core.isExported("org.conv4j.kernels.gemm"),
                "org.conv4j.model is exported and org.conv4j.kernels.gemm is not");

        Rng rng = Rng.torch(7);
        Sequential net = new Sequential(
                new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng),          // [4, 12, 12]
                new ReLU(),
                new AdaptiveAvgPool2d(AdaptivePoolConfig.of(3, 3)),                // [4, 3, 3]
                new Flatten(),                                                      // [36]
                new Linear(LinearConfig.of(36, 2), rng));                           // [2]
        List<String> classes = List.of("falling", "rising");
        Model model = Model.of(net, new int[] {1, SIZE, SIZE}, classes);

        float[][] images = new float[200][];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i % 2;
            images[i] = diagonal(labels[i] == 1, i % 5 - 2);
        }
        Dataset train = Dataset.of(images, labels, new int[] {1, SIZE, SIZE}, classes);
        TrainConfig config = TrainConfig.defaults().withEpochs(3).withBatchSize(20).withOptimizer("adam", 0.02, 0);
        TrainResult result = new Trainer(model, config, rng).fit(train, null);
        System.out.printf("trained %d steps, last-epoch accuracy %.2f%n", result.steps(), result.last().trainAcc());
        check(result.last().trainAcc() >= 0.9, "the network learns the diagonals");

        Path file = Files.createDirectories(out).resolve("diagonals.safetensors");
        model.save(file, SaveOption.REPLACE_EXISTING);
        Model loaded = Model.load(file);
        BufferedImage picture = new BufferedImage(48, 48, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < 48; k++) {
            for (int t = -2; t <= 2; t++) {
                int x = k + t;
                if (x >= 0 && x < 48) picture.getRaster().setSample(x, 47 - k, 0, 255); // rising: bottom-left to top-right
            }
        }
        Prediction top = loaded.classify(picture, 2).get(0);
        System.out.printf("classified a drawn diagonal: %s (%.3f)%n", top.label(), top.probability());
        check(top.label().equals("rising"), "the drawn rising diagonal is classified as rising");
        System.out.println("consumer: OK");
    }

    /** A black image with a 3-pixel-wide diagonal, shifted by {@code offset} columns. */
    private static float[] diagonal(boolean rising, int offset) {
        float[] px = new float[SIZE * SIZE];                                         // [C=1, H, W] flattened
        for (int k = 0; k < SIZE; k++) {
            int row = rising ? SIZE - 1 - k : k;
            for (int t = -1; t <= 1; t++) {
                int col = k + offset + t;
                if (col >= 0 && col < SIZE) px[row * SIZE + col] = 1f;
            }
        }
        return px;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("consumer: FAILED: " + what);
            System.exit(1);
        }
    }
}
