package org.conv4j.report;

import java.util.List;
import java.util.Map;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;

/**
 * Everything one version of the run report shows, as plain data. Build one at each epoch end.
 *
 * @param title           heading, e.g. "Reference CNN on Fashion-MNIST"
 * @param classNames      K names, index = class
 * @param epochs          metrics of the epochs finished so far, in order
 * @param plannedEpochs   epochs the run will do in all (for "epoch 3 of 10"); 0 if unknown
 * @param batchX          x of the loss-per-N-batches curve (batches so far), see {@link BatchLossSeries}
 * @param batchLoss       mean training loss over each window, same length as batchX
 * @param confusion       [K, K] counts from the latest test pass (rows true, columns predicted), or null
 * @param firstConvWeight [F, C, KH, KW] weights of the first conv layer, or null when there is none
 * @param gallery         test items to show, right and wrong (see {@link EvalCollector}); may be empty
 * @param details         short facts shown in a table: model, optimiser, data, seed ... (ordered)
 * @param finished        true for the last write: the page then stops refreshing itself
 */
public record ReportData(String title, List<String> classNames, List<EpochMetrics> epochs, int plannedEpochs,
                         double[] batchX, double[] batchLoss, int[][] confusion, Tensor firstConvWeight,
                         List<GallerySample> gallery, Map<String, String> details, boolean finished) {
    /**
     * Copies the lists and the map (unmodifiable) and checks the sizes.
     *
     * @throws IllegalArgumentException if batchX and batchLoss differ in length, or the confusion matrix does not
     *         have one row per class name
     * @throws org.conv4j.tensor.ShapeException if firstConvWeight is not rank 4
     */
    public ReportData {
        classNames = List.copyOf(classNames);
        epochs = List.copyOf(epochs);
        gallery = List.copyOf(gallery);
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        if (batchX.length != batchLoss.length) {
            throw new IllegalArgumentException("ReportData: batchX has " + batchX.length + " values but batchLoss has " + batchLoss.length);
        }
        if (confusion != null && confusion.length != classNames.size()) {
            throw new IllegalArgumentException("ReportData: confusion matrix has " + confusion.length + " rows but there are "
                    + classNames.size() + " class names");
        }
        if (firstConvWeight != null) Shapes.checkRank("ReportData", "firstConvWeight", firstConvWeight, 4);
    }

    /**
     * The same data marked as the final version.
     *
     * @return a copy with {@code finished} true
     */
    public ReportData asFinished() {
        return new ReportData(title, classNames, epochs, plannedEpochs, batchX, batchLoss, confusion, firstConvWeight,
                gallery, details, true);
    }
}
