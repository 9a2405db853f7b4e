package org.conv4j.bench;

/** Best-of-N wall-clock timing, shaped like torch_conv_bench.py's {@code best()}. */
public final class Timing {
    private Timing() {}

    /**
     * Least time spent warming up. A count alone is not enough: C2 compiles the big vector kernels in the
     * background, and until it has, a call runs several times slower (seen: a Winograd forward timed at
     * 16.6 ms after two warm-up calls, 3 ms once compiled).
     */
    static final double WARMUP_SECONDS = 0.5;

    /**
     * Runs {@code body} untimed at least {@code warmup} times and for at least {@link #WARMUP_SECONDS}, then
     * {@code reps} timed rounds of {@code inner} calls, and returns the best round's seconds per call.
     */
    public static double best(Runnable body, int warmup, int reps, int inner) {
        warmUp(body, warmup);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / inner);
        }
        return best;
    }

    /** Runs {@code body} untimed at least {@code calls} times and for at least {@link #WARMUP_SECONDS}. */
    public static void warmUp(Runnable body, int calls) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < calls || System.nanoTime() - warmStart < WARMUP_SECONDS * 1e9; i++) body.run();
    }
}
