package org.conv4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;

/**
 * Where a training run stands between two steps, apart from the objects that hold their own state (weights
 * and layer state in the model, optimizer slots, the data loader's position): the {@link Trainer} advances
 * it step by step and a {@link Checkpoint} stores it. A new piece of run state is a component here, with its
 * JSON key in {@link #writeJson} and {@link #fromJson}, and nowhere else.
 *
 * @param epochsDone finished epochs (the epoch in progress is {@code epochsDone + 1}, 1-based)
 * @param globalStep optimizer steps taken
 * @param totals     sums over the epoch in progress so far
 * @param elapsed    training seconds spent in the epoch in progress so far
 * @param bestLoss   the best monitored loss for early stopping (+∞ before one)
 * @param badEpochs  epochs since the monitored loss last improved
 * @param history    the metrics of the finished epochs
 * @param trainSize  images trained on per epoch (after the validation split), to check a resume's data
 * @param valSize    images held out for validation
 */
public record TrainingState(int epochsDone, long globalStep, EpochTotals totals, double elapsed, double bestLoss,
                            int badEpochs, List<EpochMetrics> history, int trainSize, int valSize) {
    /** Copies {@code history}. */
    public TrainingState {
        history = List.copyOf(history);
    }

    /**
     * {@return a run that has not taken a step, on data of these sizes}
     *
     * @param trainSize images trained on per epoch
     * @param valSize   images held out for validation
     */
    public static TrainingState start(int trainSize, int valSize) {
        return new TrainingState(0, 0, EpochTotals.ZERO, 0, Double.POSITIVE_INFINITY, 0, List.of(), trainSize, valSize);
    }

    /**
     * {@return the state after one more step whose batch gave {@code r}}
     *
     * @param r the batch's result
     */
    public TrainingState afterStep(Gradients.Result r) {
        return new TrainingState(epochsDone, globalStep + 1, totals.plus(r), elapsed, bestLoss, badEpochs, history, trainSize, valSize);
    }

    /**
     * {@return a copy with {@code seconds} spent in the epoch in progress}
     *
     * @param seconds training seconds spent in the epoch so far
     */
    public TrainingState withElapsed(double seconds) {
        return new TrainingState(epochsDone, globalStep, totals, seconds, bestLoss, badEpochs, history, trainSize, valSize);
    }

    /**
     * After the epoch in progress ended with {@code metrics}: the next epoch's start, with early stopping's state
     * moved on by {@code monitored}, the epoch's validation loss (NaN when none is watched).
     *
     * @param metrics   the finished epoch's figures, appended to the history
     * @param monitored the loss early stopping watches, NaN for none
     * @param patience  how many epochs without improvement end training (0: early stopping off, the state stays)
     * @return the next epoch's start; the best loss falls to {@code monitored} when that improves on it,
     *         otherwise the count of epochs without improvement grows by one
     */
    public TrainingState nextEpoch(EpochMetrics metrics, double monitored, int patience) {
        double best = bestLoss;
        int bad = badEpochs;
        if (patience > 0 && !Double.isNaN(monitored)) {
            if (monitored < best) {
                best = monitored;
                bad = 0;
            } else {
                bad++;
            }
        }
        return afterEpoch(metrics, best, bad);
    }

    /**
     * {@return the state after the epoch in progress ended: the next epoch's start}
     *
     * @param metrics   the finished epoch's figures, appended to the history
     * @param bestLoss  the best monitored loss so far
     * @param badEpochs epochs since the monitored loss last improved
     */
    public TrainingState afterEpoch(EpochMetrics metrics, double bestLoss, int badEpochs) {
        List<EpochMetrics> h = new ArrayList<>(history);
        h.add(metrics);
        return new TrainingState(epochsDone + 1, globalStep, EpochTotals.ZERO, 0, bestLoss, badEpochs, h, trainSize, valSize);
    }

    /** Adds this state's keys to a checkpoint's "trainer" JSON object, in the order of format version 1. */
    void writeJson(Map<String, Object> t) {
        t.put("epochs_done", epochsDone);
        t.put("global_step", globalStep);
        t.put("loss_sum", totals.lossSum());
        t.put("correct", totals.correct());
        t.put("top_k", totals.topK());
        t.put("seen", totals.seen());
        t.put("elapsed", elapsed);
        t.put("best_loss", Double.isInfinite(bestLoss) ? null : bestLoss);
        t.put("bad_epochs", badEpochs);
        t.put("train_size", trainSize);
        t.put("val_size", valSize);
        List<Object> h = new ArrayList<>();
        for (EpochMetrics e : history) h.add(e.toJson());
        t.put("history", h);
    }

    /** The state {@link #writeJson} wrote into {@code t}. */
    static TrainingState fromJson(Json.Obj t) throws FormatException {
        List<EpochMetrics> history = new ArrayList<>();
        for (Json.Obj h : t.objects("history")) history.add(EpochMetrics.fromJson(h));
        EpochTotals totals = new EpochTotals(t.number("loss_sum"), t.longValue("correct"), t.longValue("top_k"), t.longValue("seen"));
        double best = t.has("best_loss") ? t.number("best_loss") : Double.POSITIVE_INFINITY;
        return new TrainingState(t.integer("epochs_done"), t.longValue("global_step"), totals, t.number("elapsed"), best,
                t.integer("bad_epochs"), history, t.integer("train_size"), t.integer("val_size"));
    }
}
