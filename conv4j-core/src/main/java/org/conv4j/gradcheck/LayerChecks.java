package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.conv4j.activation.Clip;
import org.conv4j.activation.ClipConfig;
import org.conv4j.activation.GELU;
import org.conv4j.activation.HardSigmoid;
import org.conv4j.activation.Hardswish;
import org.conv4j.activation.LogSoftmax;
import org.conv4j.activation.ReLU6;
import org.conv4j.activation.SiLU;
import org.conv4j.activation.Softmax;
import org.conv4j.activation.SoftmaxConfig;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.LeakyReluConfig;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.layers.Dropout;
import org.conv4j.layers.DropoutConfig;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.loss.CrossEntropyLossConfig;
import org.conv4j.loss.Loss;
import org.conv4j.loss.MseLoss;
import org.conv4j.loss.MultiMarginLoss;
import org.conv4j.loss.MultiMarginLossConfig;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.norm.LayerNorm;
import org.conv4j.norm.LayerNorm2d;
import org.conv4j.norm.LayerNorm2dConfig;
import org.conv4j.norm.LayerNormConfig;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Erf;
import org.conv4j.util.Rng;

/**
 * Gradient checks of the activations, dropout, batch normalisation and the losses.
 *
 * <p>Method (cs231n's): run the layer's float32 forward and backward with a random dOut; then, for
 * every input value and every trainable parameter value, take centred differences of
 * Σ ref(x, params)·dOut where {@code ref} is an independent double-precision forward written here.
 * The layer's own float forward is compared with the reference too (reported as "out"). Inputs avoid
 * the kinks of ReLU, LeakyReLU and the hinge loss by at least 10⁻³ so the differences are smooth.
 */
public final class LayerChecks {
    private LayerChecks() {}

    /** A double-precision forward: the outputs for input x and the trainable parameters, in params() order. */
    @FunctionalInterface
    public interface DoubleForward {
        /**
         * The reference outputs.
         *
         * @param x      the input, widened to double
         * @param params the trainable parameters' values, widened, in {@link Layer#params()} order
         * @return the output, in the layer's output layout
         */
        double[] apply(double[] x, double[][] params);
    }

    /**
     * Every case of this file, in table order.
     *
     * @return a new list
     */
    public static List<CheckCase> cases() {
        List<CheckCase> c = new ArrayList<>();
        // Activations: element-wise, any shape.
        add(c, "ReLU", new int[] {4, 7}, 1, () -> new ReLU(), (x, p) -> map(x, v -> Math.max(0, v)), true, 3);
        add(c, "ReLU", new int[] {2, 3, 5, 5}, 2, () -> new ReLU(), (x, p) -> map(x, v -> Math.max(0, v)), true, 3);
        for (double slope : new double[] {0.01, 0.2, -0.5}) {
            add(c, "LeakyReLU", "slope=" + slope, new int[] {2, 3, 4, 5}, 3, () -> new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(slope)),
                    (x, p) -> map(x, v -> v > 0 ? v : slope * v), true, 3);
        }
        add(c, "Sigmoid", new int[] {3, 17}, 4, () -> new Sigmoid(), (x, p) -> map(x, v -> 1 / (1 + Math.exp(-v))), false, 4);
        add(c, "Sigmoid", new int[] {2, 2, 3, 3}, 5, () -> new Sigmoid(), (x, p) -> map(x, v -> 1 / (1 + Math.exp(-v))), false, 1);
        add(c, "Tanh", new int[] {3, 17}, 6, () -> new Tanh(), (x, p) -> map(x, Math::tanh), false, 3);
        add(c, "Sigmoid", "wide range", new int[] {4, 25}, 50, () -> new Sigmoid(), (x, p) -> map(x, v -> 1 / (1 + Math.exp(-v))), false, 12);
        add(c, "Tanh", new int[] {2, 2, 3, 3}, 7, () -> new Tanh(), (x, p) -> map(x, Math::tanh), false, 1);
        add(c, "Tanh", "wide range", new int[] {4, 25}, 51, () -> new Tanh(), (x, p) -> map(x, Math::tanh), false, 6);
        add(c, "GELU", new int[] {3, 17}, 8, () -> new GELU(), (x, p) -> map(x, LayerChecks::gelu), false, 4);
        add(c, "GELU", "wide range", new int[] {4, 25}, 9, () -> new GELU(), (x, p) -> map(x, LayerChecks::gelu), false, 9);

        // Dropout: the mask is drawn by the layer's forward, the reference multiplies by the same mask.
        for (double p : new double[] {0.5, 0.2, 0.0}) {
            c.add(new CheckCase("Dropout", "p=" + p + " train x[4, 3, 5]", () -> {
                Dropout d = new Dropout(DropoutConfig.of(p), new Rng(11));
                return checkLayer("Dropout", "p=" + p + " train x[4, 3, 5]", d, uniform(new Rng(12), 2, 4, 3, 5),
                        (x, ps) -> times(x, d.mask() == null ? null : d.mask().data()), 13);
            }));
        }
        c.add(new CheckCase("Dropout", "p=0.5 eval x[4, 6]", () -> {
            Dropout d = new Dropout(DropoutConfig.of(0.5), new Rng(14));
            d.setTraining(false);
            return checkLayer("Dropout", "p=0.5 eval x[4, 6]", d, uniform(new Rng(15), 2, 4, 6), (x, ps) -> x.clone(), 16);
        }));

        // Batch normalisation: training (batch statistics) and evaluation (running statistics).
        bn(c, false, BatchNormConfig.of(5), new int[] {8, 5}, true, 20);
        bn(c, false, BatchNormConfig.of(5), new int[] {8, 5}, false, 21);
        bn(c, false, BatchNormConfig.of(3).withEps(1e-3).withMomentum(0.3), new int[] {4, 3, 6}, true, 22);
        bn(c, false, BatchNormConfig.of(4).withAffine(false), new int[] {6, 4}, true, 23);
        bn(c, false, BatchNormConfig.of(4).withTrackRunningStats(false), new int[] {6, 4}, false, 24);
        bn(c, false, BatchNormConfig.of(13), new int[] {2, 13}, true, 63);  // M = 2: x̂ = ±(1 − ε/2var), dX all cancellation
        bn(c, true, BatchNormConfig.of(4), new int[] {3, 4, 5, 5}, true, 25);
        bn(c, true, BatchNormConfig.of(4), new int[] {3, 4, 5, 5}, false, 26);
        bn(c, true, BatchNormConfig.of(3).withMomentum(0.5).withEps(1e-2), new int[] {2, 3, 3, 4}, true, 27);
        bn(c, true, BatchNormConfig.of(2).withAffine(false), new int[] {2, 2, 3, 3}, true, 28);
        bn(c, true, BatchNormConfig.of(2).withAffine(false).withTrackRunningStats(false), new int[] {1, 2, 4, 3}, false, 29);
        bn(c, true, BatchNormConfig.of(1), new int[] {5, 1, 3, 1}, true, 60);
        bn(c, true, BatchNormConfig.of(6), new int[] {7, 6, 1, 1}, true, 61);
        bn(c, true, BatchNormConfig.of(5), new int[] {2, 5, 7, 3}, false, 62);

        // Losses.
        ce(c, 0.0, 5, 7, 2, 30);
        ce(c, 0.1, 5, 7, 2, 31);
        ce(c, 1.0, 4, 3, 2, 32);
        ce(c, 0.0, 6, 10, 1e4, 33);
        ce(c, 0.2, 6, 10, 1e4, 34);
        ce(c, 0.0, 3, 1, 2, 35);
        hinge(c, MultiMarginLossConfig.of(), 6, 5, 40);
        hinge(c, MultiMarginLossConfig.of().withP(2).withMargin(0.5), 6, 5, 41);
        c.add(new CheckCase("MseLoss", "target x[4, 6]", () -> {
            Tensor x = uniform(new Rng(42), 2, 4, 6), t = uniform(new Rng(43), 2, 4, 6);
            MseLoss l = new MseLoss();
            return checkLoss("MseLoss", "target x[4, 6]", x, in -> l.forward(in, t), l::backward, xs -> {
                double s = 0;
                for (int i = 0; i < xs.length; i++) { double d = xs[i] - t.data()[i]; s += d * d; }
                return s / xs.length;
            });
        }));
        c.add(new CheckCase("MseLoss", "one-hot labels x[5, 3]", () -> {
            Tensor x = uniform(new Rng(44), 2, 5, 3);
            int[] y = labels(new Rng(45), 5, 3);
            MseLoss l = new MseLoss();
            return checkLoss("MseLoss", "one-hot labels x[5, 3]", x, in -> l.forward(in, y), l::backward, xs -> {
                double s = 0;
                for (int i = 0; i < xs.length; i++) { double d = xs[i] - (i % 3 == y[i / 3] ? 1 : 0); s += d * d; }
                return s / xs.length;
            });
        }));
        modernOps(c);
        return c;
    }

    // ------------------------------------------------------------------ case builders

    private static void add(List<CheckCase> c, String name, int[] shape, long seed, Supplier<Layer> make, DoubleForward ref,
                            boolean avoidZero, double range) {
        add(c, name, "", shape, seed, make, ref, avoidZero, range);
    }

    private static void add(List<CheckCase> c, String name, String settings, int[] shape, long seed, Supplier<Layer> make,
                            DoubleForward ref, boolean avoidZero, double range) {
        String config = (settings.isEmpty() ? "" : settings + " ") + "x" + Shapes.show(shape);
        c.add(new CheckCase(name, config, () -> {
            Tensor x = uniform(new Rng(seed), range, shape);
            if (avoidZero) awayFromZero(x.data(), 1e-3f);
            return checkLayer(name, config, make.get(), x, ref, seed + 1000);
        }));
    }

    private static void bn(List<CheckCase> c, boolean twoD, BatchNormConfig cfg, int[] shape, boolean train, long seed) {
        String name = twoD ? "BatchNorm2d" : "BatchNorm1d";
        String config = (train ? "train" : "eval") + (cfg.eps() != 1e-5 ? " eps=" + cfg.eps() : "")
                + (cfg.momentum() != 0.1 ? " momentum=" + cfg.momentum() : "") + (cfg.affine() ? "" : " affine=false")
                + (cfg.trackRunningStats() ? "" : " no running stats") + " x" + Shapes.show(shape);
        c.add(new CheckCase(name, config, () -> {
            Rng rng = new Rng(seed);
            Layer layer = twoD ? new BatchNorm2d(cfg) : new BatchNorm1d(cfg);
            // Non-trivial γ, β and running statistics, so every term of the formulas matters.
            for (Param p : layer.params()) {
                float[] v = p.value().data();
                for (int i = 0; i < v.length; i++) {
                    v[i] = switch (p.name()) {
                        case "weight" -> 0.5f + rng.nextFloat();
                        case "running_var" -> 0.3f + 2 * rng.nextFloat();
                        default -> rng.nextFloat() - 0.5f;
                    };
                }
            }
            layer.setTraining(train);
            double[] rm = cfg.trackRunningStats() ? GradCheck.widen(param(layer, "running_mean").value().data()) : null;
            double[] rv = cfg.trackRunningStats() ? GradCheck.widen(param(layer, "running_var").value().data()) : null;
            Tensor x = uniform(rng, 2, shape);
            // An offset per position makes the batch mean far from 0, as real activations are.
            for (int i = 0; i < x.size(); i++) x.data()[i] += 0.7f;
            int n = shape[0], ch = shape[1], s = x.size() / (n * ch);
            boolean batchStats = train || !cfg.trackRunningStats();
            return checkLayer(name, config, layer, x,
                    (xs, ps) -> batchNorm(xs, n, ch, s, cfg.affine() ? ps[0] : null, cfg.affine() ? ps[1] : null,
                            batchStats ? null : rm, batchStats ? null : rv, cfg.eps()), seed + 1000);
        }));
    }

    private static void ce(List<CheckCase> c, double eps, int n, int classes, double scale, long seed) {
        String config = "label_smoothing=" + eps + (scale >= 1e3 ? " logits ±" + (float) scale : "") + " x[" + n + ", " + classes + "]";
        c.add(new CheckCase("CrossEntropyLoss", config, () -> {
            Rng rng = new Rng(seed);
            Tensor x = uniform(rng, scale, n, classes);
            if (scale >= 1e3) {
                // Large logits, but with rows whose top classes are close, so the softmax is not one-hot.
                for (int i = 0; i < n; i++) x.data()[i * classes + rng.nextInt(classes)] = x.data()[i * classes] + 1.5f;
            }
            int[] y = labels(rng, n, classes);
            CrossEntropyLoss l = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(eps));
            return checkLoss("CrossEntropyLoss", config, x, in -> l.forward(in, y), l::backward, xs -> crossEntropy(xs, y, classes, eps));
        }));
    }

    private static void hinge(List<CheckCase> c, MultiMarginLossConfig cfg, int n, int classes, long seed) {
        String config = "p=" + cfg.p() + " margin=" + cfg.margin() + " x[" + n + ", " + classes + "]";
        c.add(new CheckCase("MultiMarginLoss", config, () -> {
            Rng rng = new Rng(seed);
            Tensor x = uniform(rng, 1.5, n, classes);
            int[] y = labels(rng, n, classes);
            float[] xs = x.data();
            // Move every hinge at least 1e-3 away from its kink.
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < classes; j++) {
                    if (j == y[i]) continue;
                    double h = cfg.margin() - xs[i * classes + y[i]] + xs[i * classes + j];
                    if (Math.abs(h) < 1e-3) xs[i * classes + j] += 0.01f;
                }
            }
            MultiMarginLoss l = new MultiMarginLoss(cfg);
            return checkLoss("MultiMarginLoss", config, x, in -> l.forward(in, y), l::backward, v -> multiMargin(v, y, classes, cfg));
        }));
    }

    private static Param param(Layer layer, String name) {
        return layer.params().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(layer.describe() + " has no parameter " + name));
    }

    // ------------------------------------------------------------------ the checks

    /**
     * Checks a layer's float backward (dX and every trainable parameter's gradient) and its forward
     * against centred differences of a double-precision reference {@code ref}.
     *
     * @param name   the layer's name for the result
     * @param config its settings, for the result
     * @param layer  the layer; its gradients are zeroed first
     * @param x      the input
     * @param ref    the double forward
     * @param seed   seeds dOut
     * @return the largest relative error over "out", "dx" and every parameter gradient
     */
    public static CheckResult checkLayer(String name, String config, Layer layer, Tensor x, DoubleForward ref, long seed) {
        List<Param> trainable = layer.params().stream().filter(Param::isTrainable).toList();
        for (Param p : trainable) p.grad().zero();
        Tensor out = layer.forward(x);
        float[] outF = out.data().clone();
        Tensor dOut = uniform(new Rng(seed), 1, out.shape());
        float[] dX = layer.backward(dOut).data().clone();

        double[] xD = GradCheck.widen(x.data());
        double[][] pD = new double[trainable.size()][];
        for (int k = 0; k < pD.length; k++) pD[k] = GradCheck.widen(trainable.get(k).value().data());
        float[] g = dOut.data();

        Worst w = new Worst();
        w.offer("out", GradCheck.maxRelError(outF, ref.apply(xD, pD)));
        w.offer("dx", GradCheck.maxRelError(dX, numericVjp(xD, () -> ref.apply(xD, pD), g)));
        for (int k = 0; k < pD.length; k++) {
            double[] numeric = numericVjp(pD[k], () -> ref.apply(xD, pD), g);
            w.offer("d" + trainable.get(k).name(), GradCheck.maxRelError(trainable.get(k).grad().data(), numeric));
        }
        return new CheckResult(name, config, w.error, w.which);
    }

    /**
     * Centred differences of Σ_k out_k·dOut_k with respect to each entry of {@code v} (perturbed in place
     * and restored), where {@code out} reads the current values. The two outputs are subtracted element
     * by element before the dot product, so large outputs that do not move add no rounding noise.
     */
    static double[] numericVjp(double[] v, Supplier<double[]> out, float[] dOut) {
        double h = GradCheck.STEP;
        double[] grad = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double old = v[i];
            v[i] = old + h;
            double[] plus = out.get();
            v[i] = old - h;
            double[] minus = out.get();
            v[i] = old;
            double s = 0;
            for (int k = 0; k < plus.length; k++) s += (plus[k] - minus[k]) * dOut[k];
            grad[i] = s / (2 * h);
        }
        return grad;
    }

    /**
     * Checks a loss: its float dInput against centred differences of the double reference loss.
     *
     * @param name     the loss's name for the result
     * @param config   its settings, for the result
     * @param x        the input scores
     * @param forward  runs the float loss on x
     * @param backward returns the float dInput after forward
     * @param ref      the double loss of the widened input
     * @return the largest relative error over "loss" and "dx"
     */
    public static CheckResult checkLoss(String name, String config, Tensor x, ToDoubleFunction<Tensor> forward,
                                        Supplier<Tensor> backward, ToDoubleFunction<double[]> ref) {
        float loss = (float) forward.applyAsDouble(x);
        float[] dX = backward.get().data().clone();
        double[] xD = GradCheck.widen(x.data());
        Worst w = new Worst();
        w.offer("loss", GradCheck.relError(loss, ref.applyAsDouble(xD)));
        w.offer("dx", GradCheck.maxRelError(dX, GradCheck.numeric(xD, ref, GradCheck.STEP)));
        return new CheckResult(name, config, w.error, w.which);
    }

    private static final class Worst {
        double error = 0;
        String which = "dx";

        void offer(String name, double e) {
            if (!(e <= error)) { error = e; which = name; } // NaN wins, so it shows as a failure
        }
    }

    // ------------------------------------------------------------------ double references

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f.applyAsDouble(x[i]);
        return y;
    }

    private static double[] times(double[] x, float[] mask) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = mask == null ? x[i] : x[i] * mask[i];
        return y;
    }

    private static double gelu(double v) {
        return 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
    }

    /** Batch norm of x viewed as [N, C, S]; batch statistics when rm is null. */
    static double[] batchNorm(double[] x, int n, int c, int s, double[] gamma, double[] beta, double[] rm, double[] rv, double eps) {
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double mean, var;
            if (rm == null) {
                double sum = 0, sq = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
                mean = sum / (n * s);
                for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) { double d = x[(i * c + ch) * s + j] - mean; sq += d * d; }
                var = sq / (n * s);
            } else {
                mean = rm[ch];
                var = rv[ch];
            }
            double g = gamma == null ? 1 : gamma[ch], b = beta == null ? 0 : beta[ch];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    y[k] = g * (x[k] - mean) / Math.sqrt(var + eps) + b;
                }
            }
        }
        return y;
    }

    /** Mean cross-entropy with label smoothing; log-sum-exp over shifted logits, as stable as the layer. */
    static double crossEntropy(double[] x, int[] y, int c, double eps) {
        int n = y.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x[i * c + j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += Math.exp(x[i * c + j] - max);
            double lse = Math.log(sum); // relative to max
            double smooth = 0;
            for (int j = 0; j < c; j++) smooth += lse - (x[i * c + j] - max);
            total += (1 - eps) * (lse - (x[i * c + y[i]] - max)) + eps * smooth / c;
        }
        return total / n;
    }

    static double multiMargin(double[] x, int[] y, int c, MultiMarginLossConfig cfg) {
        double total = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < c; j++) {
                if (j == y[i]) continue;
                double h = cfg.margin() - x[i * c + y[i]] + x[i * c + j];
                if (h > 0) total += (cfg.p() == 1 ? h : h * h) / c;
            }
        }
        return total / y.length;
    }

    // ------------------------------------------------------------------ data

    /** A tensor uniform in [−range, range). */
    static Tensor uniform(Rng rng, double range, int... shape) {
        Tensor t = new Tensor(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((2 * rng.nextDouble() - 1) * range);
        return t;
    }

    private static void awayFromZero(float[] d, float gap) {
        for (int i = 0; i < d.length; i++) if (Math.abs(d[i]) < gap) d[i] = d[i] < 0 ? -gap - Math.abs(d[i]) : gap + d[i];
    }

    private static int[] labels(Rng rng, int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(classes);
        return y;
    }

    // ------------------------------------------------------------------ modern CNN ops (issue 22)

    /**
     * ReLU6, Clip, Hardswish, HardSigmoid, SiLU, Softmax, LogSoftmax, LayerNorm2d and LayerNorm. Inputs of
     * the piecewise activations stay at least 10⁻³ from every kink (0 and 6, min_val and max_val, ±3).
     */
    private static void modernOps(List<CheckCase> c) {
        DoubleForwardOf relu6 = x -> map(x, v -> Math.min(Math.max(v, 0), 6));
        kinked(c, "ReLU6", "", new int[] {2, 3, 4, 5}, 70, ReLU6::new, relu6, 8, 0, 6);
        kinked(c, "ReLU6", "", new int[] {1, 7}, 71, ReLU6::new, relu6, 7, 0, 6);
        kinked(c, "Clip", "min_val=-1.0 max_val=1.0", new int[] {3, 17}, 72, Clip::new, x -> map(x, v -> Math.min(Math.max(v, -1), 1)), 2, -1, 1);
        kinked(c, "Clip", "min_val=-0.5 max_val=2.0", new int[] {2, 3, 3, 3}, 73, () -> new Clip(ClipConfig.of(-0.5, 2)),
                x -> map(x, v -> Math.min(Math.max(v, -0.5), 2)), 3, -0.5, 2);
        DoubleForwardOf hswish = x -> map(x, v -> v * Math.min(Math.max(v + 3, 0), 6) / 6);
        kinked(c, "Hardswish", "", new int[] {3, 17}, 74, Hardswish::new, hswish, 5, -3, 3);
        kinked(c, "Hardswish", "", new int[] {2, 2, 3, 3}, 75, Hardswish::new, hswish, 4, -3, 3);
        DoubleForwardOf hsig = x -> map(x, v -> Math.min(Math.max(v + 3, 0), 6) / 6);
        kinked(c, "HardSigmoid", "", new int[] {3, 17}, 76, HardSigmoid::new, hsig, 5, -3, 3);
        kinked(c, "HardSigmoid", "", new int[] {1, 1, 1, 5}, 77, HardSigmoid::new, hsig, 4, -3, 3);
        DoubleForwardOf silu = x -> map(x, v -> v / (1 + Math.exp(-v)));
        kinked(c, "SiLU", "", new int[] {3, 17}, 78, SiLU::new, silu, 4);
        kinked(c, "SiLU", "wide range", new int[] {4, 25}, 79, SiLU::new, silu, 30);
        kinked(c, "SiLU", "tails", new int[] {4, 25}, 80, SiLU::new, silu, 100);

        for (boolean log : new boolean[] {false, true}) {
            softmax(c, log, SoftmaxConfig.of(1), new int[] {4, 10}, 0, 81);
            softmax(c, log, SoftmaxConfig.of(-1), new int[] {2, 3, 4, 5}, 0, 82);
            softmax(c, log, SoftmaxConfig.of(1), new int[] {2, 3, 4, 5}, 0, 83);
            softmax(c, log, SoftmaxConfig.of(0), new int[] {3, 4}, 0, 84);
            softmax(c, log, SoftmaxConfig.of(-2), new int[] {2, 3, 1, 5}, 0, 85);
            softmax(c, log, SoftmaxConfig.of(1), new int[] {3, 1, 2}, 0, 86);
            softmax(c, log, SoftmaxConfig.of(), new int[] {2, 3, 4}, 0, 87);
            softmax(c, log, SoftmaxConfig.of(1), new int[] {3, 6}, 1000, 88);
        }

        layerNorm2d(c, LayerNorm2dConfig.of(4), new int[] {2, 4, 3, 5}, 90);
        layerNorm2d(c, LayerNorm2dConfig.of(3), new int[] {1, 3, 1, 1}, 91);
        layerNorm2d(c, LayerNorm2dConfig.of(5).withElementwiseAffine(false), new int[] {2, 5, 2, 3}, 92);
        layerNorm2d(c, LayerNorm2dConfig.of(2).withEps(1e-3), new int[] {3, 2, 1, 4}, 93);
        layerNorm2d(c, LayerNorm2dConfig.of(1), new int[] {2, 1, 3, 3}, 94);
        layerNorm(c, LayerNormConfig.of(5), new int[] {2, 3, 4, 5}, 95);
        layerNorm(c, LayerNormConfig.of(4, 5), new int[] {2, 3, 4, 5}, 96);
        layerNorm(c, LayerNormConfig.of(3, 4, 5).withEps(1e-3), new int[] {2, 3, 4, 5}, 97);
        layerNorm(c, LayerNormConfig.of(7).withElementwiseAffine(false), new int[] {1, 7}, 98);
        layerNorm(c, LayerNormConfig.of(6), new int[] {3, 6}, 99);
    }

    /** A double forward of an element-wise function (no parameters). */
    @FunctionalInterface
    private interface DoubleForwardOf {
        double[] apply(double[] x);
    }

    /** An element-wise case with x uniform in [−range, range), moved at least 10⁻³ away from each kink. */
    private static void kinked(List<CheckCase> c, String name, String settings, int[] shape, long seed, Supplier<Layer> make,
                               DoubleForwardOf ref, double range, double... kinks) {
        String config = (settings.isEmpty() ? "" : settings + " ") + "x" + Shapes.show(shape);
        c.add(new CheckCase(name, config, () -> {
            Tensor x = uniform(new Rng(seed), range, shape);
            float[] d = x.data();
            for (double k : kinks) {
                for (int i = 0; i < d.length; i++) {
                    double off = d[i] - k;
                    if (Math.abs(off) < 1e-3) d[i] = (float) (k + (off < 0 ? -1e-3 : 1e-3) + off);
                }
            }
            return checkLayer(name, config, make.get(), x, (xs, p) -> ref.apply(xs), seed + 1000);
        }));
    }

    private static void softmax(List<CheckCase> c, boolean log, SoftmaxConfig cfg, int[] shape, double offset, long seed) {
        String name = log ? "LogSoftmax" : "Softmax";
        String dim = cfg.dim().isPresent() ? "dim=" + cfg.dim().getAsInt() : "dim=None";
        String config = dim + (offset != 0 ? " logits+" + offset : "") + " x" + Shapes.show(shape);
        // torch's implicit choice: 0 for rank 0, 1 and 3, else 1.
        int rank = shape.length;
        int axis = cfg.dim().isPresent() ? Math.floorMod(cfg.dim().getAsInt(), rank) : (rank == 0 || rank == 1 || rank == 3 ? 0 : 1);
        c.add(new CheckCase(name, config, () -> {
            Tensor x = uniform(new Rng(seed), 3, shape);
            for (int i = 0; i < x.size(); i++) x.data()[i] += (float) offset;
            Layer layer = log ? new LogSoftmax(cfg) : new Softmax(cfg);
            return checkLayer(name, config, layer, x, (xs, p) -> softmaxRef(xs, shape, axis, log), seed + 1000);
        }));
    }

    /** Softmax or log-softmax along {@code axis} in double, with max subtraction. */
    static double[] softmaxRef(double[] x, int[] shape, int axis, boolean log) {
        int outer = 1, inner = 1, d = shape[axis];
        for (int k = 0; k < axis; k++) outer *= shape[k];
        for (int k = axis + 1; k < shape.length; k++) inner *= shape[k];
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int s = o * d * inner + i;
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < d; k++) m = Math.max(m, x[s + k * inner]);
                for (int k = 0; k < d; k++) sum += Math.exp(x[s + k * inner] - m);
                for (int k = 0; k < d; k++) {
                    double z = x[s + k * inner] - m;
                    y[s + k * inner] = log ? z - Math.log(sum) : Math.exp(z) / sum;
                }
            }
        }
        return y;
    }

    private static void layerNorm2d(List<CheckCase> c, LayerNorm2dConfig cfg, int[] shape, long seed) {
        String config = (cfg.eps() != 1e-6 ? "eps=" + cfg.eps() + " " : "") + (cfg.elementwiseAffine() ? "" : "no affine ") + "x" + Shapes.show(shape);
        c.add(new CheckCase("LayerNorm2d", config, () -> {
            LayerNorm2d layer = new LayerNorm2d(cfg);
            int n = shape[0], ch = shape[1], s = shape[2] * shape[3];
            return checkNorm("LayerNorm2d", config, layer, shape, seed, n, ch, s, cfg.elementwiseAffine(), cfg.eps());
        }));
    }

    private static void layerNorm(List<CheckCase> c, LayerNormConfig cfg, int[] shape, long seed) {
        String config = "normalized_shape=" + Shapes.show(cfg.normalizedShape()) + (cfg.eps() != 1e-5 ? " eps=" + cfg.eps() : "")
                + (cfg.elementwiseAffine() ? "" : " no affine") + " x" + Shapes.show(shape);
        c.add(new CheckCase("LayerNorm", config, () -> {
            LayerNorm layer = new LayerNorm(cfg);
            int k = Shapes.size(cfg.normalizedShape());
            return checkNorm("LayerNorm", config, layer, shape, seed, Shapes.size(shape) / k, k, 1, cfg.elementwiseAffine(), cfg.eps());
        }));
    }

    /** A layer norm over x viewed as [outer, K, inner], with non-trivial γ and β and x offset from 0. */
    private static CheckResult checkNorm(String name, String config, Layer layer, int[] shape, long seed, int outer, int k, int inner,
                                         boolean affine, double eps) {
        Rng rng = new Rng(seed);
        for (Param p : layer.params()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) v[i] = p.name().equals("weight") ? 0.5f + rng.nextFloat() : rng.nextFloat() - 0.5f;
        }
        Tensor x = uniform(rng, 2, shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] += 0.7f;
        return checkLayer(name, config, layer, x,
                (xs, ps) -> layerNormRef(xs, outer, k, inner, affine ? ps[0] : null, affine ? ps[1] : null, eps), seed + 1000);
    }

    /** Layer norm of x viewed as [outer, K, inner] over K, biased variance, in double. */
    static double[] layerNormRef(double[] x, int outer, int k, int inner, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int s = o * k * inner + i;
                double sum = 0, sq = 0;
                for (int c = 0; c < k; c++) sum += x[s + c * inner];
                double mean = sum / k;
                for (int c = 0; c < k; c++) { double d = x[s + c * inner] - mean; sq += d * d; }
                double inv = 1 / Math.sqrt(sq / k + eps);
                for (int c = 0; c < k; c++) {
                    y[s + c * inner] = (x[s + c * inner] - mean) * inv * (gamma == null ? 1 : gamma[c]) + (beta == null ? 0 : beta[c]);
                }
            }
        }
        return y;
    }
}
