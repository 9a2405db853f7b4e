package org.conv4j.train;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.conv4j.data.Datasets;
import org.conv4j.data.TrainTest;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.Zoo;

/**
 * Per-step cost of the reference CNN's training step, measured inside {@link Trainer#fit} (the CLI's own
 * loop: data loader, forward, loss, backward, checks, Adam) on full Fashion-MNIST, batch 64: process CPU
 * (all threads, user + system) and wall time per step over steps FROM..TO, after FROM warm-up steps, and the
 * bytes allocated per step. Not a test; run by hand (see BENCHMARKS.md):
 *
 * <pre>"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC \
 *   -cp "target/classes:target/test-classes:target/lib/*" org.conv4j.train.TrainStepBench THREADS [TO] [FROM]</pre>
 * with 0 ≤ FROM &lt; TO ≤ 938 (one epoch's steps), defaults 900 and 200.
 */
public final class TrainStepBench {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int to = args.length > 1 ? Integer.parseInt(args[1]) : 900;
        int from = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        if (from < 0 || from >= to || to > 938) {
            throw new IllegalArgumentException("TrainStepBench THREADS [TO] [FROM]: needs 0 <= FROM < TO <= 938 (one epoch's steps),"
                    + " got TO " + to + ", FROM " + from);
        }
        Parallel.setThreads(threads);
        TrainTest data = Datasets.fashionMnist(Datasets.DEBIAN_FASHION_MNIST);
        Model model = Zoo.spec("reference").build(0);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean tb = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] at = new long[6]; // cpu0, wall0, alloc0, cpu1, wall1, alloc1
        Trainer trainer = new Trainer(model, TrainConfig.defaults().withEpochs(1));
        trainer.addListener(new TrainListener() {
            @Override
            public void onStep(long step, int epoch, float loss, double lr) {
                if (step == from) {
                    at[0] = os.getProcessCpuTime();
                    at[1] = System.nanoTime();
                    at[2] = tb.getTotalThreadAllocatedBytes();
                } else if (step == to) {
                    at[3] = os.getProcessCpuTime();
                    at[4] = System.nanoTime();
                    at[5] = tb.getTotalThreadAllocatedBytes();
                    trainer.requestStop();
                }
            }
        });
        trainer.fit(data.train(), null);
        int steps = to - from;
        System.out.printf(Locale.ROOT, "%d threads, steps %d..%d: %.2f ms CPU/step, %.2f ms wall/step, %.2f MB allocated/step"
                        + " (%.1f s CPU per 938-step epoch)%n", threads, from, to, (at[3] - at[0]) / 1e6 / steps,
                (at[4] - at[1]) / 1e6 / steps, (at[5] - at[2]) / 1e6 / steps, (at[3] - at[0]) / 1e9 / steps * 938);
    }
}
