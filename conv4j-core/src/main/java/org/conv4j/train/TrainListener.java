package org.conv4j.train;

import org.conv4j.data.Dataset;
import org.conv4j.model.Model;

/**
 * Hooks into a {@link Trainer} run (reports, live plots). Called on the training thread; keep them quick.
 * All methods have empty defaults.
 */
public interface TrainListener {
    /**
     * Called after each optimizer step.
     *
     * @param step  the 1-based global step
     * @param epoch the 1-based epoch
     * @param loss  that batch's mean loss
     * @param lr    the learning rate the step used (the first group's)
     */
    default void onStep(long step, int epoch, float loss, double lr) {}

    /**
     * After each epoch's pass over the test set, before {@link #onEpoch}: the test set and the evaluation,
     * whose {@code predictions} give each test image's top-1 class (the run report's confusion matrix).
     *
     * @param epoch      the 1-based epoch
     * @param test       the test set
     * @param evaluation the model's evaluation on it
     * @param model      the model being trained; do not modify
     */
    default void onTest(int epoch, Dataset test, Evaluation evaluation, Model model) {}

    /**
     * After each epoch's pass over the test set, from a trainer that does not hold the test set itself (Spark's
     * driver, whose executors evaluated it), instead of {@link #onTest}: each test image's label and top-1 class,
     * and the raw pixels of some of the images.
     *
     * @param epoch     the 1-based epoch
     * @param labels    [N] every test image's label, in test-set order
     * @param predicted [N] every test image's top-1 class
     * @param images    raw pixels (C·H·W, as the data set stores them, before normalisation) by test index: at least
     *                  the first {@code org.conv4j.report.TrainingReport.GALLERY_PER_KIND} predicted right and the first
     *                  as many predicted wrong
     * @param itemShape an image's shape, [C, H, W]
     * @param model     the model being trained; do not modify
     */
    default void onTestPredictions(int epoch, int[] labels, int[] predicted, java.util.Map<Integer, float[]> images, int[] itemShape,
                                   Model model) {}

    /**
     * Called after each epoch's evaluation and its metrics.csv row.
     *
     * @param metrics the epoch's figures
     * @param model   the model being trained; do not modify
     */
    default void onEpoch(EpochMetrics metrics, Model model) {}

    /**
     * Called after training ends normally (the final model is written).
     *
     * @param model  the trained model
     * @param result the run's outcome
     */
    default void onEnd(Model model, TrainResult result) {}
}
