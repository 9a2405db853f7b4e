package org.conv4j.report;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Gathers what the report needs from one pass over the test set: the confusion matrix and a few test
 * images the model got right and wrong, with their top-3 predictions.
 *
 * <p>Call order: one collector per evaluation pass; {@link #add} for every test batch in order, then
 * read {@link #confusion()} and {@link #gallery()}. The gallery keeps the first {@code perKind} right and
 * the first {@code perKind} wrong items in test-set order, so it is the same on every run. Cost per
 * batch is one argmax per item; softmax and top-3 are computed only for the few items kept.
 * Not thread-safe.
 */
public final class EvalCollector {
    private final ConfusionMatrix confusion;
    private final int perKind;
    private final List<GallerySample> right = new ArrayList<>(), wrong = new ArrayList<>();

    /**
     * An empty collector for a K-class model.
     *
     * @param numClasses K, the width of the logits
     * @param perKind    how many right and how many wrong items to keep for the gallery
     * @throws IllegalArgumentException if {@code numClasses} is below 1 or {@code perKind} is negative
     */
    public EvalCollector(int numClasses, int perKind) {
        if (perKind < 0) throw new IllegalArgumentException("gallery size per kind must be >= 0, got " + perKind);
        this.confusion = new ConfusionMatrix(numClasses);
        this.perKind = perKind;
    }

    /**
     * Adds one batch. The tensors may be reused by the caller afterwards: kept images are copied.
     *
     * @param images [N, C, H, W] as fed to the model (only read for kept gallery items)
     * @param logits [N, K] scores before softmax
     * @param labels true classes; entries 0..N-1 are used
     */
    public void add(Tensor images, Tensor logits, int[] labels) {
        int k = confusion.numClasses();
        Shapes.check("EvalCollector", "logits", logits, -1, k);
        int n = logits.dim(0);
        Shapes.checkRank("EvalCollector", "images", images, 4);
        if (images.dim(0) != n) {
            throw new IllegalArgumentException("EvalCollector: " + images.dim(0) + " images but " + n + " rows of logits");
        }
        if (labels.length < n) throw new IllegalArgumentException("EvalCollector: " + labels.length + " labels for " + n + " items");
        float[] z = logits.data();
        for (int i = 0; i < n; i++) {
            int predicted = argmax(z, i * k, k);
            confusion.add(labels[i], predicted);
            List<GallerySample> keep = predicted == labels[i] ? right : wrong;
            if (keep.size() < perKind) keep.add(sample(images, i, z, i * k, k, labels[i]));
        }
    }

    /** {@return the counts of every item added so far} */
    public ConfusionMatrix confusion() { return confusion; }

    /**
     * The kept right items, then the kept wrong ones.
     *
     * @return a new list, up to {@code perKind} right items then up to {@code perKind} wrong ones
     */
    public List<GallerySample> gallery() {
        List<GallerySample> all = new ArrayList<>(right);
        all.addAll(wrong);
        return all;
    }

    /**
     * Index of the largest of {@code z[off .. off+k)}; the first one on ties (as torch.argmax on CPU).
     *
     * @param z   the scores
     * @param off index of the first score
     * @param k   the number of scores, at least 1
     * @return the index of the largest, in [0, k)
     */
    public static int argmax(float[] z, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) if (z[off + j] > z[off + best]) best = j;
        return best;
    }

    /**
     * A gallery sample for item {@code i} of a batch: its image copied, its top-3 classes by softmax.
     *
     * @param images [N, C, H, W]
     * @param logits [N, K]
     * @param i      the item's index in the batch
     * @param label  its true class
     * @return the sample, with a copy of the image
     */
    public static GallerySample sample(Tensor images, Tensor logits, int i, int label) {
        int k = logits.dim(1);
        return sample(images, i, logits.data(), i * k, k, label);
    }

    private static GallerySample sample(Tensor images, int i, float[] z, int off, int k, int label) {
        int[] s = images.shape();
        int item = s[1] * s[2] * s[3];
        float[] pixels = new float[item];
        System.arraycopy(images.data(), i * item, pixels, 0, item);
        // stable softmax in double
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, z[off + j]);
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) sum += p[j] = Math.exp(z[off + j] - max);
        int top = Math.min(3, k);
        int[] cls = new int[top];
        float[] prob = new float[top];
        boolean[] taken = new boolean[k];
        for (int t = 0; t < top; t++) {
            int best = -1;
            for (int j = 0; j < k; j++) if (!taken[j] && (best < 0 || p[j] > p[best])) best = j;
            taken[best] = true;
            cls[t] = best;
            prob[t] = (float) (p[best] / sum);
        }
        return new GallerySample(Tensor.wrap(pixels, s[1], s[2], s[3]), label, cls, prob);
    }
}
