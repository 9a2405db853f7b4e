package org.conv4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What a partition sends back for one shard of a step: the gradient of the shard's mean loss with respect
 * to every trainable parameter (flattened in {@code NamedParam.of} order), and the shard's metrics.
 *
 * @param shard        shard index in the step
 * @param gradient     [total trainable values]; empty for an empty shard
 * @param loss         the shard's mean loss
 * @param correct      top-1 hits
 * @param topK         top-k hits
 * @param size         images in the shard
 * @param buffers      the buffers after the shard's forward (running statistics), flattened; only with one shard
 * @param layerStates  layer states after the shard (dropout generators); only with one shard
 * @param computeNanos time spent building the batch, forward and backward
 * @param fetchNanos   time spent getting the step's weights (the broadcast) onto the executor
 */
public record ShardResult(int shard, float[] gradient, float loss, int correct, int topK, int size, float[] buffers,
                          Map<String, long[]> layerStates, long computeNanos, long fetchNanos) implements Serializable {}
