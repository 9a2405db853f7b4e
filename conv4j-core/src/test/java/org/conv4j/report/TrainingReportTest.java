package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Sequential;
import org.conv4j.optim.Adam;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report hooks in a real (tiny) training loop: the confusion matrix agrees with the model's accuracy. */
class TrainingReportTest {
    @TempDir Path dir;

    /** Bars on 8x8 noise: class 0 vertical, 1 horizontal, 2 diagonal. */
    static void bars(Tensor x, int[] labels, Random r) {
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(3);
            int pos = 1 + r.nextInt(6);
            for (int y = 0; y < 8; y++) {
                for (int c = 0; c < 8; c++) {
                    boolean on = labels[i] == 0 ? c == pos : labels[i] == 1 ? y == pos : y == c;
                    x.data()[i * 64 + y * 8 + c] = (on ? 1f : 0f) + 0.6f * r.nextFloat();
                }
            }
        }
    }

    @Test
    void reportFollowsTrainingAndItsConfusionMatrixIsTheModelsAccuracy() throws Exception {
        Rng rng = new Rng(3);
        Sequential net = new Sequential(new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(LinearConfig.of(4 * 4 * 4, 3), rng));
        Adam opt = Adam.adam(NamedParam.of(net), 0.01);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Random r = new Random(9);
        Tensor testX = new Tensor(90, 1, 8, 8);
        int[] testY = new int[90];
        bars(testX, testY, r);
        List<String> names = List.of("vertical", "horizontal", "diagonal");
        TrainingReport report = new TrainingReport(dir, "bars", names, 3, Map.of("model", net.describe()), net.layers(), 4);

        for (int epoch = 1; epoch <= 3; epoch++) {
            net.setTraining(true);
            for (int step = 0; step < 10; step++) {
                Tensor x = new Tensor(16, 1, 8, 8);
                int[] y = new int[16];
                bars(x, y, r);
                opt.zeroGrad();
                float l = loss.forward(net.forward(x), y);
                net.backward(loss.backward());
                opt.step();
                report.batch(l);
            }
            net.setTraining(false);
            EvalCollector eval = report.newEvaluation();
            int right = 0;
            for (int start = 0; start < 90; start += 32) { // batches of 32, last one short
                int b = Math.min(32, 90 - start);
                Tensor x = Tensor.wrap(java.util.Arrays.copyOfRange(testX.data(), start * 64, (start + b) * 64), b, 1, 8, 8);
                int[] y = java.util.Arrays.copyOfRange(testY, start, start + b);
                Tensor logits = net.infer(x);
                for (int i = 0; i < b; i++) if (EvalCollector.argmax(logits.data(), i * 3, 3) == y[i]) right++;
                eval.add(x, logits, y);
            }
            double acc = right / 90.0;
            report.epochEnd(new EpochMetrics(epoch, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, acc, Double.NaN, 1, 1, Double.NaN), eval);

            ConfusionMatrix cm = eval.confusion();
            assertEquals(90, cm.total(), "sums to the test set size");
            assertEquals(acc, cm.accuracy(), 1e-12, "diagonal is the accuracy");
            String html = Files.readString(report.html());
            assertTrue(html.contains("id=\"test-accuracy\">" + RunReport.pct(acc) + "<"));
            assertTrue(html.contains("http-equiv=\"refresh\""), "refreshes while running");
        }
        report.finish();
        String html = Files.readString(report.html());
        assertFalse(html.contains("http-equiv=\"refresh\""));
        assertTrue(html.contains("Final test accuracy"));
        // 30 steps in windows of 4: 7 points on the batch-loss curve
        assertEquals(7, report.data(true).batchX().length);
        // the filters drawn are the trained weights of the first conv, 4 of 3x3
        BufferedImage f = ImageIO.read(dir.resolve(RunReport.FILTERS_PNG).toFile());
        assertEquals(Math.max(360, 10 + 4 * 42 + 3 * 6 + 10), f.getWidth());
        assertTrue(report.nanos() > 0);
        // the bars are easy: training worked, so the report shows a real model
        assertTrue(report.data(true).epochs().get(2).testAcc() > 0.8, "accuracy " + report.data(true).epochs().get(2).testAcc());
    }
}
