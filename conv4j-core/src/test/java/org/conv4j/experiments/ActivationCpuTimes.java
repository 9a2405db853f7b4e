package org.conv4j.experiments;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;
import org.conv4j.activation.GELU;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;

/**
 * Forward + backward of ReLU, Sigmoid, Tanh and GELU on [64,32,28,28], one thread, in milliseconds of the
 * thread's CPU time: the best of 7 rounds of 10 calls after 50 warm-up calls. Beside
 * experiments/torch_activation_cpu.py (the same in PyTorch with {@code time.process_time}), for a host too
 * busy for wall-clock comparisons (time-slicing does not inflate CPU time). Not a test; run by hand:
 *
 * <pre>experiments/run-java.sh org.conv4j.experiments.ActivationCpuTimes</pre>
 * or, both sides at both vector widths with the ratios, {@code experiments/activation_cpu_sitting.sh OUT_DIR}.
 */
public final class ActivationCpuTimes {
    public static void main(String[] args) {
        Parallel.setThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        Tensor x = new Tensor(64, 32, 28, 28), dOut = new Tensor(64, 32, 28, 28);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextGaussian();
            dOut.data()[i] = (float) r.nextGaussian();
        }
        for (Layer l : new Layer[] {new ReLU(), new Sigmoid(), new Tanh(), new GELU()}) {
            for (int i = 0; i < 50; i++) {
                l.forward(x);
                l.backward(dOut);
            }
            double best = Double.MAX_VALUE;
            for (int k = 0; k < 7; k++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < 10; i++) {
                    l.forward(x);
                    l.backward(dOut);
                }
                best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / 10 / 1e6);
            }
            System.out.printf(Locale.ROOT, "%s\t%.3f%n", l.describe(), best);
        }
    }
}
