package org.conv4j.kernels.norm;

/**
 * The order of conv4j's double-precision sums over a channel of an [N, C, S] tensor (batch norm's
 * statistics and gradient sums): rows of n values, one per image, each row's element j added to running sum
 * j mod 8, rows in order; the eight sums are then folded in halves, (s0 + s4), (s1 + s5), … and so on down
 * to one. Written down so that the scalar reference and the vector kernels, at any vector width, give the
 * same bits; eight independent chains also run at the adder's throughput rather than its latency.
 */
final class LaneSum {
    /** The number of running sums. */
    static final int LANES = 8;

    private LaneSum() {}

    /** Folds the eight running sums in {@code s} (overwritten) in halves and returns the total. */
    static double fold(double[] s) {
        for (int half = LANES / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) s[i] += s[i + half];
        }
        return s[0];
    }
}
