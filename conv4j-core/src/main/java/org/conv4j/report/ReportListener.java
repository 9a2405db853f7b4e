package org.conv4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conv4j.data.Dataset;
import org.conv4j.model.Model;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;
import org.conv4j.train.Evaluation;
import org.conv4j.train.TrainListener;
import org.conv4j.train.TrainResult;

/**
 * Keeps a run folder's report.html up to date while a {@link org.conv4j.train.Trainer} runs: add it with
 * {@code trainer.addListener(new ReportListener(...))}. The confusion matrix comes from the trainer's own
 * test pass (its per-image predictions), so it agrees with the reported test accuracy by construction;
 * the gallery runs the model on just the {@value TrainingReport#GALLERY_PER_KIND} right and wrong images
 * it shows. A failed report write is reported on the log but never stops training.
 */
public final class ReportListener implements TrainListener {
    private final TrainingReport report;
    private final java.io.PrintStream log;
    private ConfusionMatrix confusion;
    private List<GallerySample> gallery = List.of();
    private boolean warned, ended;

    /**
     * A listener that writes the report into {@code runDir}.
     *
     * @param runDir     the run folder
     * @param title      heading of the page
     * @param classNames K names
     * @param epochs     epochs planned in all
     * @param details    facts to show (model, optimiser, data ...)
     * @param model      the model being trained (its first conv layer's filters are drawn)
     * @param before     epochs finished before a resume (empty for a fresh run)
     * @param log        where a failed write is reported
     */
    public ReportListener(Path runDir, String title, List<String> classNames, int epochs, Map<String, String> details, Model model,
                          List<EpochMetrics> before, java.io.PrintStream log) {
        this.report = new TrainingReport(runDir, title, classNames, epochs, details, List.of(model.network()));
        this.log = log;
        report.restore(before);
    }

    /**
     * The report of a {@code conv4j train} run: titled with the model and data, class names from the model
     * (else the data), the run's settings as details, and the epochs before a resume.
     *
     * @param trainer the trainer the listener will be added to
     * @param data    the training and test data
     * @param runDir  the run folder
     * @param log     where a failed write is reported
     * @return the listener; add it to the trainer yourself
     */
    public static ReportListener forTrainer(org.conv4j.train.Trainer trainer, org.conv4j.data.TrainTest data, Path runDir,
                                            java.io.PrintStream log) {
        Model model = trainer.model();
        org.conv4j.train.TrainConfig c = trainer.config();
        String name = model.spec().name() == null ? "model" : model.spec().name();
        List<String> names = model.spec().classNames() != null ? model.spec().classNames()
                : data.train().numClasses() == model.classes() ? data.train().classNames() : numbered(model.classes());
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("model", name + ", input " + java.util.Arrays.toString(model.spec().input()) + ", " + model.classes() + " classes");
        details.put("data", data.source());
        details.put("training", String.format(java.util.Locale.ROOT, "%s, lr %s, batch %d, %d epochs, seed %d", c.optimizer(), c.lr(),
                c.batchSize(), c.epochs(), c.seed()));
        details.put("run folder", runDir.toString());
        return new ReportListener(runDir, name + " on " + data.train().name().replaceFirst(" train$", ""), names, c.epochs(), details, model,
                trainer.resumedHistory(), log);
    }

    private static List<String> numbered(int k) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < k; i++) n.add(Integer.toString(i));
        return n;
    }

    /** {@return the report this listener feeds, e.g. to read its timing or path} */
    public TrainingReport report() { return report; }

    /** Marks the page finished if {@link #onEnd} has not (training diverged or was stopped on request). */
    public void finishQuietly() {
        if (!ended) onEnd(null, null);
    }

    @Override
    public void onStep(long step, int epoch, float loss, double lr) {
        report.batch(loss);
    }

    @Override
    public void onTest(int epoch, Dataset test, Evaluation evaluation, Model model) {
        int[] labels = new int[evaluation.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = test.label(i);
        record(labels, evaluation.predictions(), i -> {
            float[] px = new float[test.itemSize()];
            test.copyImage(i, px, 0);
            return px;
        }, test.itemShape(), model);
    }

    @Override
    public void onTestPredictions(int epoch, int[] labels, int[] predicted, Map<Integer, float[]> images, int[] itemShape, Model model) {
        record(labels, predicted, i -> {
            float[] px = images.get(i);
            if (px == null) throw new IllegalStateException("the trainer sent no pixels for test image " + i + ", a gallery image");
            return px;
        }, itemShape, model);
    }

    /**
     * The confusion matrix of every test image, and the gallery: the first {@value TrainingReport#GALLERY_PER_KIND}
     * images predicted right and as many predicted wrong, in test order, run through the model.
     */
    private void record(int[] labels, int[] predicted, java.util.function.IntFunction<float[]> pixels, int[] shape, Model model) {
        long t0 = System.nanoTime(), c0 = TrainingReport.threadCpu();
        int n = labels.length, k = model.classes();
        ConfusionMatrix cm = new ConfusionMatrix(k);
        List<Integer> right = new ArrayList<>(), wrong = new ArrayList<>();
        int per = TrainingReport.GALLERY_PER_KIND;
        for (int i = 0; i < n; i++) {
            cm.add(labels[i], predicted[i]);
            List<Integer> keep = predicted[i] == labels[i] ? right : wrong;
            if (keep.size() < per) keep.add(i);
        }
        List<Integer> chosen = new ArrayList<>(right);
        chosen.addAll(wrong);
        List<GallerySample> samples = new ArrayList<>();
        if (!chosen.isEmpty()) {
            int item = shape[0] * shape[1] * shape[2];
            Tensor x = new Tensor(chosen.size(), shape[0], shape[1], shape[2]); // raw pixels, as shown
            for (int j = 0; j < chosen.size(); j++) System.arraycopy(pixels.apply(chosen.get(j)), 0, x.data(), j * item, item);
            Tensor logits = model.logits(x);
            for (int j = 0; j < chosen.size(); j++) samples.add(EvalCollector.sample(x, logits, j, labels[chosen.get(j)]));
        }
        confusion = cm;
        gallery = samples;
        report.addNanos(System.nanoTime() - t0, TrainingReport.threadCpu() - c0);
    }

    @Override
    public void onEpoch(EpochMetrics metrics, Model model) {
        try {
            report.epochEnd(metrics, confusion, gallery);
        } catch (IOException | RuntimeException e) {
            warn(e);
        }
    }

    @Override
    public void onEnd(Model model, TrainResult result) {
        ended = true;
        try {
            report.finish();
        } catch (IOException | RuntimeException e) {
            warn(e);
        }
    }

    private void warn(Exception e) {
        if (!warned && log != null) log.println("conv4j: could not write the run report " + report.html() + ": " + e);
        warned = true;
    }
}
