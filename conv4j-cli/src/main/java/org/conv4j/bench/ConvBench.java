package org.conv4j.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Conv2d forward and forward+backward timings per shape, in the columns of
 * ../shared/bench/torch_conv_bench.py: warm-up calls (at least two and 0.5 s, so the JIT has compiled the
 * kernels), then the best of 5 rounds of 3 calls each.
 * Forward+backward also zeroes the parameter gradients and computes dX, as the torch script does.
 *
 * <p>{@link #runAll} warms every shape up before it times any: the kernels are shared between shapes, and
 * C2 recompiles them when a later shape takes a branch an earlier one never did, so the first shape timed
 * in a fresh JVM measured up to 2× slower than the same shape timed again after the others (fmnist-c1,
 * 6.2 → 3.3 ms forward+backward), however long its own warm-up was. Each shape is then timed on a layer
 * and tensors of its own, allocated just before.
 */
public final class ConvBench {
    public static final String HEADER = "shape\tfwd_ms\tfwd_gflops\tfwdbwd_ms\tfwdbwd_gflops";
    /** Columns of the 1 → T threads table; T is the thread count under test. */
    public static final String SCALING_HEADER = "shape\tthreads\tfwdbwd_ms_1\tfwdbwd_ms_T\tspeedup";
    /** Rounds per side of the 1 → T threads table. */
    public static final int SCALING_ROUNDS = 5;

    private ConvBench() {}

    /** Seconds per forward and per forward+backward. */
    public record Result(ConvShape shape, double fwdSeconds, double fwdBwdSeconds) {
        public String row() {
            double flops = shape.forwardFlops();
            return String.format("%s\t%.2f\t%.1f\t%.2f\t%.1f", shape.name(), fwdSeconds * 1e3, flops / fwdSeconds / 1e9,
                    fwdBwdSeconds * 1e3, 3 * flops / fwdBwdSeconds / 1e9);
        }
    }

    /** Forward+backward seconds per call on one thread and on {@code threads}, timed in alternating rounds. */
    public record Scaling(ConvShape shape, int threads, double oneThreadSeconds, double threadsSeconds) {
        public double speedup() { return oneThreadSeconds / threadsSeconds; }

        public String row() {
            return String.format("%s\t%d\t%.2f\t%.2f\t%.2f", shape.name(), threads, oneThreadSeconds * 1e3,
                    threadsSeconds * 1e3, speedup());
        }
    }

    /** One shape's layer and data, and the two calls that are timed. */
    private static final class Case {
        final ConvShape shape;
        final Conv2d conv;
        final Runnable forward, forwardBackward;

        Case(ConvShape s) {
            this.shape = s;
            Rng rng = new Rng(1234);
            this.conv = new Conv2d(Conv2dConfig.of(s.c(), s.f(), s.k()).withStride(s.stride()).withPadding(s.pad()), rng);
            Tensor x = new Tensor(s.n(), s.c(), s.h(), s.w());
            Tensor dOut = new Tensor(s.n(), s.f(), s.outH(), s.outW());
            gaussian(rng, x.data());
            gaussian(rng, dOut.data());
            this.forward = () -> conv.forward(x);
            this.forwardBackward = () -> {
                for (Param p : conv.params()) Arrays.fill(p.grad().data(), 0f);
                conv.forward(x);
                conv.backward(dOut);
            };
        }

        void warmUp(int calls) {
            conv.setTraining(false);
            Timing.warmUp(forward, calls);
            conv.setTraining(true);
            Timing.warmUp(forwardBackward, calls);
        }

        Result time(int warmup, int reps, int inner) {
            conv.setTraining(false);
            double fwd = Timing.best(forward, warmup, reps, inner);
            conv.setTraining(true);
            double fwdBwd = Timing.best(forwardBackward, warmup, reps, inner);
            return new Result(shape, fwd, fwdBwd);
        }

        /**
         * Rounds alternate between one thread and {@code threads}; a round warms up at its thread count (the
         * pool is new), then times {@code inner} calls, and each side keeps its best round's time per call.
         * So a slow stretch of a shared host hits both sides alike instead of one whole run.
         */
        Scaling scaling(int threads, int rounds, int inner) {
            conv.setTraining(true);
            double one = Double.MAX_VALUE, many = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                for (int t : new int[] {1, threads}) {
                    Parallel.setThreads(t);
                    double s = Timing.best(forwardBackward, r == 0 ? 2 : 1, 1, inner);
                    if (t == 1) one = Math.min(one, s);
                    else many = Math.min(many, s);
                }
            }
            return new Scaling(shape, threads, one, many);
        }
    }

    /** Times one shape on its own (its warm-up only; see the class comment for why runAll does more). */
    public static Result run(ConvShape s, int warmup, int reps, int inner) {
        return new Case(s).time(warmup, reps, inner);
    }

    /** Warms every shape up, then times each and prints its row. */
    public static void runAll(List<ConvShape> shapes, PrintStream out) {
        for (ConvShape s : shapes) new Case(s).warmUp(2);
        out.println(HEADER);
        for (ConvShape s : shapes) {
            out.println(new Case(s).time(2, 5, 3).row());
            out.flush();
        }
    }

    /**
     * Prints, per shape, forward+backward on one thread and on {@code threads}, and the speed-up, measured in
     * one JVM in {@link #SCALING_ROUNDS} alternating rounds of 3 calls. Leaves the pool at {@code threads}.
     */
    public static void runScaling(List<ConvShape> shapes, int threads, PrintStream out) {
        if (threads < 2) throw new IllegalArgumentException("a 1 -> T threads speed-up needs T of at least 2, got " + threads);
        out.println(SCALING_HEADER);
        try {
            for (ConvShape s : shapes) {
                out.println(new Case(s).scaling(threads, SCALING_ROUNDS, 3).row());
                out.flush();
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static void gaussian(Rng rng, float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
    }
}
