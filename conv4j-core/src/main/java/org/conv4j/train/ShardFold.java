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
    private boolean first = true;   // no non-empty shard folded yet
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
        if (sum != null && gradient.length != sum.length) {
            throw new IllegalStateException("a shard sent " + gradient.length + " gradient values, the shards before it " + sum.length);
        }
        if (sum == null) sum = new float[gradient.length];
        fold(gradient, 0, r);
        count(r);
    }

    /**
     * Folds in the next shard straight from the parameters' gradients, as {@link #add(float[], Gradients.Result)}
     * does with {@link #gradients}{@code (params)} but without the flattened copy: for a trainer that computed the
     * shard in this JVM.
     *
     * @param params the network's parameters and buffers, their gradients holding the shard's
     * @param r      the shard's mean loss, hits and size n_s
     */
    public void add(List<NamedParam> params, Gradients.Result r) {
        if (r.size() == 0) return;
        long n = 0;
        for (NamedParam p : params) if (p.param().isTrainable()) n += p.param().grad().size();
        if (sum == null) sum = new float[Math.toIntExact(n)];
        if (n != sum.length) throw new IllegalStateException("a shard has " + n + " gradient values, the shards before it " + sum.length);
        int at = 0;
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            float[] g = p.param().grad().data();
            fold(g, at, r);
            at += g.length;
        }
        count(r);
    }

    /** sum[at + i] (+)= g[i]·(n_s / B): the first non-empty shard's products start the fold, later ones add theirs. */
    private void fold(float[] g, int at, Gradients.Result r) {
        float w = (float) r.size() / batch;
        if (first) {
            for (int i = 0; i < g.length; i++) sum[at + i] = g[i] * w;
        } else {
            for (int i = 0; i < g.length; i++) sum[at + i] += g[i] * w;
        }
    }

    /** Ends a shard's fold: its loss and hits. */
    private void count(Gradients.Result r) {
        float w = (float) r.size() / batch;
        loss = first ? r.loss() * w : loss + r.loss() * w;
        first = false;
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
