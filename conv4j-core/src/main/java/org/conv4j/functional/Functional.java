package org.conv4j.functional;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.kernels.conv.Workspace;
import org.conv4j.layers.LinearOps;
import org.conv4j.pool.PoolConfig;
import org.conv4j.pool.Pooling;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;

/**
 * Stateless functions in the spirit of torch.nn.functional (and cs231n's {@code *_forward}/{@code *_backward}):
 * each forward returns the output and a cache; the matching backward takes dOut and that cache and returns
 * fresh gradients {@link Grads}(dX, dWeight, dBias). They run the same kernels as the layers
 * ({@code Conv2d}, {@code MaxPool2d}, {@code AvgPool2d}, {@code Linear}).
 *
 * <pre>{@code
 * var fwd = Functional.conv2d(x, w, b, 1, 1);          // x [N, C, H, W], w [F, C, 3, 3], b [F]
 * var pooled = Functional.maxPool2d(fwd.out(), 2, 2);
 * Grads gPool = Functional.maxPool2dBackward(dLoss, pooled.cache());
 * Grads gConv = Functional.conv2dBackward(gPool.dX(), fwd.cache());  // gConv.dWeight() [F, C, 3, 3]
 * }</pre>
 * Nothing is kept between calls; every call allocates its results, so the functions are thread-safe.
 * Caches hold references to the inputs: do not modify x or w between forward and backward.
 */
public final class Functional {
    private Functional() {}

    /** A forward result: the output and what the backward needs. */
    public record Out<C>(Tensor out, C cache) {}

    /** Gradients from a backward: dX always; dWeight and dBias when the function has them (else null). */
    public record Grads(Tensor dX, Tensor dWeight, Tensor dBias) {}

    /** What {@link #conv2dBackward} needs. */
    public record ConvCache(Tensor x, Tensor weight, Tensor bias, Conv2dConfig config, WindowGeometry geometry) {}

    /** What the pooling backwards need; {@code argmax} is null for average pooling. */
    public record PoolCache(int[] xShape, PoolConfig config, WindowGeometry geometry, int[] argmax) {}

    /** What {@link #linearBackward} needs. */
    public record LinearCache(Tensor x, Tensor weight, Tensor bias) {}

    // ---- conv2d ----------------------------------------------------------------------------------

    /** torch's F.conv2d(x, w, b, stride, padding): no dilation, one group. */
    public static Out<ConvCache> conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding) {
        return conv2d(x, w, b, stride, padding, 1, 1);
    }

    /**
     * torch's F.conv2d(x, w, b, stride, padding, dilation, groups) with square settings.
     *
     * @param x [N, C, H, W]
     * @param w [F, C/groups, KH, KW]
     * @param b [F] or null
     */
    public static Out<ConvCache> conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        Shapes.checkRank("Functional.conv2d", "weight", w, 4);
        Shapes.checkRank("Functional.conv2d", "x", x, 4);
        Conv2dConfig c = Conv2dConfig.of(x.dim(1), w.dim(0), w.dim(2), w.dim(3))
                .withStride(stride).withPadding(padding).withDilation(dilation).withGroups(groups);
        return conv2d(x, w, b, c);
    }

    /**
     * Convolution with every setting of {@code config} (stride/padding/dilation per axis, same/valid,
     * groups); whether there is a bias is decided by {@code b}, not by {@code config.bias()}.
     */
    public static Out<ConvCache> conv2d(Tensor x, Tensor w, Tensor b, Conv2dConfig config) {
        Conv2dConfig c = config.withBias(b != null);
        String where = "Functional.conv2d " + c.describe();
        Shapes.check(where, "x", x, -1, c.inChannels(), -1, -1);
        Shapes.check(where, "weight", w, c.weightShape());
        if (b != null) Shapes.check(where, "bias", b, c.outChannels());
        WindowGeometry g = c.geometry(x.dim(2), x.dim(3));
        Tensor out = new Tensor(x.dim(0), c.outChannels(), g.outH(), g.outW());
        ConvAlgorithm.forward(c, g, x.dim(0), x.data(), w.data(), b == null ? null : b.data(), out.data(), new Workspace());
        return new Out<>(out, new ConvCache(x, w, b, c, g));
    }

    /** dX [N, C, H, W], dWeight [F, C/groups, KH, KW], dBias [F] (null without bias). */
    public static Grads conv2dBackward(Tensor dOut, ConvCache cache) {
        Conv2dConfig c = cache.config();
        WindowGeometry g = cache.geometry();
        int n = cache.x().dim(0);
        Shapes.check("Functional.conv2dBackward " + c.describe(), "dOut", dOut, n, c.outChannels(), g.outH(), g.outW());
        Tensor dX = Tensor.zerosLike(cache.x()), dW = Tensor.zerosLike(cache.weight());
        Tensor dB = cache.bias() == null ? null : Tensor.zerosLike(cache.bias());
        ConvAlgorithm.backward(c, g, n, cache.x().data(), cache.weight().data(), dOut.data(),
                dX.data(), dW.data(), dB == null ? null : dB.data(), new Workspace());
        return new Grads(dX, dW, dB);
    }

    // ---- pooling ---------------------------------------------------------------------------------

    /** torch's F.max_pool2d(x, kernel, stride). */
    public static Out<PoolCache> maxPool2d(Tensor x, int kernel, int stride) {
        return maxPool2d(x, PoolConfig.of(kernel).withStride(stride));
    }

    /** Max pooling of x [N, C, H, W] → [N, C, OH, OW]. */
    public static Out<PoolCache> maxPool2d(Tensor x, PoolConfig config) {
        WindowGeometry g = poolGeometry("Functional.maxPool2d", x, config);
        Tensor out = new Tensor(x.dim(0), x.dim(1), g.outH(), g.outW());
        int[] argmax = new int[out.size()];
        Pooling.maxForward(g, x.dim(0) * x.dim(1), x.data(), out.data(), argmax);
        return new Out<>(out, new PoolCache(x.shape(), config, g, argmax));
    }

    /** dX [N, C, H, W]; dWeight and dBias are null. */
    public static Grads maxPool2dBackward(Tensor dOut, PoolCache cache) {
        if (cache.argmax() == null) throw new IllegalArgumentException("Functional.maxPool2dBackward: cache is from avgPool2d");
        Tensor dX = poolBackwardTarget("Functional.maxPool2dBackward", dOut, cache);
        Pooling.maxBackward(cache.geometry(), cache.xShape()[0] * cache.xShape()[1], dOut.data(), cache.argmax(), dX.data());
        return new Grads(dX, null, null);
    }

    /** torch's F.avg_pool2d(x, kernel, stride) (count_include_pad true). */
    public static Out<PoolCache> avgPool2d(Tensor x, int kernel, int stride) {
        return avgPool2d(x, PoolConfig.of(kernel).withStride(stride));
    }

    /** Average pooling of x [N, C, H, W] → [N, C, OH, OW]. */
    public static Out<PoolCache> avgPool2d(Tensor x, PoolConfig config) {
        WindowGeometry g = poolGeometry("Functional.avgPool2d", x, config);
        Tensor out = new Tensor(x.dim(0), x.dim(1), g.outH(), g.outW());
        Pooling.avgForward(g, config.countIncludePad(), x.dim(0) * x.dim(1), x.data(), out.data());
        return new Out<>(out, new PoolCache(x.shape(), config, g, null));
    }

    /** dX [N, C, H, W]; dWeight and dBias are null. */
    public static Grads avgPool2dBackward(Tensor dOut, PoolCache cache) {
        if (cache.argmax() != null) throw new IllegalArgumentException("Functional.avgPool2dBackward: cache is from maxPool2d");
        Tensor dX = poolBackwardTarget("Functional.avgPool2dBackward", dOut, cache);
        Pooling.avgBackward(cache.geometry(), cache.config().countIncludePad(), cache.xShape()[0] * cache.xShape()[1],
                dOut.data(), dX.data());
        return new Grads(dX, null, null);
    }

    private static WindowGeometry poolGeometry(String where, Tensor x, PoolConfig config) {
        Shapes.checkRank(where, "x", x, 4);
        return config.geometry(where, x.dim(2), x.dim(3));
    }

    private static Tensor poolBackwardTarget(String where, Tensor dOut, PoolCache cache) {
        int[] s = cache.xShape();
        Shapes.check(where, "dOut", dOut, s[0], s[1], cache.geometry().outH(), cache.geometry().outW());
        return new Tensor(s);
    }

    // ---- linear ----------------------------------------------------------------------------------

    /**
     * torch's F.linear: out [N, O] = x [N, I] · wᵀ + b, with w [O, I] and b [O] or null.
     */
    public static Out<LinearCache> linear(Tensor x, Tensor w, Tensor b) {
        Shapes.checkRank("Functional.linear", "weight", w, 2);
        int o = w.dim(0), in = w.dim(1);
        Shapes.check("Functional.linear", "x", x, -1, in);
        if (b != null) Shapes.check("Functional.linear", "bias", b, o);
        Tensor out = new Tensor(x.dim(0), o);
        LinearOps.forward(x.dim(0), in, o, x.data(), w.data(), b == null ? null : b.data(), out.data());
        return new Out<>(out, new LinearCache(x, w, b));
    }

    /** dX [N, I], dWeight [O, I], dBias [O] (null without bias). */
    public static Grads linearBackward(Tensor dOut, LinearCache cache) {
        int n = cache.x().dim(0), o = cache.weight().dim(0), in = cache.weight().dim(1);
        Shapes.check("Functional.linearBackward", "dOut", dOut, n, o);
        Tensor dX = Tensor.zerosLike(cache.x()), dW = Tensor.zerosLike(cache.weight());
        Tensor dB = cache.bias() == null ? null : Tensor.zerosLike(cache.bias());
        LinearOps.backward(n, in, o, cache.x().data(), cache.weight().data(), dOut.data(),
                dX.data(), dW.data(), dB == null ? null : dB.data());
        return new Grads(dX, dW, dB);
    }

}
