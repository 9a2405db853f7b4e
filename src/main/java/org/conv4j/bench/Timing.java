package org.conv4j.bench;

/** Best-of-N wall-clock timing, shaped like torch_conv_bench.py's {@code best()}. */
public final class Timing {
    private Timing() {}

    /**
     * Runs {@code body} {@code warmup} times untimed, then {@code reps} timed rounds of {@code inner} calls,
     * and returns the best round's seconds per call.
     */
    public static double best(Runnable body, int warmup, int reps, int inner) {
        for (int i = 0; i < warmup; i++) body.run();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / inner);
        }
        return best;
    }
}
