package org.conv4j.train;

import java.util.List;
import org.conv4j.layers.NamedParam;

/**
 * Puts a step's gradient together from its {@link Shards shards}' gradients, in shard order:
 * g = Σ_s (n_s / B)·g_s as a left fold in float, where g_s is the gradient of shard s's mean loss and n_s its
 * size; the step's loss is folded the same way and the hit counts are summed. The fold depends on the shard
 * gradients and their order alone, so the single-JVM {@link Trainer} and a data-parallel trainer whose
 * workers computed the shards anywhere get bitwise the same gradient. With one shard the factor is 1 and the
 * fold a copy: the gradient is the whole batch's.
 *
 * <p>Gradients travel flattened: every trainable parameter's gradient ({@code Param.isTrainable}, in
 * {@link NamedParam#of} order) one after another, as {@link #gradients} lays them out.
 *
 * <p>Call order: construct for a batch; {@link #add} each shard in shard order (empty shards may be added and
 * are skipped); {@link #writeTo} once. Not thread-safe.
 */
public final class ShardFold {
    private final int batch;        // B
    private float[] sum;            // [trainable values] the fold so far; null before the first non-empty shard
    private float loss;
    private int correct, topK, size;

    /**
     * An empty fold.
     *
     * @param batch B, the images of the whole batch
     * @throws IllegalArgumentException if {@code batch} is below 1
     */
    public ShardFold(int batch) {
        if (batch < 1) throw new IllegalArgumentException("a batch has at least 1 image, got " + batch);
        this.batch = batch;
    }

    /**
     * {@return every trainable parameter's gradient, flattened in {@link NamedParam#of} order}
     *
     * @param params the network's parameters and buffers
     */
    public static float[] gradients(List<NamedParam> params) {
        long n = 0;
        for (NamedParam p : params) if (p.param().isTrainable()) n += p.param().grad().size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("the model has " + n + " trainable values, more than one array holds");
        float[] out = new float[(int) n];
        int at = 0;
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            float[] g = p.param().grad().data();
            System.arraycopy(g, 0, out, at, g.length);
            at += g.length;
        }
        return out;
    }

    /**
     * Folds in the next shard.
     *
     * @param gradient [trainable values] the gradient of the shard's mean loss, as {@link #gradients} lays it out;
     *                 ignored (and may be empty) when the shard is
     * @param r        the shard's mean loss, hits and size n_s
     * @throws IllegalStateException if the gradient's length differs from the shards folded before
     */
    public void add(float[] gradient, Gradients.Result r) {
        if (r.size() == 0) return;
        float w = (float) r.size() / batch;
        if (sum == null) {
            sum = new float[gradient.length];
            for (int i = 0; i < gradient.length; i++) sum[i] = gradient[i] * w;
            loss = r.loss() * w;
        } else {
            if (gradient.length != sum.length) {
                throw new IllegalStateException("a shard sent " + gradient.length + " gradient values, the shards before it " + sum.length);
            }
            for (int i = 0; i < gradient.length; i++) sum[i] += gradient[i] * w;
            loss += r.loss() * w;
        }
        correct += r.correct();
        topK += r.topK();
        size += r.size();
    }

    /**
     * Writes the folded gradient into the trainable parameters' gradients.
     *
     * @param params the network's parameters and buffers, as {@link #gradients} read them
     * @return the batch's folded mean loss, summed hits and size
     * @throws IllegalStateException if every shard was empty, or the fold's length is not the parameters'
     */
    public Gradients.Result writeTo(List<NamedParam> params) {
        if (sum == null) throw new IllegalStateException("every shard of the step was empty");
        long want = 0;
        for (NamedParam p : params) if (p.param().isTrainable()) want += p.param().grad().size();
        if (want != sum.length) throw new IllegalStateException("the shards sent " + sum.length + " gradient values for " + want + " parameters");
        int at = 0;
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            float[] dst = p.param().grad().data();
            System.arraycopy(sum, at, dst, 0, dst.length);
            at += dst.length;
        }
        return new Gradients.Result(loss, correct, topK, size);
    }
}
