package org.conv4j.spark;

import java.io.Serializable;

/**
 * Where a step's batch sits in the driver's loader order, so that an executor augments each image with the
 * draws the single-JVM loader would use ({@code DataLoader.augmentationRng(seed, epoch, start + position)}).
 *
 * @param epoch the loader's epoch
 * @param start the batch's first position in the epoch's order
 * @param seed  the loader's augmentation seed
 */
record BatchPlace(int epoch, int start, long seed) implements Serializable {}
