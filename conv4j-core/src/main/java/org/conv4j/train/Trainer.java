package org.conv4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.conv4j.data.Augmentation;
import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.LoaderConfig;
import org.conv4j.io.AtomicFile;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.loss.CrossEntropyLossConfig;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.SaveOption;
import org.conv4j.model.FrozenPart;
import org.conv4j.model.Head;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.optim.ParamGroup;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.conv4j.layers.NamedParam;
import org.conv4j.optim.Optimizer;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Trains a {@link Model} on a {@link Dataset} with a {@link TrainConfig}, like a torch training loop with
 * the usual extras: validation split, progress, per-epoch metrics, early stopping, checkpoints and exact
 * resume.
 *
 * <p>Call order: construct with a model (or {@link #resume} from a checkpoint), optionally
 * {@link #setRunDir} and {@link #addListener}, then {@link #fit} once.
 *
 * <p>A run is epochs of steps. Each step is a {@link TrainStep}: zero gradients → {@link Gradients#compute}
 * (forward, loss, backward) → {@link Gradients#checkFinite} (a NaN/Inf stops training with a
 * {@link DivergenceException} naming the layer and step, before any update, so the last checkpoint stays
 * good) → optional clipping → lr from the schedule → optimizer step → {@link Gradients#checkValues} (an update
 * that overflowed stops training in its own step). Each epoch ends with an evaluation on the validation and
 * test sets, then a checkpoint. Where the run stands is one {@link TrainingState}, advanced by each step and
 * epoch and stored by {@link Checkpoint}. A checkpoint is never written while a weight or buffer is non-finite.
 *
 * <p>Shards: with {@link TrainConfig#shards} S &gt; 1 a step's gradient is the {@link ShardFold} of the gradients of
 * the batch's S {@link Shards shards}, each {@link TrainStep#gradients} of the shard's images; that is the step of
 * {@code conv4j spark train --shards S}, whose weights are bitwise these on any partition count. S = 1 (the
 * default) is the plain whole-batch step.
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
    private final Shards shards;     // how each step's batch is cut ({@link TrainConfig#shards})
    private final Tensor[] shardX;   // each shard's images, reused while the shard's size stays the same
    private final FrozenPart frozen;
    private final Rng generator;     // draws the data order; replaced by the checkpoint's state on resume
    private final List<TrainListener> listeners = new ArrayList<>();
    private Checkpoint resumeFrom;
    private Path runDir;
    private PrintStream log;
    private Progress progress;
    private volatile boolean stopRequested;

    // Set by fit for the run.
    private TrainingState state;
    private DataLoader loader;
    private TrainStep trainStep;
    private int topK;

    /**
     * A trainer whose data order comes from {@link Rng#torch Rng.torch(config.seed())}.
     *
     * @param model  the model to train
     * @param config the training settings
     */
    public Trainer(Model model, TrainConfig config) { this(model, config, Rng.torch(config.seed())); }

    /**
     * A trainer that draws each epoch's data order from {@code generator}, which it takes over. Pass the
     * generator that {@link org.conv4j.model.NetworkSpec#build(Rng)} initialised the model from and the run
     * uses one stream, as a torch script's global generator: with {@code Rng.torch(seed)} the initial weights
     * and every epoch's order are those of {@code torch.manual_seed(seed)}, the torch.nn twin and
     * {@code torch.randperm(N)}. This is what {@code conv4j train} does.
     *
     * @param model     the model to train
     * @param config    the training settings
     * @param generator the generator of the data order
     * @throws IllegalArgumentException if {@code config.freezeUntil()} names no layer of the model, or
     *                                  {@code config.shards()} &gt; 1 and the model has running statistics or dropout
     */
    public Trainer(Model model, TrainConfig config, Rng generator) {
        this.model = model;
        this.config = config;
        this.generator = generator;
        this.params = NamedParam.of(model.network());
        this.shards = new Shards(config.shards());
        this.shardX = new Tensor[config.shards()];
        shards.requireStateless(model);
        this.frozen = FrozenPart.of(model.network(), config.freezeUntil());
        this.optimizer = config.fineTunes() ? config.newGroupedOptimizer(groups(model, params, frozen, config)) : config.newOptimizer(params);
    }

    /**
     * The parameter groups of a fine-tuning run: "backbone" (every trainable parameter outside the frozen part and
     * the head, at {@code backboneLr}, or {@code lr} when that is NaN) and "head" (the {@link Head head}'s, at
     * {@code lr}). Frozen parameters are in no group. An empty group is left out.
     */
    static List<ParamGroup> groups(Model model, List<NamedParam> params, FrozenPart frozen, TrainConfig config) {
        String head = Head.name(model.network());
        Set<Layer> headLayers = Collections.newSetFromMap(new IdentityHashMap<>());
        Layers.walk(Head.child(model.network(), head), (path, l) -> headLayers.add(l));
        List<NamedParam> backbone = new ArrayList<>(), top = new ArrayList<>();
        for (NamedParam p : frozen.trainable(params)) {
            if (!p.param().isTrainable()) continue;
            (headLayers.contains(p.owner()) ? top : backbone).add(p);
        }
        if (frozen.layers().stream().anyMatch(headLayers::contains)) {
            throw new IllegalArgumentException("--freeze " + config.freezeUntil() + " freezes the head '" + head
                    + "' too, which leaves nothing to train; freeze up to a layer before it");
        }
        List<ParamGroup> g = new ArrayList<>();
        if (!backbone.isEmpty()) g.add(new ParamGroup("backbone", backbone, Double.isNaN(config.backboneLr()) ? config.lr() : config.backboneLr()));
        g.add(new ParamGroup("head", top, config.lr()));
        return g;
    }

    /** {@return the part of the network the run leaves untouched ({@link TrainConfig#freezeUntil}); empty when none} */
    public FrozenPart frozen() { return frozen; }

    /**
     * A trainer that continues the run saved in {@code checkpoint} (whose model already holds the saved layer
     * state); {@code epochs} > 0 overrides the planned epoch count.
     *
     * @param checkpoint the saved run
     * @param epochs     the total epoch count, or 0 to keep the saved one
     * @return the trainer, ready for {@link #fit}
     */
    public static Trainer resume(Checkpoint checkpoint, int epochs) {
        TrainConfig c = epochs > 0 ? checkpoint.config().withEpochs(epochs) : checkpoint.config();
        Trainer t = new Trainer(checkpoint.model(), c);
        t.optimizer.restore(checkpoint.optimizer());
        t.resumeFrom = checkpoint;
        return t;
    }

    /** {@return the model being trained} */
    public Model model() { return model; }

    /** {@return the training settings} */
    public TrainConfig config() { return config; }

    /** {@return the optimizer, over the trainable (not frozen) parameters} */
    public Optimizer optimizer() { return optimizer; }

    /**
     * Sets where metrics, checkpoints and the final model go.
     *
     * @param dir the run folder, created if missing; null for none
     * @return this trainer
     */
    public Trainer setRunDir(Path dir) { this.runDir = dir; return this; }

    /**
     * Plain messages (data, epochs) go to {@code log}; the progress bar goes to {@code progress}.
     *
     * @param log      the message stream, or null for none
     * @param progress the progress display, or null for none
     * @return this trainer
     */
    public Trainer setOutput(PrintStream log, Progress progress) {
        this.log = log;
        this.progress = progress;
        return this;
    }

    /**
     * Adds a listener, called on the training thread after the ones added before it.
     *
     * @param l the listener
     * @return this trainer
     */
    public Trainer addListener(TrainListener l) { listeners.add(l); return this; }

    /** {@return the epochs finished before this run resumed (from the checkpoint); empty for a fresh run} */
    public List<EpochMetrics> resumedHistory() { return resumeFrom == null ? List.of() : resumeFrom.history(); }

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
     *
     * @param train the training set
     * @param test  the test set, or null
     * @return the run's outcome
     * @throws IOException                if writing the run folder (metrics, checkpoints, model) fails
     * @throws DivergenceException        if the loss or a gradient becomes NaN or infinite
     */
    public TrainResult fit(Dataset train, Dataset test) throws IOException {
        // Nothing needs the gradient of the input images: the first layer skips computing it, and the frozen part
        // runs no backward at all.
        model.network().setInputGradient(false);
        model.network().setFrozen(Set.copyOf(frozen.children()));
        try {
            return run(train, test);
        } finally {
            model.network().setFrozen(Set.of());
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
        int valSize = val == null ? 0 : val.size();
        if (resumeFrom != null && (resumeFrom.state().trainSize() != train.size() || resumeFrom.state().valSize() != valSize)) {
            throw new IllegalArgumentException("the checkpoint was trained on " + resumeFrom.state().trainSize() + " training and "
                    + resumeFrom.state().valSize() + " validation images, but this data gives " + train.size() + " and "
                    + valSize + "; resume with the same --data");
        }
        checkData(train);
        topK = Math.min(config.topK(), model.classes());
        LoaderConfig lc = LoaderConfig.train(config.batchSize(), config.seed())
                .withAugmentation(new Augmentation(config.cropPadding(), config.flip(), config.resizedCrop()))
                .withNormalization(model.normalization());
        loader = new DataLoader(train, lc, generator);
        int batches = loader.batchesPerEpoch();
        CrossEntropyLoss loss = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(config.labelSmoothing()));
        trainStep = new TrainStep(model.network(), params, optimizer, loss, topK, config.lr(), config.newSchedule(batches), config.clipNorm());

        state = TrainingState.start(train.size(), valSize);
        if (resumeFrom != null) {
            loader.restore(resumeFrom.loader());
            state = resumeFrom.state();
            say("resuming at epoch %d, step %d (%d of %d batches of this epoch done)", state.epochsDone() + 1, state.globalStep(),
                    loader.hasNext() ? loader.batchIndex() : batches, batches);
        }
        if (runDir != null) {
            ModelFile.checkSavable(model);          // before any epoch: the run folder gets checkpoints and the model
            Files.createDirectories(runDir);
            AtomicFile.write(runDir.resolve("spec.json"), o -> o.write(model.spec().toJsonText().getBytes(StandardCharsets.UTF_8)));
            writeMetrics(state.history());
        }
        say("training %s on %s: %d images (%d batches of %d%s) per epoch%s%s", describeModel(), train.name(), train.size(), batches,
                config.batchSize(), shards.count() == 1 ? "" : ", each in " + shards.count() + " shards",
                val == null ? "" : ", " + val.size() + " held out for validation",
                test == null ? "" : ", testing on " + test.size());
        if (config.fineTunes()) {
            StringBuilder g = new StringBuilder();
            for (ParamGroup pg : optimizer.groups()) {
                long n = 0;
                for (NamedParam p : pg.params()) n += p.param().value().size();
                g.append(String.format(Locale.ROOT, "%s%s %,d parameters at lr %g", g.isEmpty() ? "" : ", ", pg.name(), n, pg.lr()));
            }
            say("fine-tuning: %s; %s", frozen.isEmpty() ? "nothing frozen" : frozen.children().size() + " layers frozen up to '"
                    + frozen.until() + "' (evaluation mode, no update)", g);
        }

        boolean stoppedEarly = false;
        while (state.epochsDone() < config.epochs()) {
            if (!epoch()) return stopped();
            int epoch = state.epochsDone() + 1;
            EpochMetrics m = evaluate(val, test);
            endEpoch(m, val != null ? m.valLoss() : m.testLoss());
            if (config.patience() > 0 && state.badEpochs() >= config.patience() && epoch < config.epochs()) {
                say("early stopping: %s loss has not improved for %d epochs (best %.4f)", val != null ? "validation" : "test",
                        state.badEpochs(), state.bestLoss());
                stoppedEarly = true;
                break;
            }
            if (stopRequested && epoch < config.epochs()) return stopped(); // the epoch-end checkpoint continues it
        }
        model.network().setTraining(false);
        if (runDir != null) {
            ModelFile.save(model, runDir.resolve("model.safetensors"), SaveOption.REPLACE_EXISTING);
            say("model written to %s", runDir.resolve("model.safetensors"));
        }
        TrainResult result = new TrainResult(state.history(), stoppedEarly, false, state.globalStep());
        for (TrainListener l : listeners) l.onEnd(model, result);
        return result;
    }

    /**
     * Trains on the rest of the epoch in progress, step by step. Returns false when a stop was requested: the
     * step in progress finished and (with a run folder) a checkpoint holds that point.
     */
    private boolean epoch() throws IOException {
        int epoch = state.epochsDone() + 1;
        int batches = loader.batchesPerEpoch();
        model.network().setTraining(true);
        frozen.setEval(model.network());
        double elapsed0 = state.elapsed();
        long t0 = System.nanoTime();
        while (loader.hasNext()) {
            Batch b = loader.next();
            double lr = trainStep.lr(state.globalStep());
            Gradients.Result r = shards.count() == 1 ? trainStep.run(b.x(), b.labels(), state.globalStep()) : shardedStep(b);
            state = state.afterStep(r).withElapsed(elapsed0 + (System.nanoTime() - t0) / 1e9);
            EpochTotals sums = state.totals();
            if (progress != null) {
                progress.update(epoch, config.epochs(), loader.batchIndex(), batches, sums.seen(), state.elapsed(), sums.meanLoss(), sums.accuracy());
            }
            for (TrainListener l : listeners) l.onStep(state.globalStep(), epoch, r.loss(), lr);
            boolean periodic = config.checkpointEvery() > 0 && state.globalStep() % config.checkpointEvery() == 0;
            // The epoch-end checkpoint follows an epoch's last step, so a periodic one there would be redundant;
            // a stop there still needs one: it holds the finished pass, and a resume evaluates it first.
            if (((periodic && loader.hasNext()) || stopRequested) && runDir != null) saveCheckpoint();
            if (stopRequested) {
                if (progress != null) progress.endEpoch(); // ends the progress line mid-epoch
                return false;
            }
        }
        state = state.withElapsed(elapsed0 + (System.nanoTime() - t0) / 1e9);
        if (progress != null) progress.endEpoch();
        return true;
    }

    /**
     * One step whose gradient is the {@link ShardFold} of the shards' gradients, each {@link TrainStep#gradients} of
     * the shard's rows of the batch, as a data-parallel trainer's workers compute them; then the update.
     */
    private Gradients.Result shardedStep(Batch b) {
        Tensor x = b.x();                       // [B, C, H, W]
        int[] labels = b.labels();              // [B]
        int n = labels.length, item = x.itemSize();
        int[] shape = x.shape();
        ShardFold fold = new ShardFold(n);
        for (int s = 0; s < shards.count(); s++) {
            int from = shards.start(n, s), to = shards.end(n, s);
            if (from == to) continue;
            shape[0] = to - from;
            if (shardX[s] == null || !shardX[s].hasShape(shape)) shardX[s] = new Tensor(shape);
            Tensor xs = shardX[s];              // [n_s, C, H, W], kept across steps of the same shape
            System.arraycopy(x.data(), from * item, xs.data(), 0, (to - from) * item);
            Gradients.Result r = trainStep.gradients(xs, Arrays.copyOfRange(labels, from, to));
            fold.add(params, r);
        }
        Gradients.Result r = fold.writeTo(params);
        trainStep.update(state.globalStep(), r.loss(), x);
        return r;
    }

    /** Evaluates the model after the epoch in progress: its metrics, with validation and test figures if there are sets. */
    private EpochMetrics evaluate(Dataset val, Dataset test) {
        int epoch = state.epochsDone() + 1;
        model.network().setTraining(false);
        Evaluation ve = val == null ? null : Evaluation.of(model, val, 500, topK);
        Evaluation te = test == null ? null : Evaluation.of(model, test, 500, topK);
        if (te != null) for (TrainListener l : listeners) l.onTest(epoch, test, te, model);
        EpochTotals sums = state.totals();
        double seconds = state.elapsed();
        return new EpochMetrics(epoch, sums.meanLoss(), sums.accuracy(), sums.topKAccuracy(),
                ve == null ? Double.NaN : ve.loss(), ve == null ? Double.NaN : ve.accuracy(),
                te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(), te == null ? Double.NaN : te.topK(),
                seconds, sums.seen() / seconds, optimizer.lr());
    }

    /** Records the finished epoch: metrics file, listeners, early-stopping state on {@code monitored} (NaN: none), next epoch, checkpoint. */
    private void endEpoch(EpochMetrics m, double monitored) throws IOException {
        List<EpochMetrics> history = new ArrayList<>(state.history());
        history.add(m);
        say("%s", describe(m, topK));
        if (runDir != null) writeMetrics(history);
        for (TrainListener l : listeners) l.onEpoch(m, model);
        loader.nextEpoch();
        state = state.nextEpoch(m, monitored, config.patience());
        if (runDir != null) saveCheckpoint();
    }

    private TrainResult stopped() {
        say("stopped at step %d on request; resume with --resume %s", state.globalStep(),
                runDir == null ? "(no run folder, so no checkpoint)" : runDir.resolve("checkpoint.safetensors"));
        return new TrainResult(state.history(), false, true, state.globalStep());
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

    private void saveCheckpoint() throws IOException {
        Gradients.checkValues(params, state.globalStep(), "when its checkpoint was due, so that checkpoint was not written");
        new Checkpoint(model, config, optimizer.state(), loader.state(), state).save(runDir.resolve("checkpoint.safetensors"));
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
