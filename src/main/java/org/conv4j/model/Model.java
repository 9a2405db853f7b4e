package org.conv4j.model;

import org.conv4j.layers.Container;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * A complete classifier: its {@link NetworkSpec} (architecture, input shape, classes, normalisation) and
 * the network with its weights. Input images are float pixels in [0, 1], NCHW; {@link #preprocess}
 * applies the spec's normalisation.
 *
 * <p>Thread safety: {@link #predict}, {@link #logits} and {@link #preprocess} only read the model and may
 * be called from many threads at once (they use each layer's {@code infer}); a model from
 * {@link ModelFile#load} is ready to share, and concurrent results are bitwise those of one thread.
 * Not thread-safe: training the network ({@code network().forward/backward}, {@code setTraining}, an
 * optimizer step) and changing weights, which must not overlap with each other or with predictions.
 */
public final class Model {
    private final NetworkSpec spec;
    private final Container network;

    /** @param network a {@link Sequential} or a {@link Graph} (any container with one input and one output) */
    public Model(NetworkSpec spec, Container network) {
        this.spec = spec;
        this.network = network;
    }

    public NetworkSpec spec() { return spec; }

    /** The network: a {@link Sequential} for a spec with "layers", a {@link Graph} for one with "graph". */
    public Container network() { return network; }

    /** The network as a Sequential, or an error naming what it is (a graph) for callers that need its layer list. */
    public Sequential sequential() {
        if (network instanceof Sequential s) return s;
        throw new IllegalStateException("model " + spec.name() + ": the network is a " + network.describe() + ", not a Sequential");
    }

    public int classes() { return spec.classes(); }

    /** A normalised copy of {@code x} ([N, C, H, W], values in [0, 1]); the input itself is unchanged. */
    public Tensor preprocess(Tensor x) {
        Tensor r = x.copy();
        normalizeInPlace(r);
        return r;
    }

    /** Applies the spec's per-channel {@code (x - mean) / std} to {@code x} in place; no-op without one. */
    public void normalizeInPlace(Tensor x) {
        int[] in = spec.input();
        Shapes.check("Model(" + spec.name() + ")", "input", x, -1, in[0], in[1], in[2]);
        Normalization n = normalization();
        if (n.isIdentity()) return;
        int item = in[0] * in[1] * in[2];
        float[] d = x.data();
        for (int off = 0; off < d.length; off += item) n.apply(d, off, in[0], in[1] * in[2]);
    }

    /** The spec's normalisation (the same arithmetic the data loader applies while training). */
    public Normalization normalization() {
        return spec.mean() == null ? Normalization.NONE : new Normalization(spec.mean(), spec.std());
    }

    /** Logits [N, classes] for raw images in [0, 1]. Thread-safe. */
    public Tensor logits(Tensor x) { return network.infer(preprocess(x)); }

    /** Class probabilities [N, classes] (softmax of the logits, computed stably). Thread-safe. */
    public Tensor predict(Tensor x) { return softmax(logits(x)); }

    /** Row-wise softmax of [N, K] logits into a new tensor. */
    public static Tensor softmax(Tensor logits) {
        int n = logits.dim(0), k = logits.dim(1);
        Tensor p = new Tensor(n, k);
        float[] z = logits.data(), out = p.data();
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, z[i * k + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp(z[i * k + j] - max);
            for (int j = 0; j < k; j++) out[i * k + j] = (float) (Math.exp(z[i * k + j] - max) / sum);
        }
        return p;
    }

    /** Name of class {@code c}: the spec's class name, or the number. */
    public String className(int c) {
        return spec.classNames() == null ? Integer.toString(c) : spec.classNames().get(c);
    }
}
