package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.data.Dataset;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.NetworkSpec;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class TrainerTest {
    @TempDir Path dir;

    /** A tiny net with every kind of state: conv, BN buffers, dropout generator, residual block. */
    public static final String SPEC = """
            {"name": "tiny", "input": [1, 8, 8], "classes": 3, "normalize": {"mean": [0.5], "std": [0.25]},
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "BatchNorm2d", "num_features": 4},
               {"type": "ReLU"},
               {"type": "Residual", "block": [
                  {"type": "Conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1},
                  {"type": "ReLU"}]},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Dropout", "p": 0.3},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 64, "out_features": 3}
             ]}""";

    /** {@link #SPEC} written in YAML, block and flow styles mixed (the same network, the same weights for a seed). */
    public static final String SPEC_YAML = """
            # the tiny test network
            name: tiny
            input: [1, 8, 8]
            classes: 3
            normalize:
              mean: [0.5]
              std: [0.25]
            layers:
            - {type: Conv2d, in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1}
            - type: BatchNorm2d
              num_features: 4
            - type: ReLU
            - type: Residual
              block:
              - {type: Conv2d, in_channels: 4, out_channels: 4, kernel_size: 3, padding: 1}
              - {type: ReLU}
            - {type: MaxPool2d, kernel_size: 2}
            - {type: Dropout, p: 0.3}
            - type: Flatten
            - {type: Linear, in_features: 64, out_features: 3}
            """;

    /** Three classes of 8x8 images: a bright row, a bright column, or a bright diagonal, plus noise. */
    public static Dataset data(int n, long seed) {
        Rng r = new Rng(seed);
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            int pos = r.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = switch (labels[i]) { case 0 -> y == pos; case 1 -> x == pos; default -> x == y; };
                    px[i * 64 + y * 8 + x] = (on ? 0.8f : 0.1f) + 0.2f * r.nextFloat();
                }
            }
        }
        return new Dataset("synthetic", px, labels, 1, 8, 8, List.of("row", "column", "diagonal"));
    }

    public static Model model() throws Exception { return NetworkSpec.parse(SPEC, "tiny.json").build(42); }

    static TrainConfig config() {
        return TrainConfig.defaults().withEpochs(3).withBatchSize(10).withOptimizer("adamw", 0.01, 0.01).withSchedule("cosine")
                .withCheckpointEvery(4).withSeed(5).withAugmentation(true, 1);
    }

    public static float[] weights(Model m) {
        List<NamedParam> ps = NamedParam.of(m.network());
        int n = 0;
        for (NamedParam p : ps) n += p.param().value().size();
        float[] all = new float[n];
        int o = 0;
        for (NamedParam p : ps) {
            float[] v = p.param().value().data();
            System.arraycopy(v, 0, all, o, v.length);
            o += v.length;
        }
        return all;
    }

    @Test
    void learnsAndWritesRunFolder() throws Exception {
        Path run = dir.resolve("run");
        Model m = model();
        TrainResult r = new Trainer(m, config().withEpochs(8)).setRunDir(run).fit(data(150, 1), data(30, 2));
        assertEquals(8, r.epochs().size());
        assertTrue(r.last().testAcc() > 0.8, "learns the synthetic task: " + r.last());
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss());
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(9, csv.size());
        assertTrue(csv.get(0).startsWith("epoch,train_loss,train_acc,test_loss,test_acc,seconds,images_per_s"));
        assertTrue(csv.get(8).startsWith("8,"));
        Model saved = ModelFile.load(run.resolve("model.safetensors"));
        assertArrayEquals(weights(m), weights(saved));
        assertTrue(Files.exists(run.resolve("checkpoint.safetensors")));
        assertTrue(Files.exists(run.resolve("spec.json")));
        try (var s = Files.list(run)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temp files left");
        }
    }

    @Test
    void resumedRunEndsBitwiseIdentical() throws Exception {
        Dataset train = data(70, 1), test = data(15, 2);
        Model a = model();
        new Trainer(a, config()).fit(train, test);

        // the same run, stopped mid-epoch 2 (step 11 of 3 x 7), then resumed from its checkpoint
        Path run = dir.resolve("interrupted");
        Model b = model();
        Trainer t = new Trainer(b, config()).setRunDir(run);
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { if (step == 11) t.requestStop(); }
        });
        TrainResult partial = t.fit(train, test);
        assertTrue(partial.interrupted() && !partial.stoppedEarly());
        assertEquals(1, partial.epochs().size());
        assertFalse(Files.exists(run.resolve("model.safetensors")));
        Checkpoint c = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(11, c.globalStep());
        assertEquals(1, c.epochsDone());
        Trainer resumed = Trainer.resume(c, 0).setRunDir(run);
        TrainResult rest = resumed.fit(train, test);
        assertEquals(3, rest.epochs().size());
        assertArrayEquals(weights(a), weights(resumed.model()), "weights bitwise equal after resume");
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size() - 1);

        // and from an epoch-end checkpoint (after epoch 2 of the resumed run the file holds epoch 3's start)
        Checkpoint end = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(3, end.epochsDone());
        Trainer more = Trainer.resume(end, 4);
        more.fit(train, test);
        Model d = model();
        new Trainer(d, config().withEpochs(3)).fit(train, test);
        assertArrayEquals(weights(a), weights(d), "same seed, same weights across runs");
    }

    @Test
    void aStopOnAnEpochsLastStepOrDuringItsEvaluationLosesNothing() throws Exception {
        Dataset train = data(70, 1), test = data(15, 2); // 7 steps per epoch
        Model a = model();
        TrainResult full = new Trainer(a, config()).fit(train, test);
        for (String when : List.of("last step", "evaluation")) {
            // no periodic checkpoints: whatever the stop leaves is all there is to resume from
            Path run = dir.resolve(when.replace(' ', '-'));
            Trainer t = new Trainer(model(), config().withCheckpointEvery(0)).setRunDir(run);
            t.addListener(new TrainListener() {
                @Override public void onStep(long step, int epoch, float loss, double lr) {
                    if (when.equals("last step") && step == 7) t.requestStop();
                }

                @Override public void onTest(int epoch, Dataset d, Evaluation e, Model m) {
                    if (when.equals("evaluation") && epoch == 2) t.requestStop();
                }
            });
            TrainResult partial = t.fit(train, test);
            assertTrue(partial.interrupted(), when);
            assertFalse(Files.exists(run.resolve("model.safetensors")), when);
            Checkpoint c = Checkpoint.load(run.resolve("checkpoint.safetensors"));
            boolean last = when.equals("last step");
            assertEquals(last ? 7 : 14, c.globalStep(), when + ": the checkpoint holds every step taken");
            assertEquals(last ? 0 : 2, c.epochsDone(), when);
            assertEquals(last ? 0 : 2, partial.epochs().size(), when);

            Trainer resumed = Trainer.resume(c, 0).setRunDir(run);
            TrainResult rest = resumed.fit(train, test);
            assertFalse(rest.interrupted(), when);
            assertArrayEquals(weights(a), weights(resumed.model()), when + ": weights bitwise equal after resume");
            assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size() - 1, when);
            for (int e = 0; e < 3; e++) {
                assertEquals(full.epochs().get(e).trainLoss(), rest.epochs().get(e).trainLoss(), when + " epoch " + (e + 1));
                assertEquals(full.epochs().get(e).testLoss(), rest.epochs().get(e).testLoss(), when + " epoch " + (e + 1));
            }
        }
    }

    @Test
    void divergenceStopsWithinOneStepNamingLayerAndKeepsCheckpoint() throws Exception {
        Path run = dir.resolve("nan");
        Model m = model();
        Dataset train = data(40, 1);
        Trainer t = new Trainer(m, config().withCheckpointEvery(2)).setRunDir(run);
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                if (step == 3) m.network().params().get(0).value().data()[0] = Float.NaN; // poison the first conv weight
            }
        });
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(train, null));
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("step 4"), e.getMessage());
        assertTrue(e.getMessage().contains("Conv2d") || e.getMessage().contains("BatchNorm") || e.getMessage().contains("loss"), e.getMessage());
        Checkpoint c = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(2, c.globalStep(), "the last good checkpoint is kept");
        for (float v : weights(c.model())) assertTrue(Float.isFinite(v));
    }

    @Test
    void gradientNaNNamesTheParameter() {
        var p = NamedParam.of(new org.conv4j.model.Sequential(new org.conv4j.layers.Linear(
                org.conv4j.layers.LinearConfig.of(2, 2), new Rng(1))));
        p.get(1).param().grad().data()[1] = Float.POSITIVE_INFINITY;
        DivergenceException e = assertThrows(DivergenceException.class, () -> Gradients.checkFinite(0.5f, p, 17));
        assertTrue(e.getMessage().contains("step 17") && e.getMessage().contains("0.bias") && e.getMessage().contains("Linear"), e.getMessage());
    }

    @Test
    void validationSplitAndEarlyStopping() throws Exception {
        TrainConfig c = config().withEpochs(30).withOptimizer("sgd", 1e-9, 0).withSchedule("none").withValidation(0.2, 2);
        TrainResult r = new Trainer(model(), c).fit(data(50, 1), null);
        assertTrue(r.stoppedEarly());
        assertTrue(r.epochs().size() < 30);
        assertFalse(Double.isNaN(r.last().valLoss()));
        assertTrue(Double.isNaN(r.last().testLoss()));
    }

    @Test
    void rejectsMismatchedData() throws Exception {
        Dataset wrong = new Dataset("rgb", new float[3 * 64 * 2], new int[2], 3, 8, 8, List.of("a", "b", "c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(), config()).fit(wrong, null));
        assertTrue(e.getMessage().contains("[1, 8, 8]") && e.getMessage().contains("[3, 8, 8]"), e.getMessage());
    }
}
