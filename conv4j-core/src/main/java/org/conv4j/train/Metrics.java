package org.conv4j.train;

import org.conv4j.tensor.Tensor;

/** Accuracy counting over logits. */
public final class Metrics {
    private Metrics() {}

    /**
     * Counts the hits of [N, K] logits against labels. A tie counts against the label.
     *
     * @param logits [N, K] scores
     * @param labels [N] class indices
     * @param k      the k of the top-k hits
     * @return {top-1 hits, top-k hits}
     */
    public static int[] hits(Tensor logits, int[] labels, int k) {
        int n = logits.dim(0), c = logits.dim(1);
        float[] z = logits.data();
        int top1 = 0, topk = 0;
        for (int i = 0; i < n; i++) {
            float target = z[i * c + labels[i]];
            int better = 0; // classes scoring at least as high as the label's, other than the label
            for (int j = 0; j < c; j++) {
                if (j == labels[i]) continue;
                float v = z[i * c + j];
                if (v > target || (v == target && j < labels[i]) || Float.isNaN(v)) better++;
            }
            if (better == 0) top1++;
            if (better < k) topk++;
        }
        return new int[] {top1, topk};
    }

    /**
     * {@return the index of the largest value of row {@code i} (first on ties)}
     *
     * @param logits [N, K] scores
     * @param i      the row, in 0..N-1
     */
    public static int argmax(Tensor logits, int i) {
        int c = logits.dim(1);
        float[] z = logits.data();
        int best = 0;
        for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + best]) best = j;
        return best;
    }
}
