package org.conv4j.experiments;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.conv4j.activation.GELU;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.LeakyReluConfig;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.bench.Timing;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Forward and forward + backward times of the layers other than convolution (pooling, activations, batch
 * norm) on one shape each, beside experiments/torch_layers.py, which times the same torch.nn layers on the
 * same shapes and prints the same columns: layer, shape, fwd_ms, fwdbwd_ms. Unit Gaussian input and dOut;
 * 50 warm-up calls (and at least 0.5 s), then the best of 5 rounds of 20 calls. Not a test; run by hand (see BENCHMARKS.md):
 *
 * <pre>experiments/run-java.sh org.conv4j.experiments.LayerTimes [THREADS [LAYER]]</pre>  (default 2 threads;
 * LAYER keeps the rows whose layer starts with it, e.g. GELU or MaxPool2d, or with one of a comma-separated list)
 */
public final class LayerTimes {
    /** One row: the torch name the Python script prints, the layer and its input shape. */
    private record Case(String name, Supplier<Layer> layer, int... shape) {}

    static final List<Case> CASES = List.of(
            new Case("MaxPool2d(2)", () -> new MaxPool2d(2), 64, 64, 32, 32),
            new Case("MaxPool2d(3,2,1)", () -> new MaxPool2d(PoolConfig.of(3).withStride(2).withPadding(1)), 64, 64, 32, 32),
            new Case("MaxPool2d(3,1,1)", () -> new MaxPool2d(PoolConfig.of(3).withStride(1).withPadding(1)), 64, 64, 32, 32),
            new Case("AvgPool2d(2)", () -> new AvgPool2d(2), 64, 64, 32, 32),
            new Case("AvgPool2d(3,2,1)", () -> new AvgPool2d(PoolConfig.of(3).withStride(2).withPadding(1)), 64, 64, 32, 32),
            new Case("AvgPool2d(3,1,1)", () -> new AvgPool2d(PoolConfig.of(3).withStride(1).withPadding(1)), 64, 64, 32, 32),
            new Case("AdaptiveAvgPool2d(1)", GlobalAvgPool2d::new, 64, 64, 32, 32),
            new Case("ReLU", ReLU::new, 64, 32, 28, 28),
            new Case("LeakyReLU", () -> new LeakyReLU(LeakyReluConfig.of()), 64, 32, 28, 28),
            new Case("Sigmoid", Sigmoid::new, 64, 32, 28, 28),
            new Case("Tanh", Tanh::new, 64, 32, 28, 28),
            new Case("GELU", GELU::new, 64, 32, 28, 28),
            new Case("BatchNorm2d", () -> new BatchNorm2d(BatchNormConfig.of(64)), 64, 64, 32, 32),
            new Case("BatchNorm2d", () -> new BatchNorm2d(BatchNormConfig.of(128)), 32, 128, 16, 16));

    private static final int WARMUP = 50, ROUNDS = 5, CALLS = 20;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        String only = args.length > 1 ? args[1] : "";
        Parallel.setThreads(threads);
        Rng rng = new Rng(1);
        System.out.println("layer\tshape\tfwd_ms\tfwdbwd_ms");
        for (Case c : CASES) {
            if (java.util.Arrays.stream(only.split(",")).noneMatch(c.name()::startsWith)) continue;
            Layer layer = c.layer().get();
            Tensor x = gaussian(rng, c.shape());
            Tensor dOut = gaussian(rng, layer.forward(x).shape());
            double fwd = best(() -> layer.forward(x));
            double fwdBwd = best(() -> {
                layer.forward(x);
                layer.backward(dOut);
            });
            System.out.printf(Locale.ROOT, "%s\t%s\t%.3f\t%.3f%n", c.name(), Arrays.toString(c.shape()).replace(" ", ""), fwd, fwdBwd);
        }
    }

    /** Milliseconds per call: the best of ROUNDS rounds of CALLS calls, after WARMUP calls and at least 0.5 s. */
    private static double best(Runnable call) {
        return Timing.best(call, WARMUP, ROUNDS, CALLS) * 1e3;
    }

    private static Tensor gaussian(Rng rng, int... shape) {
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rng.nextGaussian();
        return t;
    }
}
