package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.conv4j.data.Datasets;
import org.conv4j.io.ImageSpec;
import org.conv4j.data.TrainTest;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.EpochMetrics;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainListener;
import org.conv4j.train.TrainResult;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on local[2] against the single-JVM trainer with the same shard count, weights compared
 * bit for bit after every step.
 */
class SparkTrainExactTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static JavaSparkContext sc;
    static Path data;

    // 100 images in batches of 24: 4 full batches and a short one of 4 per epoch, 2 epochs.
    static final TrainConfig CONFIG = TrainConfig.defaults().withBatchSize(24).withEpochs(2).withSeed(7);

    @BeforeAll
    static void start() throws Exception {
        data = TinyData.write(tmp.resolve("data"), 100, 40, 1);
        spark = SparkSession.builder().master("local[2]").appName("conv4j-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    /** Every value after every step, from a listener holding the model. */
    static final class Snapshots implements TrainListener {
        final List<float[]> steps = new ArrayList<>();
        final Model model;

        Snapshots(Model model) { this.model = model; }

        @Override public void onStep(long step, int epoch, float loss, double lr) {
            steps.add(ModelState.values(NamedParam.of(model.network())));
        }
    }

    static List<float[]> singleJvm(TrainConfig config) throws Exception { return singleJvmOn(data, config); }

    /** The weights after every step of the core Trainer (what conv4j train runs) on the IDX files in {@code dir}. */
    static List<float[]> singleJvmOn(Path dir, TrainConfig config) throws Exception {
        TrainTest t = Datasets.load(dir, ImageSpec.of(1, 8, 8));
        Rng g = Rng.torch(config.seed());
        Model m = TinyData.spec().build(g);
        Snapshots s = new Snapshots(m);
        new Trainer(m, config, g).addListener(s).fit(t.train(), t.test());
        return s.steps;
    }

    static List<float[]> onSpark(TrainConfig config, int shards, int partitions, Path runDir) throws Exception {
        return onSpark(sc, data, config, shards, partitions, runDir);
    }

    /** The weights after every step of {@code config} with S = {@code shards} on P = {@code partitions}. */
    static List<float[]> onSpark(JavaSparkContext sc, Path data, TrainConfig config, int shards, int partitions, Path runDir) throws Exception {
        Rng g = Rng.torch(config.seed());
        Model m = TinyData.spec().build(g);
        Snapshots s = new Snapshots(m);
        SparkTrainer t = new SparkTrainer(sc, m, config.withShards(shards), g).addListener(s).setRunDir(runDir);
        TrainResult r = t.fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), partitions);
        assertEquals(s.steps.size(), r.steps());
        return s.steps;
    }

    static void assertSameEveryStep(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": steps");
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what + ": weights after step " + (i + 1));
    }

    @Test
    void oneShardIsBitwiseTheSingleJvmTrainer() throws Exception {
        List<float[]> ref = singleJvm(CONFIG);
        assertEquals(10, ref.size());
        Path run = tmp.resolve("run-s1");
        assertSameEveryStep(ref, onSpark(CONFIG, 1, 1, run), "spark S=1 P=1 vs conv4j train");
        // The run folder is a conv4j train run folder, plus the step times.
        for (String f : List.of("metrics.csv", "checkpoint.safetensors", "spec.json", "model.safetensors", "steps.csv")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size());
        assertEquals(11, Files.readAllLines(run.resolve("steps.csv")).size());
    }

    @Test
    void anyPartitionCountGivesTheSingleJvmTrainersWeightsWithTheSameShards() throws Exception {
        // conv4j train --shards 4: the core Trainer folding 4 shard gradients per step in one JVM.
        List<float[]> oneJvm = singleJvm(CONFIG.withShards(4));
        for (int p = 1; p <= 4; p++) assertSameEveryStep(oneJvm, onSpark(CONFIG, 4, p, null), "spark S=4 P=" + p + " vs conv4j train --shards 4");
        // Cutting the batch into shards does change the last bits (a Linear layer's weight gradient is one
        // FMA chain over the whole batch): S=4 is its own trajectory, the same on one JVM and on any P.
        assertFalse(java.util.Arrays.equals(singleJvm(CONFIG).getLast(), oneJvm.getLast()));
        // S = P = 3: the last batch of 4 images leaves shards of 1, 1 and 2.
        assertSameEveryStep(singleJvm(CONFIG.withShards(3)), onSpark(CONFIG, 3, 3, null), "spark S=P=3 vs conv4j train --shards 3");
    }

    /** Each job's submission and end times, from Spark's listener bus. */
    static final class JobTimes extends org.apache.spark.scheduler.SparkListener {
        final java.util.Map<Integer, long[]> times = new java.util.concurrent.ConcurrentSkipListMap<>();

        @Override public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            times.computeIfAbsent(e.jobId(), k -> new long[2])[0] = e.time();
        }

        @Override public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
            times.computeIfAbsent(e.jobId(), k -> new long[2])[1] = e.time();
        }

        /** Jobs submitted before the job just before them had ended. */
        int overlaps() {
            int n = 0;
            long[] previous = null;
            for (long[] t : times.values()) {
                if (previous != null && t[0] < previous[1]) n++;
                previous = t;
            }
            return n;
        }
    }

    /** Trains CONFIG with S = P = 2 and returns how many jobs were submitted before the job before them ended. */
    static int overlappingJobs(boolean lookAhead, List<float[]> expected) throws Exception {
        JobTimes jobs = new JobTimes();
        sc.sc().conf().set(SparkTrainer.LOOK_AHEAD, Boolean.toString(lookAhead));
        sc.sc().addSparkListener(jobs);
        try {
            assertSameEveryStep(expected, onSpark(CONFIG, 2, 2, null), "spark S=P=2, look-ahead " + lookAhead);
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            sc.sc().removeSparkListener(jobs);
            sc.sc().conf().remove(SparkTrainer.LOOK_AHEAD);
        }
        return jobs.overlaps();
    }

    @Test
    void eachStepsJobIsSubmittedWhileTheStepBeforeComputesAndTheWeightsStayBitwise() throws Exception {
        List<float[]> oneJvm = singleJvm(CONFIG.withShards(2));
        // 5 steps an epoch: steps 2 to 5 of each epoch are submitted while the step before runs, 8 jobs in all
        // (the first step of an epoch follows the evaluation). Spark's own timing could rarely let a step end first.
        int on = overlappingJobs(true, oneJvm);
        assertTrue(on >= 6 && on <= 8, on + " overlapping jobs with look-ahead");
        assertEquals(0, overlappingJobs(false, oneJvm), "overlapping jobs without look-ahead");
    }

    @Test
    void tasksInTheDriversJvmHandTheirResultsOverAsObjects() {
        ShardResult r = new ShardResult(0, new float[] {1f, 2f}, 0.5f, 1, 1, 1, null, null, 0, 0);
        HandedResults handed = new HandedResults("handed-test", 3, HandedResults.here());
        assertEquals(List.of(true), sc.parallelize(List.of(0), 1).map(i -> handed.hand(0, List.of(r))).collect());
        assertArrayEquals(new float[] {1f, 2f}, handed.take(0).get(0).gradient(), "the task's results, on the driver");
        assertThrows(IllegalStateException.class, () -> handed.take(0), "taken once");
        // A task whose copy of the class is not the driver's keeps its results to return them.
        HandedResults elsewhere = new HandedResults("handed-test", 4, HandedResults.here() + 1);
        assertEquals(List.of(false), sc.parallelize(List.of(0), 1).map(i -> elsewhere.hand(0, List.of(r))).collect());
    }

    /** The training images as rows (pixels as the loader reads them, v/255), spread over 3 partitions. */
    static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> trainingFrame() throws Exception {
        org.conv4j.data.Dataset train = Datasets.load(data, ImageSpec.of(1, 8, 8)).train();
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            float[] px = new float[64];
            train.copyImage(i, px, 0);
            rows.add(org.apache.spark.sql.RowFactory.create(px, train.label(i)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("pixels", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType, false))
                .add("label", org.apache.spark.sql.types.DataTypes.IntegerType);
        return spark.createDataFrame(sc.parallelize(rows, 3), schema);
    }

    @Test
    void aDataFrameTrainsAsTheSameImagesInFiles() throws Exception {
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = trainingFrame();
        // Without a test set the epoch-end evaluation differs; the weights are what must agree.
        assertSameEveryStep(singleJvm(CONFIG), onFrame(frame, 1, 1), "DataFrame S=1 vs conv4j train");
        assertSameEveryStep(onSpark(CONFIG, 2, 1, null), onFrame(frame, 2, 2), "DataFrame S=2 P=2 vs files S=2 P=1");
        TrainConfig flips = CONFIG.withAugmentation(true, 1);
        assertSameEveryStep(singleJvm(flips.withShards(2)), onFrame(frame, flips, 2, 2), "DataFrame augmented, S=2 P=2 vs conv4j train --shards 2");
    }

    @Test
    void aDataFrameWithAValidationSplitHoldsOutAndScoresTheRowsConv4jTrainHoldsOut() throws Exception {
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = trainingFrame();
        // 100 rows, 23 held out: validation batches are 500 images, so one batch; S = 2 on P = 2.
        TrainConfig split = CONFIG.withValidation(0.23, 0).withShards(2);
        TrainTest t = Datasets.load(data, ImageSpec.of(1, 8, 8));
        Rng g = Rng.torch(split.seed());
        Model m = TinyData.spec().build(g);
        Snapshots one = new Snapshots(m);
        List<EpochMetrics> oneEpochs = new ArrayList<>();
        new Trainer(m, split, g).addListener(one).addListener(new TrainListener() {
            @Override public void onEpoch(EpochMetrics e, Model model) { oneEpochs.add(e); }
        }).fit(t.train(), null);
        Rng g2 = Rng.torch(split.seed());
        Model m2 = TinyData.spec().build(g2);
        Snapshots spk = new Snapshots(m2);
        List<EpochMetrics> sparkEpochs = new ArrayList<>();
        new SparkTrainer(sc, m2, split, g2).addListener(spk).addListener(new TrainListener() {
            @Override public void onEpoch(EpochMetrics e, Model model) { sparkEpochs.add(e); }
        }).fit(frame, "pixels", "label", 2);
        // 77 training images in batches of 24: 4 steps an epoch, 2 epochs.
        assertEquals(8, one.steps.size());
        assertSameEveryStep(one.steps, spk.steps, "DataFrame --val-split 0.23 vs conv4j train --val-split 0.23");
        assertEquals(2, sparkEpochs.size());
        for (int e = 0; e < 2; e++) {
            assertTrue(Double.isFinite(oneEpochs.get(e).valLoss()));
            assertEquals(oneEpochs.get(e).valLoss(), sparkEpochs.get(e).valLoss(), "validation loss, epoch " + (e + 1));
            assertEquals(oneEpochs.get(e).valAcc(), sparkEpochs.get(e).valAcc(), "validation accuracy, epoch " + (e + 1));
        }
    }

    static List<float[]> onFrame(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame, int shards, int partitions) throws Exception {
        return onFrame(frame, CONFIG, shards, partitions);
    }

    static List<float[]> onFrame(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame, TrainConfig config, int shards, int partitions)
            throws Exception {
        Rng g = Rng.torch(config.seed());
        Model m = TinyData.spec().build(g);
        Snapshots s = new Snapshots(m);
        new SparkTrainer(sc, m, config.withShards(shards), g).addListener(s).fit(frame, "pixels", "label", partitions);
        return s.steps;
    }

    @Test
    void augmentedImagesAreTheSingleJvmLoadersOnEveryPartition() throws Exception {
        // Flips, padded crops and resized crops, each image's draws from its place in the epoch's order.
        TrainConfig aug = CONFIG.withAugmentation(true, 2).withResizedCrop(true);
        List<float[]> oneJvm = singleJvm(aug.withShards(2));
        assertFalse(java.util.Arrays.equals(singleJvm(CONFIG.withShards(2)).getLast(), oneJvm.getLast()), "augmentation changes the weights");
        assertSameEveryStep(oneJvm, onSpark(aug, 2, 2, null), "augmented, S=2 P=2 vs conv4j train --shards 2");
        assertSameEveryStep(oneJvm, onSpark(aug, 2, 1, null), "augmented, S=2 P=1 vs conv4j train --shards 2");
        // A resumed run continues the draws where the checkpoint left them.
        Path run = tmp.resolve("run-aug");
        Rng g = Rng.torch(aug.seed());
        Model m = TinyData.spec().build(g);
        SparkTrainer first = new SparkTrainer(sc, m, aug.withShards(2).withCheckpointEvery(3), g).setRunDir(run);
        first.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                if (step == 4) throw new IllegalStateException("driver killed");
            }
        });
        assertThrows(IllegalStateException.class, () -> first.fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2));
        SparkTrainer resumed = SparkTrainer.resume(sc, Checkpoint.load(run.resolve("checkpoint.safetensors")), 0);
        Snapshots s = new Snapshots(resumed.model());
        resumed.addListener(s).fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2);
        List<float[]> withCheckpoints = singleJvm(aug.withShards(2).withCheckpointEvery(3));
        assertSameEveryStep(withCheckpoints.subList(3, withCheckpoints.size()), s.steps, "augmented, resumed at step 3");
    }

    @Test
    void resumeFromAStepCheckpointEndsTheSame() throws Exception {
        TrainConfig c = CONFIG.withCheckpointEvery(3).withShards(2);
        List<float[]> whole = onSpark(c, 2, 2, null);
        // A run stopped after step 6 (killed driver: only its checkpoint is left), then resumed.
        Path run = tmp.resolve("run-resume");
        Rng g = Rng.torch(c.seed());
        Model m = TinyData.spec().build(g);
        SparkTrainer first = new SparkTrainer(sc, m, c.withEpochs(2), g).setRunDir(run);
        first.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                if (step == 7) throw new IllegalStateException("driver killed");
            }
        });
        assertThrows(IllegalStateException.class, () -> first.fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2));
        Checkpoint ck = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(6, ck.globalStep());
        assertEquals(2, ck.config().shards(), "the checkpoint keeps the shard count");
        Checkpoint forCore = Checkpoint.load(run.resolve("checkpoint.safetensors"));  // before the resumed run replaces it
        // Resumed on one partition: the checkpoint's two shards, so the uninterrupted run's weights.
        SparkTrainer resumed = SparkTrainer.resume(sc, ck, 0).setRunDir(run);
        Snapshots s = new Snapshots(resumed.model());
        resumed.addListener(s).fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 1);
        assertSameEveryStep(whole.subList(6, whole.size()), s.steps, "resumed vs uninterrupted");
        // The core trainer continues the same checkpoint with the same two shards, bitwise.
        Trainer core = Trainer.resume(forCore, 0);
        Snapshots cs = new Snapshots(core.model());
        TrainTest t = Datasets.load(data, ImageSpec.of(1, 8, 8));
        core.addListener(cs).fit(t.train(), t.test());
        assertSameEveryStep(whole.subList(6, whole.size()), cs.steps, "conv4j train --resume of a spark checkpoint");
    }

    @Test
    void aStopRequestEndsWithACheckpointThatResumesBitwise() throws Exception {
        TrainConfig c = CONFIG.withShards(2);
        List<float[]> whole = onSpark(c, 2, 2, null);
        for (long stopAt : new long[] {3, 5}) {   // mid-epoch, and after an epoch's last step (before its evaluation)
            Path run = tmp.resolve("run-stop-" + stopAt);
            Rng g = Rng.torch(c.seed());
            Model m = TinyData.spec().build(g);
            SparkTrainer t = new SparkTrainer(sc, m, c, g).setRunDir(run);
            t.addListener(new TrainListener() {
                @Override public void onStep(long step, int epoch, float loss, double lr) {
                    if (step == stopAt) t.requestStop();
                }
            });
            TrainResult r = t.fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2);
            assertTrue(r.interrupted(), "interrupted");
            assertEquals(stopAt, r.steps());
            assertFalse(Files.exists(run.resolve("model.safetensors")), "a stopped run writes no final model");
            Checkpoint ck = Checkpoint.load(run.resolve("checkpoint.safetensors"));
            assertEquals(stopAt, ck.globalStep());
            SparkTrainer resumed = SparkTrainer.resume(sc, ck, 0);
            Snapshots s = new Snapshots(resumed.model());
            resumed.addListener(s).fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2);
            assertSameEveryStep(whole.subList((int) stopAt, whole.size()), s.steps, "stopped at step " + stopAt + ", resumed");
        }
    }

    @Test
    void theReportsConfusionMatrixAndGalleryAreConv4jTrains() throws Exception {
        TrainConfig c = CONFIG.withShards(2);
        List<String> names = List.of("0", "1", "2", "3");
        // conv4j train --shards 2, its test pass in this JVM
        TrainTest t = Datasets.load(data, ImageSpec.of(1, 8, 8));
        Rng g = Rng.torch(c.seed());
        Model core = TinyData.spec().build(g);
        org.conv4j.report.ReportListener coreReport = new org.conv4j.report.ReportListener(tmp.resolve("report-core"), "core", names,
                c.epochs(), java.util.Map.of(), core, List.of(), System.err);
        new Trainer(core, c, g).addListener(coreReport).fit(t.train(), t.test());
        // Spark: the executors' test pass
        Rng g2 = Rng.torch(c.seed());
        Model onSpark = TinyData.spec().build(g2);
        org.conv4j.report.ReportListener sparkReport = new org.conv4j.report.ReportListener(tmp.resolve("report-spark"), "spark", names,
                c.epochs(), java.util.Map.of(), onSpark, List.of(), System.err);
        new SparkTrainer(sc, onSpark, c, g2).addListener(sparkReport).fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), 2);
        var a = coreReport.report().data(true);
        var b = sparkReport.report().data(true);
        assertEquals(40, java.util.Arrays.stream(a.confusion()).flatMapToInt(java.util.Arrays::stream).sum());
        assertTrue(java.util.Arrays.deepEquals(a.confusion(), b.confusion()), "confusion matrices");
        assertEquals(a.gallery().size(), b.gallery().size(), "gallery size");
        for (int i = 0; i < a.gallery().size(); i++) {
            assertEquals(a.gallery().get(i).label(), b.gallery().get(i).label(), "gallery image " + i + ": label");
            assertArrayEquals(a.gallery().get(i).topClasses(), b.gallery().get(i).topClasses(), "gallery image " + i + ": classes");
            assertArrayEquals(a.gallery().get(i).topProbs(), b.gallery().get(i).topProbs(), "gallery image " + i + ": probabilities");
            assertArrayEquals(a.gallery().get(i).image().data(), b.gallery().get(i).image().data(), "gallery image " + i + ": pixels");
        }
    }

    @Test
    void anUnreadableShardFailsNamingTheFile() throws Exception {
        Path bad = TinyData.write(tmp.resolve("bad"), 30, 10, 2);
        Files.write(bad.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 30});
        Rng g = Rng.torch(1);
        SparkTrainer t = new SparkTrainer(sc, TinyData.spec().build(g), CONFIG.withShards(2), g);
        Exception e = assertThrows(SparkException.class, () -> t.fit(DataSource.of(bad.toString(), ImageSpec.of(1, 8, 8)), 2));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void partitionsBeyondShardsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardPlan(2, 3));
        assertTrue(e.getMessage().contains("--shards"), e.getMessage());
    }

    @Test
    void runningStateWithShardsIsRefusedAsByTheCoreTrainer() throws Exception {
        NetworkSpec bn = NetworkSpec.parse("""
                {"input": [1, 8, 8], "classes": 4, "layers": [
                  {"type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3},
                  {"type": "BatchNorm2d", "num_features": 2}, {"type": "Flatten"},
                  {"type": "Linear", "in_features": 72, "out_features": 4}]}""", "bn.json");
        TrainConfig two = CONFIG.withShards(2);
        IllegalArgumentException spark = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(sc, bn.build(1), two, Rng.torch(1)));
        IllegalArgumentException core = assertThrows(IllegalArgumentException.class, () -> new Trainer(bn.build(1), two));
        assertEquals(core.getMessage(), spark.getMessage());
        assertTrue(spark.getMessage().startsWith("--shards 2: "), spark.getMessage());
    }
}
