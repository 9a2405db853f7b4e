package org.conv4j.model;

import java.util.Objects;

/**
 * One class a {@link Model} gives an image, from {@link Model#classify}.
 *
 * @param classIndex  the class's index in {@code [0, classes)}: the network's output position
 * @param label       the spec's name for the class, or the index as text when the spec names none
 * @param probability the softmax of the logits at {@code classIndex}, as {@link Model#predict} computes it
 */
public record Prediction(int classIndex, String label, float probability) {
    /**
     * Validates the prediction.
     *
     * @throws IllegalArgumentException if {@code classIndex} is negative
     * @throws NullPointerException     if {@code label} is null
     */
    public Prediction {
        if (classIndex < 0) throw new IllegalArgumentException("Prediction: class index must be >= 0, got " + classIndex);
        Objects.requireNonNull(label, "label");
    }
}
