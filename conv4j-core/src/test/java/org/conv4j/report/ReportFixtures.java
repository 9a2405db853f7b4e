package org.conv4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;

/** A synthetic run: a fake classifier whose accuracy is known, evaluated through {@link EvalCollector}. */
final class ReportFixtures {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    private ReportFixtures() {}

    /** Result of evaluating the fake model on {@code n} items: the collector and the independently counted hits. */
    record Eval(EvalCollector collector, int n, int right) {}

    /**
     * Images [N, C, 28, 28] whose class is drawn at random; logits favour the true class with probability
     * about {@code skill}, else a random class. Fed in batches of 64 like a trainer would.
     */
    static Eval evaluate(int n, int k, int channels, double skill, long seed) {
        Random r = new Random(seed);
        EvalCollector c = new EvalCollector(k, 6);
        int right = 0;
        for (int start = 0; start < n; start += 64) {
            int b = Math.min(64, n - start);
            Tensor images = new Tensor(b, channels, 28, 28);
            float[] px = images.data();
            for (int i = 0; i < px.length; i++) px[i] = r.nextFloat();
            Tensor logits = new Tensor(b, k);
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) {
                labels[i] = r.nextInt(k);
                int favoured = r.nextDouble() < skill ? labels[i] : r.nextInt(k);
                for (int j = 0; j < k; j++) logits.data()[i * k + j] = (float) r.nextGaussian();
                logits.data()[i * k + favoured] += 4f;
                // count hits independently of EvalCollector.argmax
                int best = 0;
                for (int j = 1; j < k; j++) if (logits.data()[i * k + j] > logits.data()[i * k + best]) best = j;
                if (best == labels[i]) right++;
            }
            c.add(images, logits, labels);
        }
        return new Eval(c, n, right);
    }

    static ReportData data(Eval e, int epochs, boolean finished, Tensor firstConv) {
        Random r = new Random(7);
        List<EpochMetrics> rows = new ArrayList<>();
        double acc = (double) e.right() / e.n();
        for (int ep = 1; ep <= epochs; ep++) {
            double f = (double) ep / epochs;
            rows.add(new EpochMetrics(ep, 0.9 - 0.5 * f, 0.6 + 0.3 * f, Double.NaN, Double.NaN, Double.NaN, 0.8 - 0.4 * f, ep == epochs ? acc : acc - 0.05 * (1 - f), Double.NaN, 40 + r.nextDouble(), 1400, Double.NaN));
        }
        BatchLossSeries s = new BatchLossSeries(50);
        for (int i = 0; i < epochs * 938; i++) s.record(2.3 * Math.exp(-i / 400.0) + 0.3 + 0.1 * r.nextGaussian());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("model", "conv3x3(1->32) relu pool conv3x3(32->64) relu pool linear linear");
        details.put("optimiser", "Adam lr 0.001 <batch 64>");
        return new ReportData("Reference CNN on Fashion-MNIST", FASHION, rows, epochs, s.xs(), s.ys(),
                e.collector().confusion().counts(), firstConv, e.collector().gallery(), details, finished);
    }

    static Tensor filters(int f, int c, int kh, int kw, long seed) {
        Random r = new Random(seed);
        Tensor w = new Tensor(f, c, kh, kw);
        for (int i = 0; i < w.size(); i++) w.data()[i] = (float) r.nextGaussian();
        return w;
    }
}
