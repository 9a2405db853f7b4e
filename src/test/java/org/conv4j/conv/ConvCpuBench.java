package org.conv4j.conv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.conv4j.bench.ConvShape;
import org.conv4j.kernels.Parallel;
import org.conv4j.util.Rng;

/**
 * Per-core cost of each convolution algorithm on the standard shapes: per-thread CPU time on one thread
 * (not wall time, which this shared machine makes noisy), best of 5 rounds of 3 calls after 3 warm-up
 * calls. Prints forward, backward with dX, and backward without dX (a first layer), in ms.
 *
 * <pre>mvn -q -o test-compile && java --add-modules jdk.incubator.vector \
 *   -cp target/classes:target/test-classes org.conv4j.conv.ConvCpuBench</pre>
 */
public final class ConvCpuBench {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        Parallel.setThreads(1);
        System.out.println("shape\talgorithm\tfwd_ms\tbwd_ms\tbwd_no_dx_ms\tfwdbwd_gflops");
        for (ConvShape s : ConvShape.defaults()) {
            Conv2dConfig c = Conv2dConfig.of(s.c(), s.f(), s.k()).withStride(s.stride()).withPadding(s.pad());
            ConvGeometry g = c.geometry(s.h(), s.w());
            Rng rng = new Rng(1);
            float[] x = gauss(rng, s.n() * s.c() * s.h() * s.w());
            float[] w = gauss(rng, s.f() * s.c() * s.k() * s.k()), b = gauss(rng, s.f());
            float[] out = new float[s.n() * s.f() * g.outH() * g.outW()], dOut = gauss(rng, out.length);
            float[] dX = new float[x.length], dW = new float[w.length], dB = new float[s.f()];
            Workspace ws = new Workspace();
            double flops = 2.0 * s.n() * s.f() * g.outH() * g.outW() * s.c() * s.k() * s.k() * 3;
            for (String algo : new String[] {"im2col", "direct"}) {
                boolean direct = algo.equals("direct");
                if (direct && !DirectConv.supports(c, g)) continue;
                double fwd = best(() -> {
                    if (direct) DirectConv.forward(c, g, s.n(), x, w, b, out, ws);
                    else Im2colConv.forward(c, g, s.n(), x, w, b, out, ws);
                });
                double bwd = best(() -> {
                    if (direct) DirectConv.backward(c, g, s.n(), x, w, dOut, dX, dW, dB, ws);
                    else Im2colConv.backward(c, g, s.n(), x, w, dOut, dX, dW, dB, ws);
                });
                double bwdNoDx = best(() -> {
                    if (direct) DirectConv.backward(c, g, s.n(), x, w, dOut, null, dW, dB, ws);
                    else Im2colConv.backward(c, g, s.n(), x, w, dOut, null, dW, dB, ws);
                });
                System.out.printf("%s\t%s\t%.2f\t%.2f\t%.2f\t%.1f%n", s.name(), algo, fwd, bwd, bwdNoDx,
                        flops / ((fwd + bwd) * 1e6));
            }
        }
    }

    private static double best(Runnable r) {
        for (int i = 0; i < 3; i++) r.run();
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
