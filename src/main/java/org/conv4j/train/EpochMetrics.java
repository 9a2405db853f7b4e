package org.conv4j.train;

import java.util.Locale;

/**
 * One epoch's figures, one row of {@code metrics.csv}. Accuracies are fractions in [0, 1]; validation
 * and test figures are NaN when there is no such set.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAcc, double trainTopK,
                           double valLoss, double valAcc, double testLoss, double testAcc, double testTopK,
                           double seconds, double imagesPerSecond, double lr) {

    /** The CSV header; the first seven columns are the ones scripts rely on. */
    public static final String CSV_HEADER =
            "epoch,train_loss,train_acc,test_loss,test_acc,seconds,images_per_s,train_topk,test_topk,val_loss,val_acc,lr";

    public String csvRow() {
        return String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%.3f,%.1f,%s,%s,%s,%s,%s", epoch, f(trainLoss), f(trainAcc),
                f(testLoss), f(testAcc), seconds, imagesPerSecond, f(trainTopK), f(testTopK), f(valLoss), f(valAcc), f(lr));
    }

    private static String f(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v); }
}
