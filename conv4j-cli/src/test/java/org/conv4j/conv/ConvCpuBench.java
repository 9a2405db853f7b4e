package org.conv4j.conv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.conv4j.bench.ConvShape;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.conv.Im2colConv;
import org.conv4j.kernels.conv.Workspace;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;

/**
 * Per-core cost of each convolution algorithm on the standard shapes: per-thread CPU time on one thread
 * (not wall time, which this shared machine makes noisy), best of 5 rounds of 3 calls after 3 warm-up
 * calls. Prints forward, backward with dX, and backward without dX (a first layer), in ms. Winograd's
 * backward without dX is VectorWinogradWeightGrad's dW where that pays. {@code -Dbench.shapes=fmnist-c2,res-c128} and
 * {@code -Dbench.algos=direct,winograd} narrow the run; {@code -Dbench.passes=2} times everything twice
 * and prints the second pass (on a loaded machine the JIT may not have finished the first algorithm); {@code -Dbench.file=shapes.tsv} reads other shapes.
 *
 * <pre>mvn -q -o test-compile && java --add-modules jdk.incubator.vector \
 *   -cp target/classes:target/test-classes org.conv4j.conv.ConvCpuBench</pre>
 */
public final class ConvCpuBench {
    /** The algorithms to time, in order; {@code -Dbench.algos=direct,winograd} picks some. */
    private static final String[] ALGORITHMS = System.getProperty("bench.algos", "im2col,direct,winograd").split(",");
    /** Warm-up calls before timing (-Dbench.warmup): raise it when a loaded machine starves the JIT. */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 3);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws java.io.IOException {
        Parallel.setThreads(1);
        System.out.println("shape\talgorithm\tfwd_ms\tbwd_ms\tbwd_no_dx_ms\tfwdbwd_gflops");
        String only = System.getProperty("bench.shapes", "");
        String file = System.getProperty("bench.file", "");
        int passes = Integer.getInteger("bench.passes", 1);
        for (int pass = 1; pass <= passes; pass++) {
            boolean print = pass == passes;   // earlier passes only warm every algorithm up
            for (ConvShape s : file.isEmpty() ? ConvShape.defaults() : ConvShape.read(java.nio.file.Path.of(file))) {
                if (!only.isEmpty() && !java.util.Arrays.asList(only.split(",")).contains(s.name())) continue;
                Conv2dConfig c = Conv2dConfig.of(s.c(), s.f(), s.k()).withStride(s.stride()).withPadding(s.pad());
                WindowGeometry g = c.geometry(s.h(), s.w());
                Rng rng = new Rng(1);
                float[] x = gauss(rng, s.n() * s.c() * s.h() * s.w());
                float[] w = gauss(rng, s.f() * s.c() * s.k() * s.k()), b = gauss(rng, s.f());
                float[] out = new float[s.n() * s.f() * g.outH() * g.outW()], dOut = gauss(rng, out.length);
                float[] dX = new float[x.length], dW = new float[w.length], dB = new float[s.f()];
                Workspace ws = new Workspace();
                double flops = 2.0 * s.n() * s.f() * g.outH() * g.outW() * s.c() * s.k() * s.k() * 3;
                for (String algo : ALGORITHMS) {
                    if (algo.equals("direct") && !ConvAlgorithm.direct(c, g)) continue;
                    if (algo.equals("winograd") && !ConvAlgorithm.winograd(c, g)) continue;
                    double fwd = best(() -> {
                        switch (algo) {
                            case "direct" -> Kernels.conv().directForward(c.channels(), g, s.n(), x, w, b, out, ws);
                            case "winograd" -> Kernels.conv().winogradForward(c.channels(), g, s.n(), x, w, b, out, ws);
                            default -> Im2colConv.forward(c.channels(), g, s.n(), x, w, b, out, ws);
                        }
                    });
                    double bwd = best(() -> backward(algo, c, g, s.n(), x, w, dOut, dX, dW, dB, ws));
                    double bwdNoDx = best(() -> backward(algo, c, g, s.n(), x, w, dOut, null, dW, dB, ws));
                    if (print) System.out.printf("%s\t%s\t%.2f\t%.2f\t%.2f\t%.1f%n", s.name(), algo, fwd, bwd, bwdNoDx,
                            flops / ((fwd + bwd) * 1e6));
                }
            }
        }
    }

    private static void backward(String algo, Conv2dConfig c, WindowGeometry g, int n, float[] x, float[] w,
                                 float[] dOut, float[] dX, float[] dW, float[] dB, Workspace ws) {
        switch (algo) {
            case "direct" -> Kernels.conv().directBackward(c.channels(), g, n, x, w, dOut, dX, dW, dB, ws);
            case "winograd" -> {
                String before = ConvAlgorithm.force("winograd");
                try {
                    ConvAlgorithm.backward(c, g, n, x, w, dOut, dX, dW, dB, ws);
                } finally {
                    ConvAlgorithm.force(before);
                }
            }
            default -> Im2colConv.backward(c.channels(), g, n, x, w, dOut, dX, dW, dB, ws);
        }
    }

    private static double best(Runnable r) {
        for (int i = 0; i < WARMUP; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 3; i++) r.run();
            best = Math.min(best, (CPU.getCurrentThreadCpuTime() - t) / 3e6);
        }
        return best;
    }

    private static float[] gauss(Rng rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
