package org.conv4j.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Locale;
import org.conv4j.model.Model;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Serving latency of a model: {@link Model#logits} (its normalisation, then the network's {@code infer}) on one
 * batch of uniform random pixels in [0, 1) from {@code new Rng(seed)}, called {@code warmup} times untimed (and for
 * at least {@link Timing#WARMUP_SECONDS}), then {@code calls} times, each call timed alone. The best and the median
 * call are reported, and images per second at the median. Peak heap is the sum of the heap pools' peak usage over
 * the timed calls, after a GC and a reset of the peaks: an upper bound on the live heap a call needs.
 */
public final class LatencyBench {
    private LatencyBench() {}

    /** One batch size's figures. */
    public record Result(int batch, int calls, double bestMs, double medianMs, double imagesPerSecond, long peakHeapBytes) {
        public static final String HEADER = "model\tbatch\tcalls\tbest_ms\tmedian_ms\timages_per_s\tpeak_heap_mb";

        public String row(String model) {
            return String.format(Locale.ROOT, "%s\t%d\t%d\t%.3f\t%.3f\t%.1f\t%.1f", model, batch, calls, bestMs, medianMs,
                    imagesPerSecond, peakHeapBytes / 1048576.0);
        }
    }

    /** A batch of {@code n} items of {@code model}'s input shape, uniform in [0, 1), drawn from {@code new Rng(seed)}. */
    public static Tensor input(Model model, int n, long seed) {
        int[] in = model.spec().input();
        Tensor x = new Tensor(n, in[0], in[1], in[2]);
        Rng rng = new Rng(seed);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat();
        return x;
    }

    /** Times {@code model} at {@code batch}. */
    public static Result run(Model model, int batch, int warmup, int calls, long seed) {
        if (batch < 1 || calls < 1 || warmup < 0) throw new IllegalArgumentException("batch and calls must be at least 1, warm-up at least 0");
        Tensor x = input(model, batch, seed);
        model.network().setTraining(false);
        model.prepareInference();
        Timing.warmUp(() -> model.logits(x), warmup);
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            model.logits(x);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        Arrays.sort(ms);
        double median = calls % 2 == 1 ? ms[calls / 2] : (ms[calls / 2 - 1] + ms[calls / 2]) / 2;
        return new Result(batch, calls, ms[0], median, batch * 1000.0 / median, peak);
    }

    /** Runs every batch size and prints a header and one row each. */
    public static void run(PrintStream out, String name, Model model, int[] batches, int warmup, int calls, long seed) {
        out.println(Result.HEADER);
        for (int b : batches) {
            out.println(run(model, b, warmup, calls, seed).row(name));
            out.flush();
        }
    }
}
