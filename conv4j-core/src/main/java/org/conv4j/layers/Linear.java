package org.conv4j.layers;

import java.util.List;
import org.conv4j.kernels.gemm.PackedB;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;
import org.conv4j.util.Rng;

/**
 * Fully connected layer, as torch.nn.Linear: x [N, in] → out [N, out] = x·Wᵀ + b, weight [out, in],
 * bias [out]. Computed by GEMM ({@link LinearOps}).
 */
public final class Linear implements SchemeInitialised {
    private final LinearConfig config;
    private final Param weight;  // [out, in]
    private final Param bias;    // [out], or null
    private final String name;

    private Tensor x;            // [N, in] last forward input
    private Tensor out;          // [N, out] reused
    private Tensor dX;           // [N, in] reused
    private boolean inputGradient = true;
    /** Whether infer keeps W packed: from {@link #prepareInference} to the next forward or reinitialise. */
    private volatile boolean keepPacked;
    private volatile PackedB packed;  // Wᵀ [in, out] packed, when keepPacked

    /**
     * A layer initialised per {@code config.init()} (torch.nn's default unless changed) from {@code rng}.
     *
     * @param config the layer's settings
     * @param rng    source of the initial weight and bias
     */
    public Linear(LinearConfig config, Rng rng) {
        this.config = config;
        this.name = config.describe();
        Tensor w = new Tensor(config.weightShape());
        Tensor b = config.bias() ? new Tensor(config.outFeatures()) : null;
        Init.apply(config.init(), w, b, rng);
        this.weight = Param.trainable("weight", w);
        this.bias = b == null ? null : Param.trainable("bias", b);
    }

    /** {@return the settings this layer was built with: feature counts, bias, initialisation} */
    public LinearConfig config() { return config; }

    /** {@return the weight [O, I] with its gradient} */
    public Param weight() { return weight; }

    /**
     * The bias, or null when the config has none.
     *
     * @return the bias [O] with its gradient, or null
     */
    public Param bias() { return bias; }

    /**
     * Lets {@link #infer} pack the weights for the matrix product once and keep them, instead of at every call:
     * for serving, where the weights are fixed (at batch 1 the packing costs more than the product). Dropped by
     * the next {@link #forward} (training) or {@link #reinitialise}; a write to the weights' values from anywhere
     * else is not seen until this is called again. Results are bitwise those without it.
     */
    public void prepareInference() {
        packed = null;
        keepPacked = true;
    }

    @Override
    public void reinitialise(Init.Scheme scheme, Rng rng) {
        keepPacked = false;
        packed = null;
        Init.apply(scheme, weight.value(), bias == null ? null : bias.value(), rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        Shapes.check(name, "x", x, -1, config.inFeatures());
        int n = x.dim(0);
        if (out == null || !out.hasShape(n, config.outFeatures())) out = new Tensor(n, config.outFeatures());
        keepPacked = false;
        packed = null;
        LinearOps.forward(n, config.inFeatures(), config.outFeatures(), x.data(), weight.value().data(),
                bias == null ? null : bias.value().data(), out.data());
        this.x = x;
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (x == null) throw new IllegalStateException(name + ": backward called before forward");
        int n = x.dim(0);
        Shapes.check(name, "dOut", dOut, n, config.outFeatures());
        if (inputGradient && (dX == null || !dX.sameShape(x))) dX = Tensor.zerosLike(x);
        LinearOps.backward(n, config.inFeatures(), config.outFeatures(), x.data(), weight.value().data(), dOut.data(),
                inputGradient ? dX.data() : null, weight.grad().data(), bias == null ? null : bias.grad().data());
        return inputGradient ? dX : null;
    }

    @Override
    public void setInputGradient(boolean needed) { inputGradient = needed; }

    @Override
    public Tensor infer(Tensor x) {
        Shapes.check(name, "x", x, -1, config.inFeatures());
        Tensor y = TensorPool.output(x.dim(0), config.outFeatures());
        float[] b = bias == null ? null : bias.value().data();
        if (keepPacked) {
            PackedB w = packed;
            if (w == null || w.b() != weight.value().data()) {
                // Two first calls may both pack: each result is right, one is kept.
                packed = w = LinearOps.pack(config.inFeatures(), config.outFeatures(), weight.value().data());
            }
            LinearOps.forward(x.dim(0), config.inFeatures(), config.outFeatures(), x.data(), w, b, y.data());
            return y;
        }
        LinearOps.forward(x.dim(0), config.inFeatures(), config.outFeatures(), x.data(), weight.value().data(),
                b, y.data());
        return y;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 1 || in[0] != config.inFeatures()) {
            throw new ShapeException(name, "input item", in, new int[] {config.inFeatures()});
        }
        return new int[] {config.outFeatures()};
    }

    @Override
    public List<Param> params() { return bias == null ? List.of(weight) : List.of(weight, bias); }

    @Override
    public String describe() { return name; }
}
