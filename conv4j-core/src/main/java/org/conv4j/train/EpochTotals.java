package org.conv4j.train;

/**
 * Running sums over the training batches of one epoch so far, from which the epoch's train loss and
 * accuracies are computed. Sums, not means, so that shares of a batch (or of an epoch) add up exactly.
 *
 * @param lossSum sum over batches of (mean batch loss × batch size)
 * @param correct images whose top-1 prediction was right
 * @param topK    images whose label was among the top k predictions
 * @param seen    images trained on
 */
public record EpochTotals(double lossSum, long correct, long topK, long seen) {
    /** The totals before the first batch. */
    public static final EpochTotals ZERO = new EpochTotals(0, 0, 0, 0);

    /**
     * {@return these totals and one batch's result}
     *
     * @param r the batch's loss, size and correct counts
     */
    public EpochTotals plus(Gradients.Result r) {
        return new EpochTotals(lossSum + (double) r.loss() * r.size(), correct + r.correct(), topK + r.topK(), seen + r.size());
    }

    /** {@return the mean loss per image so far; NaN before any image} */
    public double meanLoss() { return lossSum / seen; }

    /** {@return the fraction of images so far whose top-1 prediction was right; NaN before any image} */
    public double accuracy() { return (double) correct / seen; }

    /** {@return the fraction of images so far whose label was among the top k; NaN before any image} */
    public double topKAccuracy() { return (double) topK / seen; }
}
