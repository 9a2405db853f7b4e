package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.functional.Functional;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.pool.PoolConfig;
import org.conv4j.pool.ReferencePool;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Gradient checks of {@link Conv2d} over a grid of configurations: kernel sizes (square, non-square, equal
 * to the input), stride per axis, symmetric, asymmetric, "same" and "valid" padding, dilation, groups and
 * depthwise, batch sizes, odd image sizes and channel counts, with and without bias.
 *
 * <p>Method: inputs and parameters are drawn as floats and widened to double (exactly). The analytic
 * gradients come from the float layer's backward; the numerical ones from centred differences of the
 * double-precision oracle {@link ReferenceConv2d} dotted with the same dOut. Cases are small, so the whole
 * grid is cheap enough to run in every build.
 */
public final class ConvChecks {
    private ConvChecks() {}

    /** One configuration of the grid: a conv on an input of [n, C, h, w]. */
    private record Setup(Conv2dConfig config, int n, int h, int w) {}

    /** {@return a new list: the composed functional case, then one case per configuration of the grid} */
    public static List<CheckCase> cases() {
        List<Setup> s = new ArrayList<>();
        // kernel 1x1 (the pointwise fast path) and plain square kernels
        s.add(new Setup(Conv2dConfig.of(1, 1, 1), 1, 1, 1));
        s.add(new Setup(Conv2dConfig.of(2, 3, 1), 2, 5, 4));
        s.add(new Setup(Conv2dConfig.of(2, 3, 1).withStride(2), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(1, 2, 3), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(3, 2, 3), 2, 5, 6));
        s.add(new Setup(Conv2dConfig.of(2, 2, 2), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(1, 2, 4), 1, 6, 6));
        s.add(new Setup(Conv2dConfig.of(1, 1, 5), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3), 1, 3, 3));
        // padding, symmetric and per axis
        s.add(new Setup(Conv2dConfig.of(3, 2, 3).withPadding(1), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withPadding(2), 1, 4, 4));
        s.add(new Setup(Conv2dConfig.of(2, 2, 5).withPadding(2), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 2, 4).withPadding(1, 0), 1, 5, 7));
        // stride, per axis, with leftover rows and columns
        s.add(new Setup(Conv2dConfig.of(2, 3, 3).withStride(2), 2, 7, 7));
        s.add(new Setup(Conv2dConfig.of(2, 3, 3).withStride(2).withPadding(1), 2, 6, 6));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withStride(3), 1, 8, 8));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withStride(2, 1), 2, 7, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withStride(1, 2).withPadding(1), 1, 5, 7));
        s.add(new Setup(Conv2dConfig.of(2, 2, 2).withStride(2), 1, 6, 7));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withStride(2), 1, 4, 4));
        s.add(new Setup(Conv2dConfig.of(3, 2, 3).withStride(2).withPadding(1), 2, 9, 9));
        // non-square kernels: KH ≠ KW in both orders, so the two axes cannot be confused
        s.add(new Setup(Conv2dConfig.of(2, 3, 1, 3), 2, 4, 6));
        s.add(new Setup(Conv2dConfig.of(2, 3, 3, 1), 2, 6, 4));
        s.add(new Setup(Conv2dConfig.of(2, 2, 4, 2).withStride(2, 1), 2, 7, 5));
        s.add(new Setup(Conv2dConfig.of(3, 2, 3, 5).withPadding(1, 2), 1, 6, 6));
        s.add(new Setup(Conv2dConfig.of(2, 2, 5, 2).withStride(1, 2).withPadding(2, 0), 1, 5, 5));
        // asymmetric padding
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withPadding(0, 1, 1, 0), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withPadding(2, 0, 0, 2), 1, 5, 6));
        s.add(new Setup(Conv2dConfig.of(1, 2, 2).withPadding(0, 1, 0, 1).withStride(2), 2, 5, 5));
        // dilation
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withDilation(2), 1, 7, 7));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withDilation(2).withPadding(2), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withDilation(2, 1), 1, 7, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 2, 3).withDilation(1, 3).withStride(2, 1), 1, 6, 8));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withDilation(3).withStride(2).withPadding(1), 1, 8, 8));
        // groups and depthwise
        s.add(new Setup(Conv2dConfig.of(4, 4, 3).withGroups(2), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(4, 2, 3).withGroups(2).withPadding(1), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 4, 3).withGroups(2).withStride(2), 2, 7, 7));
        s.add(new Setup(Conv2dConfig.of(6, 6, 1).withGroups(3), 1, 4, 4));
        s.add(new Setup(Conv2dConfig.of(3, 3, 3).depthwise(), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(3, 3, 3).depthwise().withPadding(1).withStride(2), 1, 6, 6));
        s.add(new Setup(Conv2dConfig.of(2, 4, 3).depthwise().same(), 1, 5, 4));
        s.add(new Setup(Conv2dConfig.of(4, 4, 3, 1).depthwise().withDilation(2, 1), 1, 6, 5));
        // "same" (torch's split: the odd pad goes bottom/right) and "valid"
        s.add(new Setup(Conv2dConfig.of(2, 3, 3).same(), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 4).same(), 1, 5, 6));
        s.add(new Setup(Conv2dConfig.of(2, 2, 2, 3).same().withDilation(2), 1, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 3, 3).valid(), 2, 6, 5));
        // no bias
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withBias(false), 2, 5, 5));
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withBias(false).withStride(2).withPadding(1), 1, 6, 6));
        s.add(new Setup(Conv2dConfig.of(3, 3, 3).depthwise().withBias(false), 1, 5, 5));
        // batch sizes (9 spans two reduction chunks), odd channel counts and sizes
        s.add(new Setup(Conv2dConfig.of(2, 2, 3).withPadding(1), 3, 5, 5));
        s.add(new Setup(Conv2dConfig.of(1, 2, 3).withPadding(1), 4, 3, 3));
        s.add(new Setup(Conv2dConfig.of(1, 1, 3).withPadding(1), 9, 4, 4));
        s.add(new Setup(Conv2dConfig.of(5, 3, 3), 1, 7, 3));
        s.add(new Setup(Conv2dConfig.of(3, 5, 1), 3, 3, 1));
        // everything at once
        s.add(new Setup(Conv2dConfig.of(1, 1, 3, 2).withPadding(1, 0, 0, 1).withDilation(2, 1).withStride(1, 2), 2, 6, 7));
        s.add(new Setup(Conv2dConfig.of(4, 2, 2, 3).withGroups(2).withStride(2, 1).withPadding(1, 0, 1, 1)
                .withDilation(1, 2).withBias(false), 2, 6, 7));

        List<CheckCase> cases = new ArrayList<>();
        cases.add(new CheckCase("Functional (composed)", COMPOSED, ConvChecks::checkComposed));
        long seed = 100;
        for (Setup st : s) cases.add(conv(st.config(), st.n(), st.h(), st.w(), seed++));
        return cases;
    }

    /**
     * A check of any convolution a user configures, on a random input [n, C, h, w] drawn from {@code seed}
     * (keep it small: the numerical gradient costs two oracle forwards per input and weight entry).
     *
     * @param config the convolution's settings
     * @param n      N, the batch size
     * @param h      H, the input height
     * @param w      W, the input width
     * @param seed   seeds the input, the weights and dOut
     * @return the case; nothing runs until {@link CheckCase#run}
     */
    public static CheckCase conv(Conv2dConfig config, int n, int h, int w, long seed) {
        Setup st = new Setup(config, n, h, w);
        String name = config.describe() + " on " + n + "x" + config.inChannels() + "x" + h + "x" + w;
        return new CheckCase("Conv2d", name, () -> checkConv(st, name, seed));
    }

    private static final String COMPOSED = "conv2d(2->3, k3, p1) -> max_pool2d(2) -> flatten -> linear(12->4) on 2x2x4x4";

    /**
     * The functional API composed as cs231n's *_forward/*_backward pairs are: forward through
     * conv2d, max_pool2d and linear keeping each cache, backward through them in reverse, and every
     * gradient (dx, conv dweight/dbias, linear dweight/dbias) checked against the composed double oracles.
     */
    private static CheckResult checkComposed() {
        Rng rng = new Rng(77);
        Tensor x = uniform(rng, 2, 2, 4, 4), w1 = uniform(rng, 3, 2, 3, 3), b1 = uniform(rng, 3);
        Tensor w2 = uniform(rng, 4, 12), b2 = uniform(rng, 4);
        Conv2dConfig conv = Conv2dConfig.of(2, 3, 3).withPadding(1);
        PoolConfig pool = PoolConfig.of(2);

        var c = Functional.conv2d(x, w1, b1, conv);
        var p = Functional.maxPool2d(c.out(), pool);
        var l = Functional.linear(p.out().reshape(2, 12), w2, b2);
        Tensor dOut = uniform(rng, 2, 4);
        Functional.Grads gl = Functional.linearBackward(dOut, l.cache());
        Functional.Grads gp = Functional.maxPool2dBackward(gl.dX().reshape(2, 3, 2, 2), p.cache());
        Functional.Grads gc = Functional.conv2dBackward(gp.dX(), c.cache());

        Function<double[][], double[]> reference = in -> {
            double[] y1 = ReferenceConv2d.forward(conv, 2, 4, 4, in[0], in[1], in[2]);
            double[] y2 = ReferencePool.max(pool, 2 * 3, 4, 4, y1);
            double[] y3 = new double[2 * 4];
            for (int r = 0; r < 2; r++) {
                for (int o = 0; o < 4; o++) {
                    double s = in[4][o];
                    for (int i = 0; i < 12; i++) s += y2[r * 12 + i] * in[3][o * 12 + i];
                    y3[r * 4 + o] = s;
                }
            }
            return y3;
        };
        double[][] inputs = {GradCheck.widen(x.data()), GradCheck.widen(w1.data()), GradCheck.widen(b1.data()),
                GradCheck.widen(w2.data()), GradCheck.widen(b2.data())};
        float[][] analytic = {gc.dX().data(), gc.dWeight().data(), gc.dBias().data(), gl.dWeight().data(), gl.dBias().data()};
        String[] names = {"dx", "dweight (conv)", "dbias (conv)", "dweight (linear)", "dbias (linear)"};
        return compare("Functional (composed)", COMPOSED, inputs, analytic, names, reference, dOut.data());
    }

    private static CheckResult compare(String layer, String config, double[][] inputs, float[][] analytic, String[] names,
                                       Function<double[][], double[]> reference, float[] dOut) {
        double worst = 0;
        String worstName = names[0];
        for (int i = 0; i < inputs.length; i++) {
            final int which = i;
            double[] numeric = GradCheck.numeric(inputs[i], v -> {
                double[][] args = inputs.clone();
                args[which] = v;
                return GradCheck.dot(reference.apply(args), dOut);
            }, GradCheck.STEP);
            double err = GradCheck.maxRelError(analytic[i], numeric);
            if (!(err <= worst)) {
                worst = err;
                worstName = names[i];
            }
        }
        return new CheckResult(layer, config, worst, worstName);
    }

    private static CheckResult checkConv(Setup st, String config, long seed) {
        Conv2dConfig c = st.config();
        Rng rng = new Rng(seed);
        Conv2d conv = new Conv2d(c, rng);
        Tensor x = uniform(rng, st.n(), c.inChannels(), st.h(), st.w());
        Function<double[][], double[]> reference = in ->
                ReferenceConv2d.forward(c, st.n(), st.h(), st.w(), in[0], in[1], in.length > 2 ? in[2] : null);
        return checkLayer("Conv2d", config, conv, x, rng, reference);
    }

    /**
     * Checks any layer: analytic dX and parameter gradients from {@code layer}'s float backward against
     * centred differences of {@code reference}, a double-precision forward taking
     * {x, trainable params in {@link Layer#params()} order} and returning the output.
     *
     * @param layerName the layer's name for the result
     * @param config    its settings, for the result
     * @param layer     the layer; its gradients are zeroed first
     * @param x         the input
     * @param rng       draws dOut
     * @param reference the double forward
     * @return the largest relative error over dx and every parameter gradient
     */
    public static CheckResult checkLayer(String layerName, String config, Layer layer, Tensor x, Rng rng,
                                         Function<double[][], double[]> reference) {
        List<Param> params = layer.params().stream().filter(Param::isTrainable).toList();
        for (Param p : params) p.grad().zero();
        Tensor out = layer.forward(x);
        Tensor dOut = uniform(rng, out.shape());
        Tensor dX = layer.backward(dOut).copy();

        double[][] inputs = new double[1 + params.size()][];
        float[][] analytic = new float[1 + params.size()][];
        String[] names = new String[1 + params.size()];
        inputs[0] = GradCheck.widen(x.data());
        analytic[0] = dX.data();
        names[0] = "dx";
        for (int i = 0; i < params.size(); i++) {
            inputs[i + 1] = GradCheck.widen(params.get(i).value().data());
            analytic[i + 1] = params.get(i).grad().data();
            names[i + 1] = "d" + params.get(i).name();
        }
        return compare(layerName, config, inputs, analytic, names, reference, dOut.data());
    }

    /** Floats uniform in [-1, 1). */
    static Tensor uniform(Rng rng, int... shape) {
        Tensor t = new Tensor(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = 2 * rng.nextFloat() - 1;
        return t;
    }
}
