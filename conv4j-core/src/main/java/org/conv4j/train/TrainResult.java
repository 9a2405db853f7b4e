package org.conv4j.train;

import java.util.List;

/**
 * What a finished run gave.
 *
 * @param epochs       every epoch's metrics, resumed ones included (empty when stopped in the first epoch)
 * @param stoppedEarly true when early stopping ended the run before its last epoch
 * @param interrupted  true when {@link Trainer#requestStop} ended the run at a step boundary: no final model
 *                     was written; the run folder's checkpoint (if there is a run folder) continues it exactly
 * @param steps        optimizer steps taken in all
 */
public record TrainResult(List<EpochMetrics> epochs, boolean stoppedEarly, boolean interrupted, long steps) {
    /** {@return the last finished epoch's metrics; fails if no epoch finished} */
    public EpochMetrics last() { return epochs.get(epochs.size() - 1); }
}
