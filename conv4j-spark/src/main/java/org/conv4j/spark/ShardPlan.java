package org.conv4j.spark;

import java.io.Serializable;
import org.conv4j.train.Shards;

/**
 * How one step's global batch of B images is dealt to P partitions: cut into S {@link Shards} (the core's cut,
 * the unit whose gradient is computed in one piece), and given to the partitions as runs of whole shards. The
 * step's gradient is the {@code ShardFold} of the S shard gradients in shard order, so it depends on B and S
 * and never on P: any P from 1 to S gives bitwise the same weights, those of {@code conv4j train --shards S}.
 *
 * <p>Shard s covers batch positions [⌊s·B/S⌋, ⌊(s+1)·B/S⌋) ({@link Shards#start}); partition p computes shards
 * [⌊p·S/P⌋, ⌊(p+1)·S/P⌋). The last batch of an epoch may be shorter than B and is cut the same way
 * (a shard may then be empty).
 *
 * @param shards     S ≥ 1
 * @param partitions P, 1 ≤ P ≤ S
 */
public record ShardPlan(int shards, int partitions) implements Serializable {
    public ShardPlan {
        new Shards(shards);  // checks S
        if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        if (partitions > shards) {
            throw new IllegalArgumentException("--partitions " + partitions + " exceeds --shards " + shards
                    + ": each partition computes whole shards (use --shards " + partitions + " or more)");
        }
    }

    /** First batch position of shard {@code s} in a batch of {@code b} images. */
    public int shardStart(int b, int s) { return new Shards(shards).start(b, s); }

    /** One past the last batch position of shard {@code s}. */
    public int shardEnd(int b, int s) { return new Shards(shards).end(b, s); }

    /** First shard of partition {@code p}. */
    public int firstShard(int p) { return (int) ((long) p * shards / partitions); }

    /** One past the last shard of partition {@code p}. */
    public int endShard(int p) { return firstShard(p + 1); }
}
