package org.conv4j.experiments;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleUnaryOperator;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.activation.ActivationKernels;
import org.conv4j.kernels.activation.ActivationReference;

/**
 * The smooth activations' error over every float: walks all 2³² bit patterns through the kernels
 * {@link Kernels#activation()} picked (the Vector API's, or the scalar reference under
 * {@code -Dconv4j.kernels=scalar}) and prints, per function, the largest error in ulps against the
 * double-precision definition in {@link ActivationReference}, the input where it occurs, and how many
 * results are more than one ulp off. The derivatives are the kernels' slope outputs. Not a test (minutes per
 * function on two cores); docs/kernels.md records its output. Run by hand:
 *
 * <pre>experiments/run-java.sh org.conv4j.experiments.ActivationUlps [THREADS [STRIDE [FUNCTION...]]]</pre>
 * (default 2 threads, stride 1 = every float; a stride of 101 samples every 101st for a quick look;
 * functions: sigmoid, sigmoid', tanh, tanh', gelu, gelu')
 */
public final class ActivationUlps {
    /** One function: its name, the kernel call over a block, and the double reference. */
    private interface Block {
        void run(ActivationKernels k, int n, float[] x, float[] ones, float[] y, float[] scratch);
    }

    private record Fn(String name, Block block, DoubleUnaryOperator ref) {}

    private static final Fn[] FNS = {
        new Fn("sigmoid", (k, n, x, ones, y, s) -> k.sigmoidForward(n, x, 0, y, s, 0), ActivationReference::sigmoid),
        new Fn("sigmoid'", (k, n, x, ones, y, s) -> k.sigmoidForward(n, x, 0, s, y, 0), ActivationReference::sigmoidDerivative),
        new Fn("tanh", (k, n, x, ones, y, s) -> k.tanhForward(n, x, 0, y, s, 0), Math::tanh),
        new Fn("tanh'", (k, n, x, ones, y, s) -> k.tanhForward(n, x, 0, s, y, 0), ActivationReference::tanhDerivative),
        new Fn("gelu", (k, n, x, ones, y, s) -> k.geluForward(n, x, 0, y, s, 0), ActivationReference::gelu),
        new Fn("gelu'", (k, n, x, ones, y, s) -> k.geluForward(n, x, 0, s, y, 0), ActivationReference::geluDerivative),
    };

    private static final int BLOCK = 1 << 16;

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int stride = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        ActivationKernels kernels = Kernels.activation();
        System.out.println("kernels " + kernels.name() + ", stride " + stride);
        System.out.println("function\tmax_ulp\tat_x\tbeyond_1ulp\tseconds");
        for (Fn fn : FNS) {
            if (args.length > 2 && !java.util.Arrays.asList(args).subList(2, args.length).contains(fn.name())) continue;
            long t0 = System.nanoTime();
            double[] worst = new double[threads];
            float[] worstX = new float[threads];
            long[] beyond = new long[threads];
            AtomicInteger nextBlock = new AtomicInteger();
            int blocks = (int) ((1L << 32) / BLOCK);
            Thread[] pool = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool[t] = new Thread(() -> {
                    float[] x = new float[BLOCK], y = new float[BLOCK], s = new float[BLOCK], ones = new float[BLOCK];
                    java.util.Arrays.fill(ones, 1f);
                    for (int b; (b = nextBlock.getAndIncrement()) < blocks; ) {
                        int n = 0;
                        long base = (long) b * BLOCK;
                        for (long i = (base + stride - 1) / stride * stride; i < base + BLOCK; i += stride) x[n++] = Float.intBitsToFloat((int) i);
                        fn.block().run(kernels, n, x, ones, y, s);
                        for (int i = 0; i < n; i++) {
                            double e = ActivationReference.ulps(y[i], fn.ref().applyAsDouble(x[i]));
                            if (e > 1) beyond[id]++;
                            if (e > worst[id]) {
                                worst[id] = e;
                                worstX[id] = x[i];
                            }
                        }
                    }
                });
                pool[t].start();
            }
            double w = 0;
            float wx = Float.NaN;
            long over = 0;
            for (int t = 0; t < threads; t++) {
                pool[t].join();
                over += beyond[t];
                if (worst[t] > w) {
                    w = worst[t];
                    wx = worstX[t];
                }
            }
            System.out.printf(Locale.ROOT, "%s\t%.4f\t%s\t%d\t%.0f%n", fn.name(), w, Float.toString(wx), over, (System.nanoTime() - t0) / 1e9);
        }
    }
}
