package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.LoaderConfig;
import org.conv4j.io.Json;
import org.conv4j.layers.NamedParam;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.optim.Optimizer;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainConfig#shards}: the core Trainer's sharded step against a fold written out here by hand from
 * {@link TrainStep#gradients} on each shard's rows of the batch, bit for bit after every step.
 */
class ShardedTrainingTest {
    @TempDir Path dir;

    /** A stateless net (no buffers, no dropout): conv, pool and two Linear layers, whose batch reductions shards cut. */
    static final String SPEC = """
            {"name": "stateless", "input": [1, 8, 8], "classes": 3, "normalize": {"mean": [0.5], "std": [0.25]},
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "ReLU"},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 64, "out_features": 16},
               {"type": "ReLU"},
               {"type": "Linear", "in_features": 16, "out_features": 3}
             ]}""";

    // 39 images in batches of 12: three full batches and one of 3, which 5 shards cut into 0, 1, 0, 1, 1 images.
    static final Dataset TRAIN = TrainerTest.data(39, 1), TEST = TrainerTest.data(12, 2);
    static final TrainConfig CONFIG = TrainConfig.defaults().withEpochs(2).withBatchSize(12).withOptimizer("sgd", 0.05, 1e-4)
            .withSeed(3).withAugmentation(true, 1);

    static Model model() throws Exception { return NetworkSpec.parse(SPEC, "stateless.json").build(11); }

    /** The weights and loss after each step. */
    record Steps(List<float[]> weights, List<Float> losses) {
        Steps() { this(new ArrayList<>(), new ArrayList<>()); }
    }

    static Steps recorder(Model m, List<TrainListener> into) {
        Steps s = new Steps();
        into.add(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                s.weights.add(TrainerTest.weights(m));
                s.losses.add(loss);
            }
        });
        return s;
    }

    static Steps trainer(TrainConfig config) throws Exception {
        Model m = model();
        Trainer t = new Trainer(m, config);
        List<TrainListener> l = new ArrayList<>();
        Steps s = recorder(m, l);
        t.addListener(l.getFirst()).fit(TRAIN, TEST);
        return s;
    }

    /**
     * The same run written out: the trainer's loader and step halves, with each step's gradient the float fold
     * g = Σ_s (n_s/B)·g_s over shards [⌊s·B/S⌋, ⌊(s+1)·B/S⌋), or the plain {@link TrainStep#run} when S = 1.
     */
    static Steps byHand(TrainConfig config) throws Exception {
        Model m = model();
        List<NamedParam> params = NamedParam.of(m.network());
        Optimizer opt = config.newOptimizer(params);
        DataLoader loader = new DataLoader(TRAIN, LoaderConfig.train(config.batchSize(), config.seed())
                .withAugmentation(new org.conv4j.data.Augmentation(config.cropPadding(), config.flip(), false))
                .withNormalization(m.normalization()), Rng.torch(config.seed()));
        TrainStep step = new TrainStep(m.network(), params, opt, new CrossEntropyLoss(), Math.min(config.topK(), m.classes()), config.lr(),
                config.newSchedule(loader.batchesPerEpoch()), config.clipNorm());
        m.network().setInputGradient(false);
        int shards = config.shards();
        Steps out = new Steps();
        long done = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            m.network().setTraining(true);
            while (loader.hasNext()) {
                Batch b = loader.next();
                int n = b.size(), item = b.x().itemSize();
                float loss;
                if (shards == 1) {
                    loss = step.run(b.x(), b.labels(), done).loss();
                } else {
                    float[] sum = null;
                    loss = 0;
                    for (int s = 0; s < shards; s++) {
                        int from = s * n / shards, to = (s + 1) * n / shards;
                        if (from == to) continue;
                        Tensor xs = new Tensor(to - from, 1, 8, 8);
                        System.arraycopy(b.x().data(), from * item, xs.data(), 0, (to - from) * item);
                        Gradients.Result r = step.gradients(xs, Arrays.copyOfRange(b.labels(), from, to));
                        float w = (float) (to - from) / n;
                        List<float[]> g = new ArrayList<>();
                        for (NamedParam p : params) if (p.param().isTrainable()) g.add(p.param().grad().data());
                        float[] flat = concat(g);
                        if (sum == null) {
                            sum = new float[flat.length];
                            for (int i = 0; i < flat.length; i++) sum[i] = flat[i] * w;
                            loss = r.loss() * w;
                        } else {
                            for (int i = 0; i < flat.length; i++) sum[i] += flat[i] * w;
                            loss += r.loss() * w;
                        }
                    }
                    int at = 0;
                    for (NamedParam p : params) {
                        if (!p.param().isTrainable()) continue;
                        float[] dst = p.param().grad().data();
                        System.arraycopy(sum, at, dst, 0, dst.length);
                        at += dst.length;
                    }
                    step.update(done, loss, b.x());
                }
                done++;
                out.weights.add(TrainerTest.weights(m));
                out.losses.add(loss);
            }
            loader.nextEpoch();
        }
        return out;
    }

    static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) { System.arraycopy(p, 0, all, at, p.length); at += p.length; }
        return all;
    }

    static void assertSameSteps(Steps expected, Steps actual, String what) {
        assertEquals(expected.weights.size(), actual.weights.size(), what + ": steps");
        for (int i = 0; i < expected.weights.size(); i++) {
            assertArrayEquals(expected.weights.get(i), actual.weights.get(i), what + ": weights after step " + (i + 1));
            assertEquals(Float.floatToIntBits(expected.losses.get(i)), Float.floatToIntBits(actual.losses.get(i)), what + ": loss of step " + (i + 1));
        }
    }

    @Test
    void shardedStepsAreTheHandWrittenFoldOfShardGradients() throws Exception {
        for (int s : new int[] {2, 5, 12}) {
            Steps t = trainer(CONFIG.withShards(s));
            assertEquals(8, t.weights.size());
            assertSameSteps(byHand(CONFIG.withShards(s)), t, "shards " + s);
        }
    }

    @Test
    void oneShardIsThePlainWholeBatchStep() throws Exception {
        Steps plain = trainer(CONFIG);
        assertSameSteps(byHand(CONFIG), plain, "shards 1");
        assertSameSteps(plain, trainer(CONFIG.withShards(1)), "withShards(1)");
        // Shards cut the batch's reductions, so a sharded run is its own trajectory.
        assertFalse(Arrays.equals(plain.weights.getLast(), trainer(CONFIG.withShards(2)).weights.getLast()));
    }

    @Test
    void theShardCountIsCheckpointedAndResumedExactly() throws Exception {
        TrainConfig c = CONFIG.withShards(3).withCheckpointEvery(3);
        Steps whole = trainer(c);
        Path run = dir.resolve("run");
        Model m = model();
        Trainer first = new Trainer(m, c).setRunDir(run);
        first.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { if (step == 5) first.requestStop(); }
        });
        assertTrue(first.fit(TRAIN, TEST).interrupted());
        Checkpoint ck = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(5, ck.globalStep());
        assertEquals(3, ck.config().shards(), "the checkpoint keeps --shards");
        Trainer resumed = Trainer.resume(ck, 0);
        assertEquals(3, resumed.config().shards());
        List<TrainListener> l = new ArrayList<>();
        Steps rest = recorder(resumed.model(), l);
        resumed.addListener(l.getFirst()).fit(TRAIN, TEST);
        assertSameSteps(new Steps(whole.weights.subList(5, 8), whole.losses.subList(5, 8)), rest, "resumed");
    }

    @Test
    void configValidatesAndStoresShards() throws Exception {
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> CONFIG.withShards(0));
        assertEquals("--shards must be at least 1, got 0", low.getMessage());
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> CONFIG.withShards(13));
        assertTrue(high.getMessage().startsWith("--shards 13 exceeds --batch 12"), high.getMessage());
        assertEquals(1, TrainConfig.defaults().shards());
        // One shard writes no key, so a plain run's checkpoint reads as before; more are written and read back.
        assertFalse(CONFIG.toJson().containsKey("shards"));
        TrainConfig four = CONFIG.withShards(4);
        assertEquals(four, TrainConfig.fromJson(Json.parseObject(Json.write(four.toJson()), "config")));
        assertEquals(CONFIG, TrainConfig.fromJson(Json.parseObject(Json.write(CONFIG.toJson()), "config")));
    }

    @Test
    void aModelWithRunningStateRefusesShards() throws Exception {
        Model bn = TrainerTest.model();  // BatchNorm and Dropout
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(bn, TrainConfig.defaults().withBatchSize(10).withShards(2)));
        assertTrue(e.getMessage().startsWith("--shards 2: the model has running statistics"), e.getMessage());
        new Trainer(bn, TrainConfig.defaults().withBatchSize(10));  // one shard is fine
    }

    @Test
    void shardBoundsCoverTheBatch() {
        Shards five = new Shards(5);
        int[] starts = new int[6];
        for (int s = 0; s <= 5; s++) starts[s] = five.start(12, s);
        assertArrayEquals(new int[] {0, 2, 4, 7, 9, 12}, starts);
        assertEquals(0, five.end(3, 0));
        assertEquals(1, five.end(3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Shards(0));
    }

    @Test
    void foldSkipsEmptyShardsAndChecksLengths() {
        ShardFold f = new ShardFold(4);
        f.add(new float[0], new Gradients.Result(0f, 0, 0, 0));
        f.add(new float[] {1f, 2f}, new Gradients.Result(1f, 1, 1, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.add(new float[3], new Gradients.Result(1f, 0, 0, 3)));
        assertTrue(e.getMessage().contains("3 gradient values"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new ShardFold(4).writeTo(List.of()), "every shard empty");
    }
}
