package org.conv4j.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;

/**
 * One epoch's figures: one row of {@code metrics.csv}, one entry of a checkpoint's history, one point of a
 * training report's charts. Accuracies are fractions in [0, 1]; validation and test figures are NaN when
 * there is no such set. Epochs are numbered from 1.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       mean training loss over the epoch
 * @param trainAcc        training top-1 accuracy
 * @param trainTopK       training top-k accuracy
 * @param valLoss         validation loss, NaN without a validation set
 * @param valAcc          validation accuracy, NaN without a validation set
 * @param testLoss        test loss, NaN without a test set
 * @param testAcc         test top-1 accuracy, NaN without a test set
 * @param testTopK        test top-k accuracy, NaN without a test set
 * @param seconds         wall-clock seconds the epoch's training took
 * @param imagesPerSecond training throughput
 * @param lr              the learning rate at the end of the epoch
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAcc, double trainTopK,
                           double valLoss, double valAcc, double testLoss, double testAcc, double testTopK,
                           double seconds, double imagesPerSecond, double lr) {

    /** The CSV header; the first seven columns are the ones scripts rely on. */
    public static final String CSV_HEADER =
            "epoch,train_loss,train_acc,test_loss,test_acc,seconds,images_per_s,train_topk,test_topk,val_loss,val_acc,lr";

    /**
     * Validates the epoch number.
     *
     * @throws IllegalArgumentException if {@code epoch} is below 1
     */
    public EpochMetrics {
        if (epoch < 1) throw new IllegalArgumentException("EpochMetrics: epoch numbers start at 1, got " + epoch);
    }

    /** {@return this epoch as one CSV line in {@link #CSV_HEADER}'s column order, without a line break} */
    public String csvRow() {
        return String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%.3f,%.1f,%s,%s,%s,%s,%s", epoch, f(trainLoss), f(trainAcc),
                f(testLoss), f(testAcc), seconds, imagesPerSecond, f(trainTopK), f(testTopK), f(valLoss), f(valAcc), f(lr));
    }

    private static String f(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v); }

    /** The checkpoint's JSON form; a NaN or infinite figure is written as null. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        put(m, "train_loss", trainLoss); put(m, "train_acc", trainAcc); put(m, "train_topk", trainTopK);
        put(m, "val_loss", valLoss); put(m, "val_acc", valAcc);
        put(m, "test_loss", testLoss); put(m, "test_acc", testAcc); put(m, "test_topk", testTopK);
        put(m, "seconds", seconds); put(m, "images_per_s", imagesPerSecond); put(m, "lr", lr);
        return m;
    }

    /** Reads {@link #toJson}; a missing or null figure is NaN. */
    static EpochMetrics fromJson(Json.Obj o) throws FormatException {
        int epoch = o.integer("epoch");
        if (epoch < 1) throw o.error("epoch", "epoch numbers start at 1, got " + epoch);
        return new EpochMetrics(epoch, get(o, "train_loss"), get(o, "train_acc"), get(o, "train_topk"),
                get(o, "val_loss"), get(o, "val_acc"), get(o, "test_loss"), get(o, "test_acc"), get(o, "test_topk"),
                get(o, "seconds"), get(o, "images_per_s"), get(o, "lr"));
    }

    private static void put(Map<String, Object> m, String k, double v) { m.put(k, Double.isFinite(v) ? (Object) v : null); }

    private static double get(Json.Obj o, String k) throws FormatException { return o.has(k) ? o.number(k) : Double.NaN; }
}
