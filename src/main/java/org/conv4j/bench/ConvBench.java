package org.conv4j.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Conv2d forward and forward+backward timings per shape, in the columns of
 * ../shared/bench/torch_conv_bench.py: warm-up calls (at least two and 0.5 s, so the JIT has compiled the
 * kernels), then the best of 5 rounds of 3 calls each.
 * Forward+backward also zeroes the parameter gradients and computes dX, as the torch script does.
 */
public final class ConvBench {
    public static final String HEADER = "shape\tfwd_ms\tfwd_gflops\tfwdbwd_ms\tfwdbwd_gflops";

    private ConvBench() {}

    /** Seconds per forward and per forward+backward. */
    public record Result(ConvShape shape, double fwdSeconds, double fwdBwdSeconds) {
        public String row() {
            double flops = shape.forwardFlops();
            return String.format("%s\t%.2f\t%.1f\t%.2f\t%.1f", shape.name(), fwdSeconds * 1e3, flops / fwdSeconds / 1e9,
                    fwdBwdSeconds * 1e3, 3 * flops / fwdBwdSeconds / 1e9);
        }
    }

    public static Result run(ConvShape s, int warmup, int reps, int inner) {
        Rng rng = new Rng(1234);
        Conv2d conv = new Conv2d(Conv2dConfig.of(s.c(), s.f(), s.k()).withStride(s.stride()).withPadding(s.pad()), rng);
        Tensor x = new Tensor(s.n(), s.c(), s.h(), s.w());
        Tensor dOut = new Tensor(s.n(), s.f(), s.outH(), s.outW());
        gaussian(rng, x.data());
        gaussian(rng, dOut.data());
        conv.setTraining(false);
        double fwd = Timing.best(() -> conv.forward(x), warmup, reps, inner);
        conv.setTraining(true);
        double fwdBwd = Timing.best(() -> {
            for (Param p : conv.params()) Arrays.fill(p.grad().data(), 0f);
            conv.forward(x);
            conv.backward(dOut);
        }, warmup, reps, inner);
        return new Result(s, fwd, fwdBwd);
    }

    public static void runAll(List<ConvShape> shapes, PrintStream out) {
        out.println(HEADER);
        for (ConvShape s : shapes) {
            out.println(run(s, 2, 5, 3).row());
            out.flush();
        }
    }

    private static void gaussian(Rng rng, float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
    }
}
