package org.conv4j.train;

import org.conv4j.data.Dataset;
import org.conv4j.model.Model;

/**
 * Hooks into a {@link Trainer} run (reports, live plots). Called on the training thread; keep them quick.
 * All methods have empty defaults.
 */
public interface TrainListener {
    /** After each optimizer step: 1-based global step, epoch (1-based), that batch's mean loss and the lr used. */
    default void onStep(long step, int epoch, float loss, double lr) {}

    /**
     * After each epoch's pass over the test set, before {@link #onEpoch}: the test set and the evaluation,
     * whose {@code predictions} give each test image's top-1 class (the run report's confusion matrix).
     */
    default void onTest(int epoch, Dataset test, Evaluation evaluation, Model model) {}

    /** After each epoch's evaluation and its metrics.csv row. */
    default void onEpoch(EpochMetrics metrics, Model model) {}

    /** After training ends normally (the final model is written). */
    default void onEnd(Model model, TrainResult result) {}
}
