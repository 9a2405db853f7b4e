package org.conv4j.spark;

import java.util.List;
import org.conv4j.layers.NamedParam;
import org.conv4j.train.Gradients;

/**
 * Combines a step's shard gradients into the driver's {@code Param.grad()}s, in shard order:
 * g = Σ_s (n_s / B)·g_s as a left fold in float, where g_s is the gradient of shard s's mean loss and n_s its
 * size. The fold is fixed by the shard count alone, which is why the result is bitwise the same however the
 * shards were spread over partitions, executors or machines. With one shard the factor is 1 and the fold a
 * copy: the gradient is exactly the single-JVM trainer's.
 *
 * <p>Why not Spark's {@code treeAggregate}: floating-point addition is not associative, and a tree's shape
 * follows the partition count, so its sums would change with P. The shard gradients are fetched as task
 * results and folded here, in an order no scheduling can change.
 */
final class GradientFold {
    private GradientFold() {}

    /**
     * Writes the fold of {@code shards} (one per shard, in shard order) into the trainable parameters'
     * gradients and returns the batch's combined metrics; {@code batch} is B.
     */
    static Gradients.Result fold(List<ShardResult> shards, int batch, List<NamedParam> params) {
        float[] acc = null;
        float loss = 0f;
        int correct = 0, topK = 0, size = 0;
        for (ShardResult r : shards) {
            if (r.size() == 0) continue;
            float w = (float) r.size() / batch;
            float[] g = r.gradient();
            if (acc == null) {
                acc = new float[g.length];
                for (int i = 0; i < g.length; i++) acc[i] = g[i] * w;
                loss = r.loss() * w;
            } else {
                if (g.length != acc.length) throw new IllegalStateException("shard " + r.shard() + " sent " + g.length + " gradient values, expected " + acc.length);
                for (int i = 0; i < g.length; i++) acc[i] += g[i] * w;
                loss += r.loss() * w;
            }
            correct += r.correct();
            topK += r.topK();
            size += r.size();
        }
        if (acc == null) throw new IllegalStateException("every shard of the step was empty");
        int at = 0;
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            float[] dst = p.param().grad().data();
            System.arraycopy(acc, at, dst, 0, dst.length);
            at += dst.length;
        }
        if (at != acc.length) throw new IllegalStateException("the shards sent " + acc.length + " gradient values for " + at + " parameters");
        return new Gradients.Result(loss, correct, topK, size);
    }
}
