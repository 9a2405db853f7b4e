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
    public static final EpochTotals ZERO = new EpochTotals(0, 0, 0, 0);

    /** These totals and one batch's result. */
    public EpochTotals plus(Gradients.Result r) {
        return new EpochTotals(lossSum + (double) r.loss() * r.size(), correct + r.correct(), topK + r.topK(), seen + r.size());
    }

    public double meanLoss() { return lossSum / seen; }

    public double accuracy() { return (double) correct / seen; }

    public double topKAccuracy() { return (double) topK / seen; }
}
