package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conv4j.data.Dataset;
import org.conv4j.data.TrainTest;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.train.Evaluation;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainListener;
import org.conv4j.train.TrainResult;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report wired into the real Trainer, as {@code conv4j train} does it. */
class ReportListenerTest {
    @TempDir Path dir;

    static final String SPEC = """
            {"format": "conv4j-network", "version": 1, "name": "tiny", "input": [1, 8, 8], "classes": 3,
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "ReLU"},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 64, "out_features": 3}
             ]}""";

    /** Rows, columns or diagonals on noise; {@code noise} high enough that some test images stay wrong. */
    static Dataset bars(int n, long seed, float noise) {
        Rng r = new Rng(seed);
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            int pos = r.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = switch (labels[i]) { case 0 -> y == pos; case 1 -> x == pos; default -> x == y; };
                    px[i * 64 + y * 8 + x] = (on ? 0.5f : 0.1f) + noise * r.nextFloat();
                }
            }
        }
        return new Dataset("bars", px, labels, 1, 8, 8, List.of("row", "column", "diagonal"));
    }

    @Test
    void trainerRunWritesAReportWhoseConfusionMatrixIsTheTestAccuracy() throws Exception {
        Model model = NetworkSpec.parse(SPEC, "tiny.json").build(3);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(3).withBatchSize(16).withOptimizer("adam", 0.01, 0).withSeed(4);
        Trainer trainer = new Trainer(model, cfg);
        Path run = dir.resolve("run");
        TrainTest data = new TrainTest(bars(150, 1, 0.9f), bars(61, 2, 0.9f), "synthetic bars");
        ReportListener listener = ReportListener.forTrainer(trainer, data, run, System.err);
        int[] tests = new int[1];
        trainer.setRunDir(run).addListener(listener).addListener(new TrainListener() {
            @Override
            public void onTest(int epoch, Dataset test, Evaluation e, Model m) {
                // counts the test passes the trainer announces
                tests[0]++;
            }
        });
        TrainResult r = trainer.fit(data.train(), data.test());
        assertEquals(3, tests[0]);

        ReportData d = listener.report().data(true);
        ConfusionMatrix cm = ConfusionMatrix.of(d.confusion());
        assertEquals(61, cm.total(), "sums to the test set size");
        assertEquals(r.last().testAcc(), cm.accuracy(), 1e-12, "diagonal / total is the reported test accuracy");
        assertEquals(3, d.epochs().size());
        assertEquals(List.of("row", "column", "diagonal"), d.classNames());

        String html = Files.readString(run.resolve(RunReport.HTML));
        Matcher m = Pattern.compile("id=\"test-accuracy\">([0-9.]+)%<").matcher(html);
        assertTrue(m.find());
        assertEquals(100 * r.last().testAcc(), Double.parseDouble(m.group(1)), 0.005);
        assertTrue(html.contains("Final test accuracy"), "onEnd finished the page");
        assertFalse(html.contains("http-equiv=\"refresh\""));
        for (String f : List.of(RunReport.LOSS_PNG, RunReport.CONFUSION_PNG, RunReport.FILTERS_PNG, "metrics.csv", "model.safetensors")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        // gallery: every kept sample's label and top-1 agree with its right/wrong side
        for (GallerySample s : d.gallery()) assertEquals(s.correct(), s.topClasses()[0] == s.label());
        long wrong = d.gallery().stream().filter(s -> !s.correct()).count();
        assertEquals(Math.min(TrainingReport.GALLERY_PER_KIND, cm.total() - cm.correct()), wrong);
    }
}
