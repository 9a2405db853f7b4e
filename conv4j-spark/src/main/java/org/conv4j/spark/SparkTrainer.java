package org.conv4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.LoaderConfig;
import org.conv4j.data.LoaderState;
import org.conv4j.data.TrainTest;
import org.conv4j.io.AtomicFile;
import org.conv4j.layers.NamedParam;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.loss.CrossEntropyLossConfig;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.optim.Optimizer;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.DivergenceException;
import org.conv4j.train.EpochMetrics;
import org.conv4j.train.EpochTotals;
import org.conv4j.train.Gradients;
import org.conv4j.train.Metrics;
import org.conv4j.train.Progress;
import org.conv4j.train.ShardFold;
import org.conv4j.train.Shards;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainListener;
import org.conv4j.train.TrainResult;
import org.conv4j.train.TrainStep;
import org.conv4j.train.TrainingState;
import org.conv4j.util.Rng;

/**
 * Synchronous data-parallel training on Spark: the single-JVM {@code Trainer}'s loop, with each step's
 * gradient computed by P Spark tasks and the update taken once, on the driver.
 *
 * <p>A step: the driver publishes every weight in Spark's block manager ({@link PublishedWeights}; a DataFrame
 * run broadcasts them); task p of the step's job, submitted while the step before computed (the look-ahead,
 * {@link #LOOK_AHEAD}), waits for them, builds the images of its shards of the batch from the data its executor
 * loaded ({@link DataSource}), augmented with the draws the single-JVM loader would take ({@link BatchPlace}),
 * and computes each shard's gradient with the trainer's own
 * {@link TrainStep#gradients}; the driver gets the shard gradients as task results (as objects on a local
 * master, {@link HandedResults}), folds them in shard order ({@link ShardFold}, the core trainer's own fold)
 * into its parameters' gradients and takes the step with {@link TrainStep#update}. The shard count S is the config's {@link TrainConfig#shards}; the partition count
 * P ≤ S is {@link #fit}'s. Per step and partition the wire carries the model down once and S/P gradients up:
 * twice the model with S = P.
 *
 * <p>Exactness: the data order is the single-JVM loader's (the driver runs the same {@link DataLoader}, over
 * image numbers only), the shards are the core's {@link Shards}, shard gradients do not depend on where they run,
 * and the fold's order is the shard order. So the weights after every step are bitwise those of the core
 * {@code Trainer} with the same config ({@code conv4j train --shards S}), on any partition count, thread count
 * or cluster, and after a task is lost and rerun; with S = 1 they are those of plain {@code conv4j train}.
 * (Different S give different last bits: the batch's reductions, such as a Linear layer's weight gradient, one
 * chain of FMAs over the whole batch, are cut at the shards.)
 *
 * <p>Run folder: as the single-JVM trainer's ({@code metrics.csv}, {@code checkpoint.safetensors},
 * {@code spec.json}, {@code model.safetensors}; a checkpoint resumes here or in {@code conv4j train}), plus
 * {@code steps.csv}: each step's time split into compute, communication and scheduling.
 *
 * <p>Call order: construct (or {@link #resume}), optionally {@link #setRunDir}, {@link #setOutput},
 * {@link #addListener}, then {@link #fit} once. Not thread-safe.
 */
public final class SparkTrainer {
    /**
     * Spark setting: {@code false} stops {@link #fit(DataSource, int)} submitting each step's job before the step
     * before it has finished (default {@code true}; it never does under {@code spark.scheduler.mode=FAIR}).
     */
    public static final String LOOK_AHEAD = "spark.conv4j.lookAhead";

    private final JavaSparkContext sc;
    private final Model model;
    private final TrainConfig config;
    private final Optimizer optimizer;
    private final List<NamedParam> params;
    private final Rng generator;
    private final List<TrainListener> listeners = new ArrayList<>();
    private Checkpoint resumeFrom;
    /** The validation pass over a DataFrame's held-out rows, while {@link #fit(org.apache.spark.sql.Dataset, String, String, int)} runs. */
    private java.util.function.Supplier<List<EvalBatch>> frameValidation;
    private Path runDir;
    private PrintStream log;
    private Progress progress;
    private final List<StepTimes> stepTimes = new ArrayList<>();
    /** Whether the next step's job is submitted before this step's update (only over a {@link DataSource}). */
    private boolean lookAhead;
    /** The run's broadcast whose id names its published weights, while {@link #fit(DataSource, int)} runs. */
    private Broadcast<String> runBlocks;
    /** The next step, its job submitted ahead and waiting for its weights; null if none. */
    private Step ahead;

    private TrainingState state;
    private DataLoader loader;
    private long augmentationSeed;   // the loader's: the executors draw each image's augmentation from it
    private volatile boolean stopRequested;
    private TrainStep trainStep;
    private int topK;

    /**
     * A run whose data order comes from {@code generator}, as {@code Trainer(model, config, generator)}.
     *
     * @throws IllegalArgumentException if {@code config.shards()} &gt; 1 and the model has running statistics or
     *                                  dropout ({@link Shards#requireStateless}, as the core trainer)
     */
    public SparkTrainer(JavaSparkContext sc, Model model, TrainConfig config, Rng generator) {
        new Shards(config.shards()).requireStateless(model);
        this.sc = sc;
        this.model = model;
        this.config = config;
        this.generator = generator;
        this.params = NamedParam.of(model.network());
        this.optimizer = config.newOptimizer(params);
    }

    /**
     * Continues the run saved in {@code checkpoint} (written here or by {@code conv4j train}), with its config and so
     * its shard count; {@code epochs} > 0 overrides the plan.
     */
    public static SparkTrainer resume(JavaSparkContext sc, Checkpoint checkpoint, int epochs) {
        TrainConfig c = epochs > 0 ? checkpoint.config().withEpochs(epochs) : checkpoint.config();
        SparkTrainer t = new SparkTrainer(sc, checkpoint.model(), c, Rng.torch(c.seed()));
        t.optimizer.restore(checkpoint.optimizer());
        t.resumeFrom = checkpoint;
        return t;
    }

    /** {@return the model being trained} */
    public Model model() { return model; }

    /** {@return the training settings (a resumed run's are the checkpoint's)} */
    public TrainConfig config() { return config; }

    public SparkTrainer setRunDir(Path dir) { this.runDir = dir; return this; }

    public SparkTrainer setOutput(PrintStream log, Progress progress) { this.log = log; this.progress = progress; return this; }

    public SparkTrainer addListener(TrainListener l) { listeners.add(l); return this; }

    /** Each step's time split, in step order, for the steps this object ran. */
    public List<StepTimes> stepTimes() { return List.copyOf(stepTimes); }

    /** The training part of {@code train}: all of it, or what the validation split leaves (on any JVM, the same). */
    static Dataset trainPart(Dataset train, TrainConfig config) {
        return config.validationSplit() > 0 ? train.split(config.validationSplit(), config.seed()).train() : train;
    }

    private static Dataset validationPart(Dataset train, TrainConfig config) {
        return config.validationSplit() > 0 ? train.split(config.validationSplit(), config.seed()).validation() : null;
    }

    /** What the driver learns about the data from one task: sizes and shape, never images. */
    record DataFacts(int trainSize, int valSize, int testSize, int classes, int[] itemShape, String name) implements Serializable {}

    /**
     * Trains on {@code data}, each step's {@link TrainConfig#shards} shards computed by {@code partitions} tasks,
     * evaluating on its validation part and test set after each epoch.
     *
     * @param data       the data folder, read by the executors
     * @param partitions P, 1 ≤ P ≤ the config's shard count
     * @return the run's outcome
     * @throws IllegalArgumentException if P exceeds the shard count, or the data does not fit the model
     */
    public TrainResult fit(DataSource data, int partitions) throws IOException {
        ShardPlan plan = new ShardPlan(config.shards(), partitions);
        String cfgJson = org.conv4j.io.Json.write(config.toJson());
        List<DataFacts> factsList = sc.parallelize(List.of(0), 1).map(i -> facts(data, cfgJson)).collect();
        DataFacts facts = factsList.get(0);
        if (!Arrays.equals(facts.itemShape(), model.spec().input())) {
            throw new IllegalArgumentException("the model takes images of " + Arrays.toString(model.spec().input()) + " but "
                    + facts.name() + " has " + Arrays.toString(facts.itemShape()));
        }
        if (facts.classes() > model.classes()) {
            throw new IllegalArgumentException(facts.name() + " has " + facts.classes() + " classes but the model outputs " + model.classes());
        }
        if (resumeFrom != null && (resumeFrom.state().trainSize() != facts.trainSize() || resumeFrom.state().valSize() != facts.valSize())) {
            throw new IllegalArgumentException("the checkpoint was trained on " + resumeFrom.state().trainSize() + " training and "
                    + resumeFrom.state().valSize() + " validation images, but this data gives " + facts.trainSize() + " and "
                    + facts.valSize() + "; resume with the same --data");
        }
        RunSpec runSpec = RunSpec.of(UUID.randomUUID().toString(), model, config, data, plan);
        int threads = TaskThreads.share(sc.defaultParallelism(), plan.partitions());
        // One RDD for every step, partition p holding p; each job's function (a StepTask) carries its step's batch
        // and weights.
        org.apache.spark.rdd.RDD<Integer> stepRdd = sc.parallelize(range(plan.partitions()), plan.partitions()).rdd();
        // On a local master the tasks run in this JVM and hand their results over as objects (HandedResults).
        boolean handOff = sc.sc().isLocal();
        StepJob job = (step, batch, place, weights) -> new StepTask(runSpec, batch, place, weights, threads,
                handOff ? new HandedResults(runSpec.key(), step, HandedResults.here()) : null).submit(sc.sc(), stepRdd);
        // Its tasks prefer no executor, so under FIFO scheduling the next step's tasks take a core only once every
        // task of the step before has one: a look-ahead job cannot hold the cores the step it waits for needs.
        boolean fifo = "FIFO".equalsIgnoreCase(sc.getConf().get("spark.scheduler.mode", "FIFO"));
        lookAhead = fifo && sc.getConf().getBoolean(LOOK_AHEAD, true);
        // The run's own broadcast: its id names the blocks of published weights, and destroying it removes them all.
        runBlocks = sc.broadcast(runSpec.key());
        model.network().setInputGradient(false);
        try {
            return run(data, plan, facts, job);
        } finally {
            model.network().setInputGradient(true);
            Broadcast<String> blocks = runBlocks;
            release(blocks::destroy);
            runBlocks = null;
            HandedResults.dropRun(runSpec.key());
            lookAhead = false;
        }
    }

    /**
     * A step's Spark job: the shard results of one batch (image numbers in batch order), computed from the weights
     * {@code weights} gives its tasks. Returns once the job is submitted, or once done where it cannot run ahead.
     */
    private interface StepJob {
        /** @param step the global step (1-based) */
        StepTask.Submitted submit(long step, int[] batch, BatchPlace place, WeightSource weights);
    }

    /**
     * Trains on the rows of {@code frame}: {@code imageCol} holds encoded image bytes (binary, decoded and
     * resized to the model's input) or pixels (array of float or double, C·H·W values in [0, 1]), and
     * {@code labelCol} an integer class. Row i (in the frame's order, numbered by {@code zipWithIndex}) is image
     * i of the data order, so the same rows as files train the same weights. The images stay on the executors:
     * each step, Spark moves the batch's images to the partitions that compute their shards (a filter and a
     * partitionBy over the cached rows); the driver receives only the row count and the largest label. With the
     * config's validation split, the rows {@link Dataset#split} would hold out of the same images as files are
     * held out and scored after each epoch (the same loss and accuracy as {@code conv4j train --val-split}); there
     * is no test set, so the metrics hold no test figures.
     *
     * @param partitions P, 1 ≤ P ≤ the config's shard count ({@link TrainConfig#shards})
     * @return the run's outcome
     */
    public TrainResult fit(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame, String imageCol, String labelCol, int partitions)
            throws IOException {
        ShardPlan plan = new ShardPlan(config.shards(), partitions);
        int[] in = model.spec().input();
        int image = frame.schema().fieldIndex(imageCol), label = frame.schema().fieldIndex(labelCol);
        JavaRDD<Example> examples = frame.toDF().javaRDD().zipWithIndex()
                .map(t -> FrameRows.example(t._1(), t._2(), image, label, in)).persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
        try {
            long n = examples.count();
            if (n == 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("the DataFrame has " + n + " rows");
            int classes = examples.map(Example::label).reduce(Math::max) + 1;
            if (classes > model.classes()) throw new IllegalArgumentException("the DataFrame has labels up to " + (classes - 1)
                    + " but the model outputs " + model.classes() + " classes");
            String name = "DataFrame column " + imageCol;
            // --val-split holds out the rows Dataset.split would hold out of the same images as files; the loader
            // runs over positions in the training rows, which trainRows turns back into row numbers.
            int[][] split = config.validationSplit() > 0 ? Dataset.splitIndices((int) n, config.validationSplit(), config.seed(), name) : null;
            int[] trainRows = split == null ? null : split[0], valRows = split == null ? null : split[1];
            DataFacts facts = new DataFacts(split == null ? (int) n : trainRows.length, split == null ? 0 : valRows.length, 0, classes, in, name);
            if (resumeFrom != null && (resumeFrom.state().trainSize() != facts.trainSize() || resumeFrom.state().valSize() != facts.valSize())) {
                throw new IllegalArgumentException("the checkpoint was trained on " + resumeFrom.state().trainSize() + " training and "
                        + resumeFrom.state().valSize() + " validation images, but this DataFrame gives " + facts.trainSize() + " and "
                        + facts.valSize() + "; resume with the same rows and --val-split");
            }
            RunSpec runSpec = RunSpec.of(UUID.randomUUID().toString(), model, config, null, plan);
            int threads = TaskThreads.share(sc.defaultParallelism(), plan.partitions());
            StepJob job = (step, batch, place, weights) -> {
                int b = batch.length;
                int[] rows = trainRows == null ? batch : Arrays.stream(batch).map(i -> trainRows[i]).toArray();
                return StepTask.Submitted.completed(examples.mapPartitionsToPair(it -> FrameRows.place(it, rows))
                        .partitionBy(new FrameRows.ShardPartitioner(plan, b))
                        .mapPartitionsWithIndex((p, placed) -> ShardWorker.runFrame(runSpec, p, placed, b, place, weights, threads), false).collect());
            };
            frameValidation = valRows == null ? null : () -> evaluateFrame(examples, valRows, plan);
            model.network().setInputGradient(false);
            try {
                return run(null, plan, facts, job);
            } finally {
                model.network().setInputGradient(true);
                frameValidation = null;
            }
        } finally {
            examples.unpersist(false);
        }
    }

    private static DataFacts facts(DataSource data, String configJson) throws Exception {
        TrainConfig c = TrainConfig.fromJson(org.conv4j.io.Json.parseObject(configJson, "config"));
        TrainTest t = data.open();
        Dataset train = trainPart(t.train(), c), val = validationPart(t.train(), c);
        return new DataFacts(train.size(), val == null ? 0 : val.size(), t.test() == null ? 0 : t.test().size(),
                t.train().numClasses(), t.train().itemShape(), t.train().name());
    }

    private TrainResult run(DataSource data, ShardPlan plan, DataFacts facts, StepJob job) throws IOException {
        topK = Math.min(config.topK(), model.classes());
        // The driver's loader runs over image numbers only: the same order, batches and checkpointed position as
        // the single-JVM loader over the images, without the images.
        loader = new DataLoader(imageNumbers(facts.trainSize()), LoaderConfig.train(config.batchSize(), config.seed()), generator);
        int batches = loader.batchesPerEpoch();
        CrossEntropyLoss loss = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(config.labelSmoothing()));
        trainStep = new TrainStep(model.network(), params, optimizer, loss, topK, config.lr(), config.newSchedule(batches), config.clipNorm());
        state = TrainingState.start(facts.trainSize(), facts.valSize());
        if (resumeFrom != null) {
            loader.restore(resumeFrom.loader());
            state = resumeFrom.state();
            say("resuming at epoch %d, step %d", state.epochsDone() + 1, state.globalStep());
        }
        augmentationSeed = loader.state().seed();
        if (runDir != null) {
            Files.createDirectories(runDir);
            AtomicFile.write(runDir.resolve("spec.json"), o -> o.write(model.spec().toJsonText().getBytes(StandardCharsets.UTF_8)));
            writeMetrics(state.history());
        }
        say("training %s on %s: %d images (%d batches of %d) per epoch, %d shards on %d partitions (master %s)",
                model.spec().name() == null ? "the model" : model.spec().name(), facts.name(), facts.trainSize(), batches,
                config.batchSize(), plan.shards(), plan.partitions(), sc.master());
        boolean stoppedEarly = false;
        while (state.epochsDone() < config.epochs()) {
            if (!epoch(job, plan)) return stopped();
            int epoch = state.epochsDone() + 1;
            EpochMetrics m;
            try {
                m = evaluate(data, plan, facts);
            } catch (RuntimeException e) {
                if (!stopping()) throw e;
                if (runDir != null) saveCheckpoint(loader.state());   // the pass is done; a resume evaluates it first
                return stopped();
            }
            double monitored = facts.valSize() > 0 ? m.valLoss() : m.testLoss();
            endEpoch(m, monitored);
            if (config.patience() > 0 && state.badEpochs() >= config.patience() && epoch < config.epochs()) {
                say("early stopping: the monitored loss has not improved for %d epochs", state.badEpochs());
                stoppedEarly = true;
                break;
            }
            if (stopRequested && epoch < config.epochs()) return stopped();   // the epoch-end checkpoint continues it
        }
        model.network().setTraining(false);
        if (runDir != null) {
            ModelFile.save(model, runDir.resolve("model.safetensors"), true);
            say("model written to %s", runDir.resolve("model.safetensors"));
        }
        TrainResult result = new TrainResult(state.history(), stoppedEarly, false, state.globalStep());
        for (TrainListener l : listeners) l.onEnd(model, result);
        return result;
    }

    private static Dataset imageNumbers(int n) {
        return new Dataset("image numbers", new byte[n], new int[n], 1, 1, 1, List.of("-"));
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) r.add(i);
        return r;
    }

    /**
     * Asks the run to stop at the next step boundary, from any thread (a signal's shutdown hook): the step under
     * way finishes, a checkpoint of that point is written (with a run folder) and {@link #fit} returns a result
     * that is {@link TrainResult#interrupted}. If Spark stops under the step (its own shutdown hook cancels the
     * running job), the checkpoint is of the step before, which the driver still holds.
     */
    public void requestStop() { stopRequested = true; }

    /** A stop was asked for, or Spark was stopped under the run: end with a checkpoint rather than fail. */
    private boolean stopping() { return stopRequested || sc.sc().isStopped(); }

    private TrainResult stopped() {
        say("stopped at step %d on request; resume with --resume %s", state.globalStep(),
                runDir == null ? "(no run folder, so no checkpoint)" : runDir.resolve("checkpoint.safetensors"));
        return new TrainResult(state.history(), false, true, state.globalStep());
    }

    /** A step of an epoch: its batch, where the batch sits in the loader's order, and its job once submitted. */
    private static final class Step {
        final int[] batch;
        final BatchPlace place;
        final int start, end;   // the loader's position before and after the batch
        WeightSource weights;
        Broadcast<StepWeights> broadcast;   // on a cluster, what the published block names
        StepTask.Submitted job;

        Step(Batch b, int batchSize, long augmentationSeed) {
            this.batch = b.indices().clone();
            this.start = b.index() * batchSize;
            this.end = start + b.size();
            this.place = new BatchPlace(b.epoch(), start, augmentationSeed);
        }
    }

    /** The loader's state with its position at {@code position} of the current epoch (a look-ahead has taken more). */
    private LoaderState loaderAt(int position) {
        LoaderState s = loader.state();
        return new LoaderState(s.seed(), s.epoch(), position, s.order(), s.rngState());
    }

    /** Runs the epoch's remaining steps; false if it stopped on request before the end. */
    private boolean epoch(StepJob job, ShardPlan plan) throws IOException {
        int epoch = state.epochsDone() + 1;
        int batches = loader.batchesPerEpoch();
        double elapsed0 = state.elapsed();
        long t0 = System.nanoTime();
        try {
            while (ahead != null || loader.hasNext()) {
                Step current = ahead != null ? ahead : new Step(loader.next(), config.batchSize(), augmentationSeed);
                ahead = null;
                double lr = trainStep.lr(state.globalStep());
                Gradients.Result r;
                try {
                    r = step(job, plan, current);
                } catch (DivergenceException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (!stopping()) throw e;
                    // The job failed before the fold: the driver holds the previous step's weights, and the loader is
                    // put back before this batch.
                    cancelAhead();
                    if (runDir != null) saveCheckpoint(loaderAt(current.start));
                    if (progress != null) progress.endEpoch();
                    return false;
                }
                state = state.afterStep(r).withElapsed(elapsed0 + (System.nanoTime() - t0) / 1e9);
                EpochTotals sums = state.totals();
                if (progress != null) {
                    progress.update(epoch, config.epochs(), current.end / config.batchSize(), batches, sums.seen(), state.elapsed(),
                            sums.meanLoss(), sums.accuracy());
                }
                for (TrainListener l : listeners) l.onStep(state.globalStep(), epoch, r.loss(), lr);
                boolean periodic = config.checkpointEvery() > 0 && state.globalStep() % config.checkpointEvery() == 0;
                if (stopRequested) cancelAhead();
                // A stop after the epoch's last step still needs a checkpoint: it holds the finished pass, and a resume
                // evaluates it first.
                if (((periodic && current.end < loader.imagesPerEpoch()) || stopRequested) && runDir != null) saveCheckpoint(loaderAt(current.end));
                if (stopRequested) {
                    if (progress != null) progress.endEpoch();
                    return false;
                }
            }
        } finally {
            cancelAhead();
        }
        state = state.withElapsed(elapsed0 + (System.nanoTime() - t0) / 1e9);
        if (progress != null) progress.endEpoch();
        return true;
    }

    /** Cancels the job submitted ahead, if any: its tasks wait for weights that will not be published. */
    private void cancelAhead() {
        if (ahead == null) return;
        StepTask.Submitted job = ahead.job;
        release(job::cancel);
        ahead = null;
    }

    /**
     * Runs a clean-up call to Spark (a cancel, a block's or broadcast's removal), unless Spark has been stopped
     * under the run (a signal's shutdown hook stops it, and its block manager with it): that already dropped
     * what the call would.
     */
    private void release(Runnable cleanUp) {
        if (sc.sc().isStopped()) return;
        try {
            cleanUp.run();
        } catch (RuntimeException e) {
            if (!sc.sc().isStopped()) throw e;
        }
    }

    /**
     * One synchronous step: the weights published (or broadcast), the partitions' shard gradients, the fold, the
     * update. With look-ahead, the next step's job is submitted once this step's weights are out, so Spark sets it
     * up while this step computes; it is left in {@link #ahead}.
     */
    private Gradients.Result step(StepJob job, ShardPlan plan, Step current) {
        long t0 = System.nanoTime();
        StepWeights values = new StepWeights(ModelState.values(params), ModelState.layerStates(model));
        long step = state.globalStep() + 1;
        boolean local = sc.sc().isLocal();
        if (current.weights == null) {
            current.weights = lookAhead ? new PublishedWeights(runBlocks.id(), step) : new WeightSource.Broadcasted(sc.broadcast(values));
        }
        if (current.weights instanceof PublishedWeights published) {
            if (local) {
                published.publish(values);
            } else {
                current.broadcast = sc.broadcast(values);
                published.publish(current.broadcast);
            }
        }
        long t1 = System.nanoTime();
        List<ShardResult> results;
        try {
            if (current.job == null) current.job = job.submit(step, current.batch, current.place, current.weights);
            if (lookAhead && loader.hasNext()) {
                Step next = new Step(loader.next(), config.batchSize(), augmentationSeed);
                next.weights = new PublishedWeights(runBlocks.id(), step + 1);
                next.job = job.submit(step + 1, next.batch, next.place, next.weights);
                ahead = next;
            }
            results = new ArrayList<>(current.job.await());
        } finally {
            if (current.weights instanceof PublishedWeights published) release(published::remove);
            if (current.broadcast != null) release(current.broadcast::destroy);
            if (current.weights instanceof WeightSource.Broadcasted b) release(b.broadcast()::destroy);
        }
        long t2 = System.nanoTime();
        results.sort(Comparator.comparingInt(ShardResult::shard));
        if (results.size() != plan.shards()) {
            throw new IllegalStateException("the step got " + results.size() + " shard results, expected " + plan.shards());
        }
        ShardFold fold = new ShardFold(current.batch.length);
        for (ShardResult s : results) fold.add(s.gradient(), new Gradients.Result(s.loss(), s.correct(), s.topK(), s.size()));
        Gradients.Result r = fold.writeTo(params);
        if (plan.shards() == 1 && results.get(0).buffers() != null) {
            ModelState.setBuffers(params, results.get(0).buffers());
            ModelState.setLayerStates(model, results.get(0).layerStates());
        }
        trainStep.update(state.globalStep(), r.loss(), null);
        long t3 = System.nanoTime();
        long compute = 0, fetch = 0, up = 0;
        for (ShardResult s : results) {
            compute = Math.max(compute, s.computeNanos());
            fetch = Math.max(fetch, s.fetchNanos());
            up += 4L * s.gradient().length;
        }
        long down = 4L * ModelState.size(params, false, false);
        stepTimes.add(new StepTimes(state.globalStep() + 1, t3 - t0, compute, (t1 - t0) + fetch + (t3 - t2), down, up / plan.partitions()));
        return r;
    }

    /** Loss and accuracy on the validation part and the test set, computed by the partitions in 500-image batches. */
    private EpochMetrics evaluate(DataSource data, ShardPlan plan, DataFacts facts) {
        int epoch = state.epochsDone() + 1;
        model.network().setTraining(false);
        double[] ve = facts.valSize() == 0 ? null
                : sums(data != null ? evaluateOn(data, plan, true, facts.valSize()) : frameValidation.get());
        double[] te = null;
        if (data != null && facts.testSize() > 0) {
            List<EvalBatch> test = evaluateOn(data, plan, false, facts.testSize());
            te = sums(test);
            // The report's confusion matrix and gallery, as conv4j train's listeners get them from its own test pass.
            int[] labels = new int[facts.testSize()], predicted = new int[facts.testSize()];
            Map<Integer, float[]> images = new java.util.HashMap<>();
            int at = 0;
            for (EvalBatch b : test) {
                System.arraycopy(b.labels(), 0, labels, at, b.size());
                System.arraycopy(b.predicted(), 0, predicted, at, b.size());
                at += b.size();
                images.putAll(b.candidates());
            }
            for (TrainListener l : listeners) l.onTestPredictions(epoch, labels, predicted, images, facts.itemShape(), model);
        }
        EpochTotals sums = state.totals();
        double seconds = state.elapsed();
        return new EpochMetrics(epoch, sums.meanLoss(), sums.accuracy(), sums.topKAccuracy(),
                ve == null ? Double.NaN : ve[0], ve == null ? Double.NaN : ve[1],
                te == null ? Double.NaN : te[0], te == null ? Double.NaN : te[1], te == null ? Double.NaN : te[2],
                seconds, sums.seen() / seconds, optimizer.lr());
    }

    /** {loss, accuracy, top-k accuracy} of a pass, summed over its batches in order as {@code Evaluation.of} does. */
    private static double[] sums(List<EvalBatch> batches) {
        double lossSum = 0;
        long top1 = 0, topk = 0, n = 0;
        for (EvalBatch b : batches) { lossSum += b.lossSum(); top1 += b.top1(); topk += b.topK(); n += b.size(); }
        return new double[] {lossSum / n, (double) top1 / n, (double) topk / n};
    }

    private static final int EVAL_BATCH = 500;

    /** The pass's 500-image batches in order, each computed by one of the partitions. */
    private List<EvalBatch> evaluateOn(DataSource data, ShardPlan plan, boolean validation, int size) {
        int batches = (size + EVAL_BATCH - 1) / EVAL_BATCH, parts = Math.min(plan.partitions(), batches);
        Broadcast<StepWeights> weights = sc.broadcast(new StepWeights(ModelState.values(params), ModelState.layerStates(model)));
        String spec = model.spec().toJsonText(), cfg = org.conv4j.io.Json.write(config.toJson());
        int k = topK, threads = TaskThreads.share(sc.defaultParallelism(), parts), per = org.conv4j.report.TrainingReport.GALLERY_PER_KIND;
        List<EvalBatch> rows;
        try {
            rows = new ArrayList<>(sc.parallelize(range(parts), parts).mapPartitionsWithIndex((p, ignored) -> TaskThreads.run(threads, () -> {
                RunSpec rs = new RunSpec("eval", spec, cfg, data, plan);
                Model m = rs.spec().build(Rng.torch(0));
                ModelState.setValues(NamedParam.of(m.network()), weights.value().values());
                m.network().setTraining(false);
                TrainTest t = data.open();
                Dataset set = validation ? validationPart(t.train(), rs.config()) : t.test();
                List<EvalBatch> out = new ArrayList<>();
                int right = 0, wrong = 0;
                for (int bi = (int) ((long) p * batches / parts); bi < (long) (p + 1) * batches / parts; bi++) {
                    int from = bi * EVAL_BATCH, n = Math.min(EVAL_BATCH, set.size() - from);
                    Tensor x = new Tensor(n, set.channels(), set.height(), set.width());
                    int[] labels = new int[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = set.label(from + i);
                        set.copyImage(from + i, x.data(), i * set.itemSize());
                        if (!m.normalization().isIdentity()) m.normalization().apply(x.data(), i * set.itemSize(), set.channels(), set.height() * set.width());
                    }
                    EvalBatch scored = score(m, bi, x, labels, k);
                    Map<Integer, float[]> candidates = new java.util.HashMap<>();
                    for (int i = 0; i < n; i++) {
                        if (scored.predicted()[i] == labels[i] ? right++ < per : wrong++ < per) {
                            float[] px = new float[set.itemSize()];
                            set.copyImage(from + i, px, 0);
                            candidates.put(from + i, px);
                        }
                    }
                    out.add(new EvalBatch(bi, scored.lossSum(), scored.top1(), scored.topK(), n, labels, scored.predicted(), candidates));
                }
                return out.iterator();
            }), false).collect());
        } finally {
            weights.destroy();
        }
        rows.sort(Comparator.comparingInt(EvalBatch::batch));
        return rows;
    }

    /** One evaluation batch's loss sum, top-1 and top-k hits and predictions (no gallery candidates), as {@code Evaluation.of} computes them. */
    private static EvalBatch score(Model m, int batch, Tensor x, int[] labels, int k) {
        int n = labels.length;
        Tensor logits = m.network().infer(x);
        double l = (double) new CrossEntropyLoss().forward(logits, labels) * n;
        int[] h = Metrics.hits(logits, labels, k);
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) predicted[i] = Metrics.argmax(logits, i);
        return new EvalBatch(batch, l, h[0], h[1], n, labels, predicted, Map.of());
    }

    /**
     * The validation pass over a DataFrame: validation image i is row {@code valRows[i]}; Spark moves each 500-image
     * batch's rows to one partition, which scores the batches it holds. Batches in order.
     */
    private List<EvalBatch> evaluateFrame(JavaRDD<Example> examples, int[] valRows, ShardPlan plan) {
        int size = valRows.length, batches = (size + EVAL_BATCH - 1) / EVAL_BATCH, parts = Math.min(plan.partitions(), batches);
        Broadcast<StepWeights> weights = sc.broadcast(new StepWeights(ModelState.values(params), ModelState.layerStates(model)));
        String spec = model.spec().toJsonText(), cfg = org.conv4j.io.Json.write(config.toJson());
        int k = topK, threads = TaskThreads.share(sc.defaultParallelism(), parts);
        List<EvalBatch> rows;
        try {
            rows = new ArrayList<>(examples.mapPartitionsToPair(it -> FrameRows.place(it, valRows))
                    .partitionBy(new FrameRows.BatchPartitioner(parts, EVAL_BATCH))
                    .mapPartitions(placed -> TaskThreads.run(threads, () -> {
                        Model m = new RunSpec("eval", spec, cfg, null, plan).spec().build(Rng.torch(0));
                        ModelState.setValues(NamedParam.of(m.network()), weights.value().values());
                        m.network().setTraining(false);
                        Map<Integer, Example[]> byBatch = new java.util.TreeMap<>();
                        while (placed.hasNext()) {
                            scala.Tuple2<Integer, Example> t = placed.next();
                            int bi = t._1() / EVAL_BATCH;
                            byBatch.computeIfAbsent(bi, b -> new Example[Math.min(EVAL_BATCH, size - b * EVAL_BATCH)])[t._1() % EVAL_BATCH] = t._2();
                        }
                        int[] in = m.spec().input();
                        int item = in[0] * in[1] * in[2];
                        List<EvalBatch> out = new ArrayList<>();
                        for (Map.Entry<Integer, Example[]> e : byBatch.entrySet()) {
                            Example[] ex = e.getValue();
                            Tensor x = new Tensor(ex.length, in[0], in[1], in[2]);
                            int[] labels = new int[ex.length];
                            for (int i = 0; i < ex.length; i++) {
                                System.arraycopy(ex[i].pixels(), 0, x.data(), i * item, item);
                                labels[i] = ex[i].label();
                                if (!m.normalization().isIdentity()) m.normalization().apply(x.data(), i * item, in[0], in[1] * in[2]);
                            }
                            out.add(score(m, e.getKey(), x, labels, k));
                        }
                        return out.iterator();
                    })).collect());
        } finally {
            weights.destroy();
        }
        rows.sort(Comparator.comparingInt(EvalBatch::batch));
        if (rows.size() != batches) throw new IllegalStateException("the validation pass got " + rows.size() + " batches, expected " + batches);
        return rows;
    }

    private void endEpoch(EpochMetrics m, double monitored) throws IOException {
        List<EpochMetrics> history = new ArrayList<>(state.history());
        history.add(m);
        say("%s", describe(m));
        if (runDir != null) {
            writeMetrics(history);
            writeStepTimes();
        }
        for (TrainListener l : listeners) l.onEpoch(m, model);
        loader.nextEpoch();
        state = state.nextEpoch(m, monitored, config.patience());
        if (runDir != null) saveCheckpoint();
    }

    private void saveCheckpoint() throws IOException { saveCheckpoint(loader.state()); }

    private void saveCheckpoint(LoaderState at) throws IOException {
        Gradients.checkValues(params, state.globalStep(), "when its checkpoint was due, so that checkpoint was not written");
        new Checkpoint(model, config, optimizer.state(), at, state).save(runDir.resolve("checkpoint.safetensors"));
    }

    private void writeMetrics(List<EpochMetrics> history) throws IOException {
        StringBuilder b = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics m : history) b.append(m.csvRow()).append('\n');
        AtomicFile.write(runDir.resolve("metrics.csv"), o -> o.write(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void writeStepTimes() throws IOException {
        StringBuilder b = new StringBuilder(StepTimes.CSV_HEADER).append('\n');
        for (StepTimes t : stepTimes) b.append(t.csvRow()).append('\n');
        AtomicFile.write(runDir.resolve("steps.csv"), o -> o.write(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String describe(EpochMetrics m) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%", m.epoch(), m.trainLoss(), 100 * m.trainAcc()));
        if (!Double.isNaN(m.valLoss())) b.append(String.format(Locale.ROOT, " | val loss %.4f acc %.2f%%", m.valLoss(), 100 * m.valAcc()));
        if (!Double.isNaN(m.testLoss())) b.append(String.format(Locale.ROOT, " | test loss %.4f acc %.2f%%", m.testLoss(), 100 * m.testAcc()));
        b.append(String.format(Locale.ROOT, " | %.1f s, %,.0f img/s", m.seconds(), m.imagesPerSecond()));
        return b.toString();
    }

    private void say(String fmt, Object... args) {
        if (log != null) log.println(String.format(Locale.ROOT, fmt, args));
    }
}
