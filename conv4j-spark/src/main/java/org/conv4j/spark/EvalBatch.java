package org.conv4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * One 500-image batch of an evaluation pass, computed by a partition: the sums the metrics need, each image's
 * label and top-1 class, and the raw pixels of the gallery's candidates.
 *
 * @param batch      the batch's number in the pass
 * @param lossSum    the batch's mean loss times its size
 * @param top1       top-1 hits
 * @param topK       top-k hits
 * @param size       images
 * @param labels     [size] labels, in data-set order
 * @param predicted  [size] top-1 classes
 * @param candidates raw pixels by data-set index of the images among the first {@code GALLERY_PER_KIND} predicted
 *                   right and wrong of the partition's batches so far (any image the report's gallery may show)
 */
record EvalBatch(int batch, double lossSum, int top1, int topK, int size, int[] labels, int[] predicted,
                 Map<Integer, float[]> candidates) implements Serializable {}
