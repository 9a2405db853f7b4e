package org.conv4j.report;

import java.util.Arrays;

/**
 * Training loss averaged over every {@code every} batches: the "loss per N batches" curve. The trainer
 * calls {@link #record} once per batch; a point is added each time {@code every} batches have been
 * seen, at x = the number of batches so far. Not thread-safe.
 */
public final class BatchLossSeries {
    private final int every;
    private double sum;
    private int inWindow;
    private long batches;
    private double[] x = new double[64], y = new double[64];
    private int points;

    /**
     * An empty series.
     *
     * @param every the number of batches averaged into each point, at least 1
     * @throws IllegalArgumentException if {@code every} is below 1
     */
    public BatchLossSeries(int every) {
        if (every < 1) throw new IllegalArgumentException("batch-loss window must be at least 1 batch, got " + every);
        this.every = every;
    }

    /** {@return the number of batches averaged into each point} */
    public int every() { return every; }

    /**
     * Adds one batch's loss; completes a point every {@link #every()} batches.
     *
     * @param loss the batch's mean loss
     */
    public void record(double loss) {
        sum += loss;
        inWindow++;
        batches++;
        if (inWindow == every) {
            if (points == x.length) {
                x = Arrays.copyOf(x, 2 * points);
                y = Arrays.copyOf(y, 2 * points);
            }
            x[points] = batches;
            y[points] = sum / every;
            points++;
            sum = 0;
            inWindow = 0;
        }
    }

    /**
     * Batches seen so far.
     *
     * @return the number of {@link #record} calls
     */
    public long batches() { return batches; }

    /**
     * Batch counts at which points were taken (a copy).
     *
     * @return a new array, one entry per point
     */
    public double[] xs() { return Arrays.copyOf(x, points); }

    /**
     * Mean loss of each window (a copy).
     *
     * @return a new array, one entry per point
     */
    public double[] ys() { return Arrays.copyOf(y, points); }
}
