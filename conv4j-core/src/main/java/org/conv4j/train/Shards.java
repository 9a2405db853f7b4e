package org.conv4j.train;

import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;

/**
 * How a step's batch of B images is cut into S shards of consecutive batch positions, the unit whose gradient
 * is computed in one piece ({@link TrainStep#gradients} on the shard's images, in batch order) before the
 * {@link ShardFold} puts the step's gradient together. The cut depends on B and S alone, so the single-JVM
 * {@link Trainer} and a data-parallel trainer that deals the shards to workers compute the same shards.
 *
 * <p>Shard s covers batch positions [⌊s·B/S⌋, ⌊(s+1)·B/S⌋): sizes differ by at most one, and an epoch's
 * shorter last batch is cut the same way (a shard may then be empty, and the fold skips it).
 *
 * @param count S, at least 1
 */
public record Shards(int count) {
    /**
     * Checks the count.
     *
     * @throws IllegalArgumentException naming {@code --shards} if {@code count} is below 1
     */
    public Shards {
        if (count < 1) throw new IllegalArgumentException("--shards must be at least 1, got " + count);
    }

    /**
     * {@return the first batch position of shard {@code s}}
     *
     * @param batch B, the batch's size
     * @param s     the shard, 0 ≤ s ≤ S (S gives B, the end of the last shard)
     */
    public int start(int batch, int s) { return (int) ((long) s * batch / count); }

    /**
     * {@return one past the last batch position of shard {@code s}}
     *
     * @param batch B, the batch's size
     * @param s     the shard, 0 ≤ s &lt; S
     */
    public int end(int batch, int s) { return start(batch, s + 1); }

    /**
     * Refuses a model whose training step changes state beyond its gradients when the batch is cut into more
     * than one shard: buffers (BatchNorm's running statistics) or layer states (Dropout's generator) would be
     * updated once per shard, in an order a data-parallel trainer cannot reproduce across workers.
     *
     * @param model the model to train
     * @throws IllegalArgumentException naming {@code --shards} if S &gt; 1 and the model has buffers or layer states
     */
    public void requireStateless(Model model) {
        if (count > 1 && hasRunningState(model)) {
            throw new IllegalArgumentException("--shards " + count + ": the model has running statistics (BatchNorm) or dropout, "
                    + "whose state depends on the whole batch; train it with --shards 1");
        }
    }

    /**
     * {@return true if the model has buffers (running statistics) or layer states (dropout generators)}
     *
     * @param model the model
     */
    public static boolean hasRunningState(Model model) {
        for (NamedParam p : NamedParam.of(model.network())) if (!p.param().isTrainable()) return true;
        return !Checkpoint.layerStates(model.network()).isEmpty();
    }
}
