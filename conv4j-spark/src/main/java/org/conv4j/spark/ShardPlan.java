package org.conv4j.spark;

import java.io.Serializable;

/**
 * How one step's global batch of B images is cut: into S shards of consecutive batch positions, the unit
 * whose gradient is computed in one piece, dealt to P partitions as runs of whole shards. The step's
 * gradient is the {@link GradientFold} of the S shard gradients in shard order, so it depends on B and S
 * and never on P: any P from 1 to S gives bitwise the same weights.
 *
 * <p>Shard s covers batch positions [⌊s·B/S⌋, ⌊(s+1)·B/S⌋); partition p computes shards
 * [⌊p·S/P⌋, ⌊(p+1)·S/P⌋). The last batch of an epoch may be shorter than B and is cut the same way
 * (a shard may then be empty).
 *
 * @param shards     S ≥ 1
 * @param partitions P, 1 ≤ P ≤ S
 */
public record ShardPlan(int shards, int partitions) implements Serializable {
    public ShardPlan {
        if (shards < 1) throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        if (partitions > shards) {
            throw new IllegalArgumentException("--partitions " + partitions + " exceeds --shards " + shards
                    + ": each partition computes whole shards (use --shards " + partitions + " or more)");
        }
    }

    /** First batch position of shard {@code s} in a batch of {@code b} images. */
    public int shardStart(int b, int s) { return (int) ((long) s * b / shards); }

    /** One past the last batch position of shard {@code s}. */
    public int shardEnd(int b, int s) { return shardStart(b, s + 1); }

    /** First shard of partition {@code p}. */
    public int firstShard(int p) { return (int) ((long) p * shards / partitions); }

    /** One past the last shard of partition {@code p}. */
    public int endShard(int p) { return firstShard(p + 1); }
}
