package org.conv4j.loss;

import org.conv4j.tensor.Tensor;

/**
 * A training objective over a batch of scores, reduced to its mean over the batch.
 *
 * <p>Call order: {@link #forward} computes the loss and remembers what {@link #backward} needs;
 * {@code backward()} then returns dInput, the gradient of that mean loss with respect to the input,
 * with the input's shape. The returned tensor may be reused by the next {@code backward} of the same
 * shape; copy it to keep it. Not thread-safe.
 */
public interface Loss {
    /**
     * Mean loss of a batch of scores against integer class labels.
     *
     * @param input  [N, C] scores (logits)
     * @param labels N class indices in [0, C)
     * @return the loss averaged over the N items
     * @throws IllegalArgumentException if the input is not [N, C] with N, C ≥ 1 or a label is outside [0, C)
     */
    float forward(Tensor input, int[] labels);

    /**
     * dInput of the mean loss from the last {@link #forward}; [N, C].
     *
     * @return dInput, the input's shape; reused by the next backward of that shape
     * @throws IllegalStateException if called before {@link #forward}
     */
    Tensor backward();

    /**
     * Short description, e.g. {@code CrossEntropyLoss(label_smoothing=0.1)}.
     *
     * @return the loss's name and the settings that differ from the defaults
     */
    String describe();
}
