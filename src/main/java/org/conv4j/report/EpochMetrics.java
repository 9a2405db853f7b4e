package org.conv4j.report;

/**
 * One row of metrics.csv: what one epoch achieved. Accuracies are fractions in [0, 1]; a value that was
 * not measured (no test set) is NaN.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAcc, double testLoss, double testAcc,
                           double seconds, double imagesPerSec) {
    public EpochMetrics {
        if (epoch < 1) throw new IllegalArgumentException("EpochMetrics: epoch numbers start at 1, got " + epoch);
    }
}
