package org.conv4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.conv4j.data.Dataset;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.util.Rng;

/**
 * Writes the checkpoint fixtures of {@link OldCheckpointTest} into {@code src/test/resources/fixtures/checkpoint}:
 * <ul>
 *   <li>{@code v1_step8.safetensors}: the {@link TrainerTest#model tiny net} (batch norm, dropout, residual) stopped
 *       at step 8 of {@link #config()} on {@link #data}, mid-epoch 2;</li>
 *   <li>{@code v1_final.safetensors}: the model file of the same run left to finish.</li>
 * </ul>
 * The committed files were written by conv4j's checkpoint format version 1 before the trainer was split into
 * steps and the training state became one record; run {@code main} again only for a new format version.
 */
public final class CheckpointFixtures {
    private CheckpointFixtures() {}

    static final String STEP8 = "v1_step8.safetensors";
    static final String FINAL = "v1_final.safetensors";

    static TrainConfig config() {
        return TrainConfig.defaults().withEpochs(3).withBatchSize(10).withOptimizer("adamw", 0.01, 0.01).withSchedule("cosine")
                .withSeed(5).withAugmentation(true, 1);
    }

    /** 8x8 images of 0s and 1s (a set row, column or diagonal, plus a few random set pixels): exact in any pixel format. */
    static Dataset data(int n, long seed) {
        Rng r = new Rng(seed);
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            int pos = r.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = switch (labels[i]) { case 0 -> y == pos; case 1 -> x == pos; default -> x == y; };
                    px[i * 64 + y * 8 + x] = on || r.nextInt(10) == 0 ? 1f : 0f;
                }
            }
        }
        return new Dataset("binary", px, labels, 1, 8, 8, List.of("row", "column", "diagonal"));
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixtures/checkpoint");
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory("conv4j-fixture");
        Model full = TrainerTest.model();
        new Trainer(full, config()).fit(data(60, 3), null);
        ModelFile.save(full, out.resolve(FINAL), org.conv4j.model.SaveOption.REPLACE_EXISTING);

        Trainer t = new Trainer(TrainerTest.model(), config());
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { if (step == 8) t.requestStop(); }
        });
        t.setRunDir(tmp).fit(data(60, 3), null);
        Files.copy(tmp.resolve("checkpoint.safetensors"), out.resolve(STEP8), StandardCopyOption.REPLACE_EXISTING);
    }
}
