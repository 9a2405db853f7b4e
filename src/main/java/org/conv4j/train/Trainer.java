package org.conv4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.data.Augmentation;
import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.LoaderConfig;
import org.conv4j.io.AtomicFile;
import org.conv4j.layers.Dropout;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.loss.CrossEntropyLossConfig;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NamedParam;
import org.conv4j.optim.GradClip;
import org.conv4j.optim.LrSchedule;
import org.conv4j.optim.Optimizer;
import org.conv4j.util.Rng;

/**
 * Trains a {@link Model} on a {@link Dataset} with a {@link TrainConfig}, like a torch training loop with
 * the usual extras: validation split, progress, per-epoch metrics, early stopping, checkpoints and exact
 * resume.
 *
 * <p>Call order: construct with a model (or {@link #resume} from a checkpoint), optionally
 * {@link #setRunDir} and {@link #addListener}, then {@link #fit} once.
 *
 * <p>Each step: zero gradients → {@link Gradients#compute} (forward, loss, backward) →
 * {@link Gradients#checkFinite} (a NaN/Inf stops training with a {@link DivergenceException} naming the
 * layer and step, before any update, so the last checkpoint stays good) → optional clipping → lr from the
 * schedule → optimizer step → {@link Gradients#checkValues} (an update that overflowed stops training in its
 * own step). A checkpoint is never written while a weight or buffer is non-finite.
 *
 * <p>Run folder (when set): {@code metrics.csv} (one row per epoch, written as each epoch ends),
 * {@code checkpoint.safetensors} (after every epoch and every {@code checkpointEvery} steps; atomic),
 * {@code spec.json}, and {@code model.safetensors} (the final model).
 *
 * <p>Exactness: weights, optimizer state, data order and position, and every generator are checkpointed,
 * and all reductions are in a fixed order, so a run resumed from any checkpoint ends with weights bitwise
 * identical to an uninterrupted run (on any thread count). Not thread-safe.
 */
public final class Trainer {
    private final Model model;
    private final TrainConfig config;
    private final Optimizer optimizer;
    private final List<NamedParam> params;
    private final Rng generator;     // draws the data order; replaced by the checkpoint's state on resume
    private final List<TrainListener> listeners = new ArrayList<>();
    private Checkpoint resumeFrom;
    private Path runDir;
    private PrintStream log;
    private Progress progress;
    private volatile boolean stopRequested;

    /** A trainer whose data order comes from {@link Rng#torch Rng.torch(config.seed())}. */
    public Trainer(Model model, TrainConfig config) { this(model, config, Rng.torch(config.seed())); }

    /**
     * A trainer that draws each epoch's data order from {@code generator}, which it takes over. Pass the
     * generator that {@link org.conv4j.model.NetworkSpec#build(Rng)} initialised the model from and the run
     * uses one stream, as a torch script's global generator: with {@code Rng.torch(seed)} the initial weights
     * and every epoch's order are those of {@code torch.manual_seed(seed)}, the torch.nn twin and
     * {@code torch.randperm(N)}. This is what {@code conv4j train} does.
     */
    public Trainer(Model model, TrainConfig config, Rng generator) {
        this.model = model;
        this.config = config;
        this.generator = generator;
        this.params = NamedParam.of(model.network());
        this.optimizer = config.newOptimizer(params);
    }

    /** A trainer that continues the run saved in {@code checkpoint}; {@code epochs} > 0 overrides the planned epoch count. */
    public static Trainer resume(Checkpoint checkpoint, int epochs) {
        TrainConfig c = epochs > 0 ? checkpoint.config().withEpochs(epochs) : checkpoint.config();
        Trainer t = new Trainer(checkpoint.model(), c);
        t.optimizer.restore(checkpoint.optimizer());
        Map<String, Dropout> drops = Checkpoint.dropouts(t.model.network());
        for (Map.Entry<String, long[]> e : checkpoint.rngs().entrySet()) drops.get(e.getKey()).rng().setState(e.getValue());
        t.resumeFrom = checkpoint;
        return t;
    }

    public Model model() { return model; }

    public TrainConfig config() { return config; }

    public Optimizer optimizer() { return optimizer; }

    /** Where metrics, checkpoints and the final model go (created if missing); null for none. */
    public Trainer setRunDir(Path dir) { this.runDir = dir; return this; }

    /** Plain messages (data, epochs) go to {@code log}; the progress bar goes to {@code progress}. Either may be null. */
    public Trainer setOutput(PrintStream log, Progress progress) {
        this.log = log;
        this.progress = progress;
        return this;
    }

    public Trainer addListener(TrainListener l) { listeners.add(l); return this; }

    /** The epochs finished before this run resumed (from the checkpoint); empty for a fresh run. */
    public List<EpochMetrics> resumedHistory() { return resumeFrom == null ? List.of() : List.copyOf(resumeFrom.history()); }

    /**
     * Asks the run to stop at the next step boundary, e.g. from a signal handler; safe to call from any thread.
     * The step in progress completes, a checkpoint of exactly that point is written (with a run folder), and
     * {@link #fit} returns a result that is {@link TrainResult#interrupted}. A request during an epoch's
     * evaluation takes effect after the epoch-end checkpoint; one during the last epoch's evaluation or
     * after it lets the run finish.
     */
    public void requestStop() { stopRequested = true; }

    /**
     * Trains on {@code train} (minus the validation split) for the configured epochs, evaluating on the
     * validation part and on {@code test} (may be null) after each epoch.
     */
    public TrainResult fit(Dataset train, Dataset test) throws IOException {
        // Nothing needs the gradient of the input images: the first layer skips computing it.
        model.network().setInputGradient(false);
        try {
            return run(train, test);
        } finally {
            model.network().setInputGradient(true);
        }
    }

    private TrainResult run(Dataset train, Dataset test) throws IOException {
        Dataset val = null;
        if (config.validationSplit() > 0) {
            Dataset.Split s = train.split(config.validationSplit(), config.seed());
            train = s.train();
            val = s.validation();
        }
        if (resumeFrom != null && (resumeFrom.trainSize() != train.size() || resumeFrom.valSize() != (val == null ? 0 : val.size()))) {
            throw new IllegalArgumentException("the checkpoint was trained on " + resumeFrom.trainSize() + " training and "
                    + resumeFrom.valSize() + " validation images, but this data gives " + train.size() + " and "
                    + (val == null ? 0 : val.size()) + "; resume with the same --data");
        }
        checkData(train);
        int k = Math.min(config.topK(), model.classes());
        LoaderConfig lc = LoaderConfig.train(config.batchSize(), config.seed())
                .withAugmentation(config.flip() || config.cropPadding() > 0 ? Augmentation.of(config.cropPadding(), config.flip()) : Augmentation.NONE)
                .withNormalization(model.normalization());
        DataLoader loader = new DataLoader(train, lc, generator);
        int batches = loader.batchesPerEpoch();
        LrSchedule schedule = config.newSchedule(batches);
        CrossEntropyLoss loss = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(config.labelSmoothing()));

        List<EpochMetrics> history = new ArrayList<>();
        int epoch0 = 0;
        long step = 0;
        double lossSum = 0, elapsed0 = 0, bestLoss = Double.POSITIVE_INFINITY;
        long correct = 0, topk = 0, seen = 0;
        int badEpochs = 0;
        if (resumeFrom != null) {
            Checkpoint c = resumeFrom;
            loader.restore(c.loader());
            epoch0 = c.epochsDone();
            step = c.globalStep();
            lossSum = c.lossSum();
            correct = c.correct();
            topk = c.topK();
            seen = c.seen();
            elapsed0 = c.elapsed();
            bestLoss = c.bestLoss();
            badEpochs = c.badEpochs();
            history.addAll(c.history());
            say("resuming at epoch %d, step %d (%d of %d batches of this epoch done)", epoch0 + 1, step,
                    loader.hasNext() ? loader.batchIndex() : batches, batches);
        }
        if (runDir != null) {
            Files.createDirectories(runDir);
            AtomicFile.write(runDir.resolve("spec.json"), o -> o.write(model.spec().toJsonText().getBytes(StandardCharsets.UTF_8)));
            writeMetrics(history);
        }
        say("training %s on %s: %d images (%d batches of %d) per epoch%s%s", describeModel(), train.name(), train.size(), batches,
                config.batchSize(), val == null ? "" : ", " + val.size() + " held out for validation",
                test == null ? "" : ", testing on " + test.size());

        boolean stoppedEarly = false;
        for (int epoch = epoch0; epoch < config.epochs(); epoch++) {
            model.network().setTraining(true);
            long t0 = System.nanoTime();
            while (loader.hasNext()) {
                Batch b = loader.next();
                double lr = config.lr() * schedule.factor(step);
                optimizer.setLr(lr);
                optimizer.zeroGrad();
                Gradients.Result r = Gradients.compute(model.network(), loss, b.x(), b.labels(), k);
                Gradients.checkFinite(model.network(), b.x(), r.loss(), params, step + 1);
                if (config.clipNorm() > 0) GradClip.clipGlobalNorm(params, config.clipNorm());
                optimizer.step();
                Gradients.checkValues(params, step + 1, "after the update");
                step++;
                lossSum += (double) r.loss() * r.size();
                correct += r.correct();
                topk += r.topK();
                seen += r.size();
                double elapsed = elapsed0 + (System.nanoTime() - t0) / 1e9;
                if (progress != null) {
                    progress.update(epoch + 1, config.epochs(), loader.batchIndex(), batches, seen, elapsed, lossSum / seen, (double) correct / seen);
                }
                for (TrainListener l : listeners) l.onStep(step, epoch + 1, r.loss(), lr);
                boolean periodic = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
                // The epoch-end checkpoint follows an epoch's last step, so a periodic one there would be redundant;
                // a stop there still needs one: it holds the finished pass, and a resume evaluates it first.
                if (((periodic && loader.hasNext()) || stopRequested) && runDir != null) {
                    saveCheckpoint(loader, epoch, step, lossSum, correct, topk, seen, elapsed, bestLoss, badEpochs, history, train, val);
                }
                if (stopRequested) {
                    if (progress != null) progress.endEpoch(); // ends the progress line mid-epoch
                    return stopped(history, step);
                }
            }
            double seconds = elapsed0 + (System.nanoTime() - t0) / 1e9;
            if (progress != null) progress.endEpoch();
            model.network().setTraining(false);
            Evaluation ve = val == null ? null : Evaluation.of(model, val, 500, k);
            Evaluation te = test == null ? null : Evaluation.of(model, test, 500, k);
            if (te != null) for (TrainListener l : listeners) l.onTest(epoch + 1, test, te, model);
            EpochMetrics m = new EpochMetrics(epoch + 1, lossSum / seen, (double) correct / seen, (double) topk / seen,
                    ve == null ? Double.NaN : ve.loss(), ve == null ? Double.NaN : ve.accuracy(),
                    te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(), te == null ? Double.NaN : te.topK(),
                    seconds, seen / seconds, optimizer.lr());
            history.add(m);
            say("%s", describe(m, k));
            if (runDir != null) writeMetrics(history);
            for (TrainListener l : listeners) l.onEpoch(m, model);

            double monitored = ve != null ? ve.loss() : te != null ? te.loss() : Double.NaN;
            if (config.patience() > 0 && !Double.isNaN(monitored)) {
                if (monitored < bestLoss) { bestLoss = monitored; badEpochs = 0; } else badEpochs++;
            }
            loader.nextEpoch();
            lossSum = 0; correct = 0; topk = 0; seen = 0; elapsed0 = 0;
            if (runDir != null) saveCheckpoint(loader, epoch + 1, step, 0, 0, 0, 0, 0, bestLoss, badEpochs, history, train, val);
            if (config.patience() > 0 && badEpochs >= config.patience() && epoch + 1 < config.epochs()) {
                say("early stopping: %s loss has not improved for %d epochs (best %.4f)", ve != null ? "validation" : "test", badEpochs, bestLoss);
                stoppedEarly = true;
                break;
            }
            if (stopRequested && epoch + 1 < config.epochs()) return stopped(history, step); // the checkpoint above continues it
        }
        model.network().setTraining(false);
        if (runDir != null) {
            ModelFile.save(model, runDir.resolve("model.safetensors"), true);
            say("model written to %s", runDir.resolve("model.safetensors"));
        }
        TrainResult result = new TrainResult(history, stoppedEarly, false, step);
        for (TrainListener l : listeners) l.onEnd(model, result);
        return result;
    }

    private TrainResult stopped(List<EpochMetrics> history, long step) {
        say("stopped at step %d on request; resume with --resume %s", step,
                runDir == null ? "(no run folder, so no checkpoint)" : runDir.resolve("checkpoint.safetensors"));
        return new TrainResult(history, false, true, step);
    }

    private void checkData(Dataset train) {
        int[] want = model.spec().input();
        if (!Arrays.equals(want, train.itemShape())) {
            throw new IllegalArgumentException("the model " + describeModel() + " takes images of " + Arrays.toString(want)
                    + " but " + train.name() + " has " + Arrays.toString(train.itemShape()));
        }
        if (train.numClasses() > model.classes()) {
            throw new IllegalArgumentException(train.name() + " has " + train.numClasses() + " classes but the model outputs "
                    + model.classes());
        }
    }

    private String describeModel() { return model.spec().name() == null ? "the model" : model.spec().name(); }

    private void saveCheckpoint(DataLoader loader, int epochsDone, long step, double lossSum, long correct, long topk, long seen,
                                double elapsed, double bestLoss, int badEpochs, List<EpochMetrics> history, Dataset train, Dataset val)
            throws IOException {
        Gradients.checkValues(params, step, "when its checkpoint was due, so that checkpoint was not written");
        Map<String, long[]> rngs = new LinkedHashMap<>();
        for (Map.Entry<String, Dropout> e : Checkpoint.dropouts(model.network()).entrySet()) rngs.put(e.getKey(), e.getValue().rng().state());
        new Checkpoint(model, config, optimizer.state(), loader.state(), rngs, epochsDone, step, lossSum, correct, topk, seen,
                elapsed, bestLoss, badEpochs, List.copyOf(history), train.size(), val == null ? 0 : val.size())
                .save(runDir.resolve("checkpoint.safetensors"));
    }

    private void writeMetrics(List<EpochMetrics> history) throws IOException {
        StringBuilder b = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics m : history) b.append(m.csvRow()).append('\n');
        AtomicFile.write(runDir.resolve("metrics.csv"), o -> o.write(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static String describe(EpochMetrics m, int k) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%", m.epoch(),
                m.trainLoss(), 100 * m.trainAcc()));
        if (!Double.isNaN(m.valLoss())) b.append(String.format(Locale.ROOT, " | val loss %.4f acc %.2f%%", m.valLoss(), 100 * m.valAcc()));
        if (!Double.isNaN(m.testLoss())) {
            b.append(String.format(Locale.ROOT, " | test loss %.4f acc %.2f%% top-%d %.2f%%", m.testLoss(), 100 * m.testAcc(), k,
                    100 * m.testTopK()));
        }
        b.append(String.format(Locale.ROOT, " | %.1f s, %,.0f img/s", m.seconds(), m.imagesPerSecond()));
        return b.toString();
    }

    private void say(String fmt, Object... args) {
        if (log != null) log.println(String.format(Locale.ROOT, fmt, args));
    }
}
