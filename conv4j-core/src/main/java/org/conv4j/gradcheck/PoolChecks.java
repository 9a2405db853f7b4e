package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.pool.ReferencePool;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Gradient checks of the pooling layers, Linear and Flatten, done as {@link ConvChecks} does them.
 * Max pooling is only differentiable away from ties, so its inputs are a shuffled ladder of distinct
 * values spaced far wider than the difference step.
 */
public final class PoolChecks {
    private PoolChecks() {}

    /** {@return a new list of the MaxPool2d, AvgPool2d, GlobalAvgPool2d, Linear and Flatten cases} */
    public static List<CheckCase> cases() {
        List<CheckCase> cases = new ArrayList<>();
        List<PoolConfig> pools = List.of(
                PoolConfig.of(2),
                PoolConfig.of(3).withStride(1),
                PoolConfig.of(3).withStride(2).withPadding(1),
                PoolConfig.of(2, 3).withStride(2, 1),
                PoolConfig.of(3, 2).withStride(1, 2).withPadding(1, 0),
                PoolConfig.of(3).withStride(2).withCeilMode(true),
                PoolConfig.of(2).withCeilMode(true),
                PoolConfig.of(3).withStride(2).withPadding(1).withCeilMode(true),
                PoolConfig.of(2).withStride(3).withPadding(1));
        int[][] sizes = {{2, 3, 6, 6}, {1, 2, 5, 7}, {2, 1, 5, 5}, {1, 3, 7, 4}, {3, 2, 5, 6}, {2, 2, 5, 5},
                {1, 2, 5, 7}, {2, 1, 6, 5}, {1, 2, 7, 7}};
        long seed = 500;
        for (int i = 0; i < pools.size(); i++) {
            PoolConfig p = pools.get(i);
            int[] s = sizes[i];
            long sd = seed++;
            cases.add(maxPool(p, s, sd));
            cases.add(avgPool(p.withCountIncludePad(true), s, sd));
            // without padding the two divisors agree (ceil-mode overhang counts in neither): no new case
            if (p.padH() != 0 || p.padW() != 0) cases.add(avgPool(p.withCountIncludePad(false), s, sd));
        }
        for (int[] s : new int[][] {{2, 3, 4, 5}, {1, 1, 1, 1}, {3, 2, 7, 3}}) {
            String gc = "on " + shape(s);
            cases.add(new CheckCase("GlobalAvgPool2d", gc, () -> {
                Rng rng = new Rng(s[2] * 31L + s[3]);
                return ConvChecks.checkLayer("GlobalAvgPool2d", gc, new GlobalAvgPool2d(), ConvChecks.uniform(rng, s), rng,
                        in -> globalMean(s, in[0]));
            }));
        }
        int[][] linears = {{2, 5, 3}, {1, 1, 1}, {3, 7, 4}, {4, 13, 2}};  // N, in, out
        for (int[] l : linears) {
            for (boolean bias : new boolean[] {true, false}) {
                LinearConfig c = LinearConfig.of(l[1], l[2]).withBias(bias);
                String lc = c.describe() + " on " + l[0] + "x" + l[1];
                cases.add(new CheckCase("Linear", lc, () -> {
                    Rng rng = new Rng(l[1] * 7L + l[2]);
                    Linear lin = new Linear(c, rng);
                    return ConvChecks.checkLayer("Linear", lc, lin, ConvChecks.uniform(rng, l[0], l[1]), rng,
                            in -> linear(l[0], l[1], l[2], in[0], in[1], bias ? in[2] : null));
                }));
            }
        }
        cases.add(new CheckCase("Flatten", "on 2x3x2x2", () -> {
            Rng rng = new Rng(9);
            return ConvChecks.checkLayer("Flatten", "on 2x3x2x2", new Flatten(), ConvChecks.uniform(rng, 2, 3, 2, 2), rng,
                    in -> in[0].clone());
        }));
        return cases;
    }

    /**
     * A MaxPool2d check on a random input of {@code shape} [N, C, H, W] whose values are all distinct.
     *
     * @param p     the pooling settings
     * @param shape the input shape [N, C, H, W]
     * @param seed  seeds the input and dOut
     * @return the case; nothing runs until {@link CheckCase#run}
     */
    public static CheckCase maxPool(PoolConfig p, int[] shape, long seed) {
        MaxPool2d max = new MaxPool2d(p);
        int[] s = shape.clone();
        String config = max.describe() + " on " + shape(s);
        return new CheckCase("MaxPool2d", config, () -> {
            Rng rng = new Rng(seed);
            return ConvChecks.checkLayer("MaxPool2d", config, max, distinct(rng, s), rng,
                    in -> ReferencePool.max(p, s[0] * s[1], s[2], s[3], in[0]));
        });
    }

    /**
     * An AvgPool2d check on a random input of {@code shape} [N, C, H, W].
     *
     * @param p     the pooling settings
     * @param shape the input shape [N, C, H, W]
     * @param seed  seeds the input and dOut
     * @return the case; nothing runs until {@link CheckCase#run}
     */
    public static CheckCase avgPool(PoolConfig p, int[] shape, long seed) {
        AvgPool2d avg = new AvgPool2d(p);
        int[] s = shape.clone();
        String config = avg.describe() + " on " + shape(s);
        return new CheckCase("AvgPool2d", config, () -> {
            Rng rng = new Rng(seed);
            return ConvChecks.checkLayer("AvgPool2d", config, avg, ConvChecks.uniform(rng, s), rng,
                    in -> ReferencePool.avg(p, s[0] * s[1], s[2], s[3], in[0]));
        });
    }

    /** The values −1 + (2k+1)/size for k = 0..size−1, shuffled: all distinct, spaced 2/size apart. */
    private static Tensor distinct(Rng rng, int... shape) {
        Tensor t = new Tensor(shape);
        int[] order = new int[t.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        rng.shuffle(order);
        for (int i = 0; i < order.length; i++) t.data()[i] = (float) (-1 + (2.0 * order[i] + 1) / order.length);
        return t;
    }

    private static double[] globalMean(int[] s, double[] x) {
        int planes = s[0] * s[1], hw = s[2] * s[3];
        double[] out = new double[planes];
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) sum += x[p * hw + i];
            out[p] = sum / hw;
        }
        return out;
    }

    /** Direct-loop y[n, o] = b[o] + Σ_i x[n, i]·w[o, i] in double. */
    private static double[] linear(int n, int in, int outF, double[] x, double[] w, double[] b) {
        double[] y = new double[n * outF];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < outF; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * outF + o] = s;
            }
        }
        return y;
    }

    private static String shape(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2] + "x" + s[3];
    }
}
