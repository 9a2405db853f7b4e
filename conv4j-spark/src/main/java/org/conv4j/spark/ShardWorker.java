package org.conv4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.conv4j.data.Augmentation;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.layers.NamedParam;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.loss.CrossEntropyLossConfig;
import org.conv4j.model.Model;
import org.conv4j.model.Normalization;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.Gradients;
import org.conv4j.train.ShardFold;
import org.conv4j.train.Shards;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainStep;
import org.conv4j.util.Rng;

/**
 * The executor's side of a step: a copy of the driver's network, set to the broadcast weights, that computes
 * the gradient of each of its partition's shards with {@link TrainStep#gradients}, the single-JVM trainer's
 * own gradient half, on a batch built exactly as the {@code DataLoader} builds one (copy, then normalise).
 *
 * <p>An executor keeps idle workers per run and reuses them: the network is built once per task slot, not
 * once per step. Tasks running at once in one executor each take their own worker.
 */
final class ShardWorker {
    private static final Map<String, ConcurrentLinkedDeque<ShardWorker>> IDLE = new ConcurrentHashMap<>();

    private final Model model;
    private final List<NamedParam> params;
    private final TrainStep step;
    private final Dataset train;
    private final Normalization normalization;
    private final Augmentation augmentation;
    private final boolean runningState;

    private ShardWorker(RunSpec run) {
        TrainConfig config = run.config();
        this.model = run.spec().build(Rng.torch(config.seed()));  // weights replaced by the broadcast ones
        this.params = NamedParam.of(model.network());
        int topK = Math.min(config.topK(), model.classes());
        CrossEntropyLoss loss = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(config.labelSmoothing()));
        // Only the gradient half runs here; the optimizer is there for zeroGrad, the update is the driver's.
        this.step = new TrainStep(model.network(), params, config.newOptimizer(params), loss, topK, config.lr(),
                config.newSchedule(1), config.clipNorm());
        this.train = run.data() == null ? null : SparkTrainer.trainPart(run.data().open().train(), config);
        this.normalization = model.normalization();
        this.augmentation = new Augmentation(config.cropPadding(), config.flip(), config.resizedCrop());
        this.runningState = Shards.hasRunningState(model);
        model.network().setInputGradient(false);
    }

    /**
     * The task body of one step on partition {@code p}: for each of its shards, the gradient and metrics.
     *
     * @param batch   the step's images as indices into the training part, in batch order
     * @param place   where the batch sits in the loader's order (for the augmentation draws)
     * @param threads the driver's share of cores per task ({@link TaskThreads#share})
     */
    static Iterator<ShardResult> run(RunSpec run, int p, int[] batch, BatchPlace place, WeightSource weights,
                                     int threads) {
        return run(run, p, batch.length, place, weights, threads, worker -> (pos, dst, at) -> {
            worker.train.copyImage(batch[pos], dst, at);
            return worker.train.label(batch[pos]);
        });
    }

    /** The images of a step by batch position. */
    private interface Images {
        /** Copies the image at batch position {@code pos} into {@code dst} at {@code at}; returns its label. */
        int copy(int pos, float[] dst, int at);
    }

    /**
     * The task body of one step on partition {@code p} for a DataFrame's images: {@code placed} holds
     * (batch position, image) for every image of the partition's shards, in any order.
     */
    static Iterator<ShardResult> runFrame(RunSpec run, int p, Iterator<scala.Tuple2<Integer, Example>> placed, int batchLength,
                                          BatchPlace place, WeightSource weights, int threads) {
        Example[] byPosition = new Example[batchLength];
        while (placed.hasNext()) {
            scala.Tuple2<Integer, Example> t = placed.next();
            byPosition[t._1()] = t._2();
        }
        return run(run, p, batchLength, place, weights, threads, worker -> (pos, dst, at) -> {
            Example e = byPosition[pos];
            if (e == null) throw new IllegalStateException("image at batch position " + pos + " did not reach partition " + p);
            System.arraycopy(e.pixels(), 0, dst, at, e.pixels().length);
            return e.label();
        });
    }

    private static Iterator<ShardResult> run(RunSpec run, int p, int batchLength, BatchPlace place,
                                             WeightSource weights, int threads,
                                             java.util.function.Function<ShardWorker, Images> imagesOf) {
        weights.await();
        long t0 = System.nanoTime();
        StepWeights w = weights.fetch();
        long fetch = System.nanoTime() - t0;
        ConcurrentLinkedDeque<ShardWorker> idle = IDLE.computeIfAbsent(run.key(), k -> {
            IDLE.keySet().removeIf(other -> !other.equals(k));
            return new ConcurrentLinkedDeque<>();
        });
        ShardWorker polled = idle.pollFirst();
        ShardWorker worker = polled != null ? polled : new ShardWorker(run);
        try {
            return TaskThreads.run(threads, () -> {
                List<ShardResult> out = new ArrayList<>();
                ShardPlan plan = run.plan();
                for (int s = plan.firstShard(p); s < plan.endShard(p); s++) {
                    out.add(worker.shard(s, plan.shardStart(batchLength, s), plan.shardEnd(batchLength, s), imagesOf.apply(worker), place, w,
                            s == plan.firstShard(p) ? fetch : 0, plan.shards() == 1));
                }
                return out.iterator();
            });
        } finally {
            idle.addFirst(worker);
        }
    }

    /**
     * The gradient of batch positions [from, to) (one shard), left in the parameters' gradients; each image is
     * copied, augmented and normalised as the {@code DataLoader} does.
     */
    private Gradients.Result gradients(int from, int to, Images images, BatchPlace place) {
        model.network().setTraining(true);
        int[] in = model.spec().input();
        int c = in[0], h = in[1], wd = in[2], item = c * h * wd, n = to - from;
        Tensor x = new Tensor(n, c, h, wd);
        float[] dst = x.data();
        int[] labels = new int[n];
        float[] scratch = augmentation.isNone() ? null : new float[item];
        for (int k = 0; k < n; k++) {
            if (scratch == null) {
                labels[k] = images.copy(from + k, dst, k * item);
            } else {
                labels[k] = images.copy(from + k, scratch, 0);
                augmentation.apply(scratch, 0, dst, k * item, c, h, wd, DataLoader.augmentationRng(place.seed(), place.epoch(), place.start() + from + k));
            }
            if (!normalization.isIdentity()) normalization.apply(dst, k * item, c, h * wd);
        }
        return step.gradients(x, labels);
    }

    private ShardResult shard(int s, int from, int to, Images images, BatchPlace place, StepWeights w, long fetch, boolean sendState) {
        long t0 = System.nanoTime();
        int n = to - from;
        if (n == 0) return new ShardResult(s, new float[0], 0f, 0, 0, 0, null, null, 0, fetch);
        ModelState.setValues(params, w.values());
        ModelState.setLayerStates(model, w.layerStates());
        Gradients.Result r = gradients(from, to, images, place);
        float[] buffers = sendState && runningState ? ModelState.buffers(params) : null;
        Map<String, long[]> states = sendState && runningState ? ModelState.layerStates(model) : null;
        return new ShardResult(s, ShardFold.gradients(params), r.loss(), r.correct(), r.topK(), r.size(), buffers, states,
                System.nanoTime() - t0, fetch);
    }
}
