package org.conv4j.spark;

import java.util.Locale;

/**
 * Where one synchronous step's time went, in nanoseconds: {@code compute} is the slowest task's batch
 * building, forward and backward; {@code communication} the broadcast's creation, the slowest task's wait for
 * the weights and the driver's fold and update; {@code scheduling} the rest of the step's wall time (job
 * submission, task launch, result transfer).
 *
 * @param bytesDown weights sent to each partition
 * @param bytesUp   gradient bytes sent back per partition, on average
 */
public record StepTimes(long step, long total, long compute, long communication, long bytesDown, long bytesUp) {
    public static final String CSV_HEADER = "step,seconds,compute_s,communication_s,scheduling_s,bytes_down,bytes_up";

    public long scheduling() { return Math.max(0, total - compute - communication); }

    public String csvRow() {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%d,%d", step, total / 1e9, compute / 1e9, communication / 1e9,
                scheduling() / 1e9, bytesDown, bytesUp);
    }
}
