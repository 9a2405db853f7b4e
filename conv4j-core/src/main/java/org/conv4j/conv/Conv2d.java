package org.conv4j.conv;

import java.util.List;
import org.conv4j.kernels.conv.KernelCache;
import org.conv4j.kernels.conv.Workspace;
import org.conv4j.layers.Init;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.layers.SchemeInitialised;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.conv4j.util.SoftPool;

/**
 * 2-D convolution over NCHW batches, as torch.nn.Conv2d: any KH×KW, stride and dilation per axis, zero
 * padding per side (or "same"/"valid"), groups (including depthwise), optional bias.
 *
 * <p>x [N, C, H, W] → out [N, F, OH, OW]; weight [F, C/groups, KH, KW]; bias [F].
 * Computed by {@link ConvAlgorithm} (direct or im2col + GEMM); {@link ReferenceConv2d} is the direct-loop oracle it is
 * tested against. The tensors returned by forward/backward are reused at the next call of the same shape.
 */
public final class Conv2d implements SchemeInitialised {
    private final Conv2dConfig config;
    private final Param weight;  // [F, C/groups, KH, KW]
    private final Param bias;    // [F], or null
    private final String name;
    private final Workspace workspace = new Workspace();
    /**
     * Scratch of {@link #infer} calls, one per concurrent call: each call takes one and gives it back. Held softly:
     * a server reuses them call after call, and the collector takes them back before the heap runs out (a
     * trainer's evaluation in batches of 500 left scratch for 500 images held through the next epoch's training,
     * and the recipe model's second epoch ran out of conv4j train's default 640 MB heap).
     */
    private final SoftPool<Workspace> inferWorkspaces = new SoftPool<>(Workspace::new);
    /** Kernels infer keeps between calls, from {@link #prepareInference} to the next forward; else null. */
    private volatile KernelCache inferenceKernels;

    private Tensor x;            // [N, C, H, W] last forward input, kept for backward
    private WindowGeometry geometry;
    private Tensor out;          // [N, F, OH, OW] reused output buffer
    private Tensor dX;           // [N, C, H, W] reused input-gradient buffer
    private boolean inputGradient = true;

    /**
     * A convolution initialised per {@code config.init()} (torch.nn's default unless changed) from {@code rng}.
     *
     * @param config the layer's settings
     * @param rng    source of the initial weights and bias
     */
    public Conv2d(Conv2dConfig config, Rng rng) {
        this.config = config;
        this.name = config.describe();
        Tensor w = new Tensor(config.weightShape());
        Tensor b = config.bias() ? new Tensor(config.outChannels()) : null;
        Init.apply(config.init(), w, b, rng);
        this.weight = Param.trainable("weight", w);
        this.bias = b == null ? null : Param.trainable("bias", b);
    }

    /** {@return the settings this layer was built with: channels, kernel, stride, padding, dilation, groups, bias} */
    public Conv2dConfig config() { return config; }

    /** {@return the filters, [F, C/groups, KH, KW], with their gradient} */
    public Param weight() { return weight; }

    /**
     * The bias, or null when the config has none.
     *
     * @return the bias [F] with its gradient, or null
     */
    public Param bias() { return bias; }

    /**
     * Lets {@link #infer} derive what it computes from the weights (Winograd's transformed filters, the im2col
     * and direct convolutions' packed weights) once and keep it, instead of at every call: for serving, where the weights are fixed. They are dropped
     * by the next {@link #forward} (training) or {@link #reinitialise}; a write to the weights' values from
     * anywhere else is not seen until this is called again. Results are bitwise those without it.
     */
    public void prepareInference() { inferenceKernels = new KernelCache(); }

    @Override
    public void reinitialise(Init.Scheme scheme, Rng rng) {
        inferenceKernels = null;
        Init.apply(scheme, weight.value(), bias == null ? null : bias.value(), rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        WindowGeometry g = geometryFor(x);
        int n = x.dim(0);
        int[] outShape = {n, config.outChannels(), g.outH(), g.outW()};
        if (out == null || !out.hasShape(outShape)) out = new Tensor(outShape);
        inferenceKernels = null;
        ConvAlgorithm.forward(config, g, n, x.data(), weight.value().data(), bias == null ? null : bias.value().data(),
                out.data(), workspace);
        this.x = x;
        this.geometry = g;
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (x == null) throw new IllegalStateException(name + ": backward called before forward");
        int n = x.dim(0);
        Shapes.check(name, "dOut", dOut, n, config.outChannels(), geometry.outH(), geometry.outW());
        if (inputGradient && (dX == null || !dX.sameShape(x))) dX = Tensor.zerosLike(x);
        ConvAlgorithm.backward(config, geometry, n, x.data(), weight.value().data(), dOut.data(),
                inputGradient ? dX.data() : null, weight.grad().data(), bias == null ? null : bias.grad().data(), workspace);
        return inputGradient ? dX : null;
    }

    @Override
    public void setInputGradient(boolean needed) { inputGradient = needed; }

    @Override
    public Tensor infer(Tensor x) { return inferClamped(x, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY); }

    /**
     * {@link #infer}, then every output clamped to [lo, hi] in the same pass where the algorithm allows
     * ({@link ConvAlgorithm#forwardClamped}): a ReLU6 or Clip after this layer, fused ({@link ClampedConv2d}).
     * Bitwise {@code infer} then the clamp. Thread-safe.
     *
     * @param x  [N, C, H, W]
     * @param lo the lower bound, or −∞
     * @param hi the upper bound, or +∞
     * @return [N, F, OH, OW]
     */
    public Tensor inferClamped(Tensor x, float lo, float hi) {
        WindowGeometry g = geometryFor(x);
        int n = x.dim(0);
        Tensor y = TensorPool.output(n, config.outChannels(), g.outH(), g.outW());
        Workspace ws = inferWorkspaces.take();
        ws.useKernels(inferenceKernels);
        try {
            ConvAlgorithm.forwardClamped(config, g, n, x.data(), weight.value().data(), bias == null ? null : bias.value().data(),
                    lo, hi, y.data(), ws);
        } finally {
            inferWorkspaces.give(ws);
        }
        return y;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3 || in[0] != config.inChannels()) {
            throw new ShapeException(name, "input item", in, new int[] {config.inChannels(), -1, -1});
        }
        WindowGeometry g = config.geometry(in[1], in[2]);
        return new int[] {config.outChannels(), g.outH(), g.outW()};
    }

    @Override
    public List<Param> params() { return bias == null ? List.of(weight) : List.of(weight, bias); }

    @Override
    public String describe() { return name; }

    private WindowGeometry geometryFor(Tensor x) {
        Shapes.check(name, "x", x, -1, config.inChannels(), -1, -1);
        int h = x.dim(2), w = x.dim(3);
        WindowGeometry g = geometry;
        return g != null && g.inH() == h && g.inW() == w ? g : config.geometry(h, w);
    }
}
