package org.conv4j.data;

import org.conv4j.tensor.Tensor;

/**
 * One batch from a {@link DataLoader}.
 *
 * @param x       [B, C, H, W] augmented and normalised images; owned by the loader and reused (see DataLoader)
 * @param labels  [B] class indices
 * @param indices [B] positions of the images in the loader's dataset
 * @param epoch   0-based epoch the batch belongs to
 * @param index   0-based batch number within the epoch
 */
public record Batch(Tensor x, int[] labels, int[] indices, int epoch, int index) {
    /** {@return the number of images in the batch, B} */
    public int size() { return labels.length; }
}
