package org.conv4j.train;

import java.util.List;

/**
 * What a finished run gave.
 *
 * @param epochs      every epoch's metrics, resumed ones included
 * @param stoppedEarly true when early stopping ended the run before its last epoch
 * @param steps       optimizer steps taken in all
 */
public record TrainResult(List<EpochMetrics> epochs, boolean stoppedEarly, long steps) {
    public EpochMetrics last() { return epochs.get(epochs.size() - 1); }
}
