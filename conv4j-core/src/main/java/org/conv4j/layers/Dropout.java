package org.conv4j.layers;

import java.util.List;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Inverted dropout, as torch.nn.Dropout: in training each value is zeroed with probability p and the
 * survivors are scaled by 1/(1 − p), so evaluation is the identity. Any shape.
 *
 * <p>The mask is drawn from the layer's own {@link Rng}, one {@code nextFloat()} per value in row-major
 * order (value kept when the draw is ≥ p), so a seed fixes every mask; its state is the layer's
 * {@link #state()} "rng", which checkpoints save so that a resumed run draws the same masks. A new layer is in training mode, as in torch.
 */
public final class Dropout implements Layer {
    private final DropoutConfig config;
    private final Rng rng;
    private boolean training = true;
    private Tensor mask;     // same shape as the last training input: 0 or 1/(1 − p)
    private Tensor out;      // owned output buffer of training forwards
    private Tensor dX;       // same shape
    private int[] lastShape; // shape of the last forward's input, null before one
    private boolean lastWasIdentity;

    /**
     * A dropout layer in training mode.
     *
     * @param config the drop probability p
     * @param rng    the generator the masks are drawn from; the layer advances it, so give it its own
     */
    public Dropout(DropoutConfig config, Rng rng) {
        this.config = config;
        this.rng = rng;
    }

    /** {@return the settings this layer was built with: the drop probability p} */
    public DropoutConfig config() { return config; }

    /**
     * The generator the masks come from.
     *
     * @return the generator, whose state is this layer's "rng" {@link #state()}
     */
    public Rng rng() { return rng; }

    @Override
    public List<LayerState> state() { return List.of(LayerState.generator("rng", rng)); }

    @Override
    public void setTraining(boolean training) { this.training = training; }

    /** {@return whether forward drops values; true for a new layer} */
    public boolean isTraining() { return training; }

    /**
     * Training: x times a fresh mask. Evaluation (or p = 0): returns x itself, not a copy.
     */
    @Override
    public Tensor forward(Tensor x) {
        lastShape = x.shape();
        lastWasIdentity = !training || config.p() == 0;
        if (lastWasIdentity) return x;
        mask = Buffers.reuse(mask, x);
        out = Buffers.reuse(out, x);
        float[] m = mask.data(), xs = x.data(), y = out.data();
        float p = (float) config.p();
        float scale = config.p() == 1 ? 0f : (float) (1.0 / (1.0 - config.p()));
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextFloat() >= p ? scale : 0f;
            y[i] = xs[i] * m[i];
        }
        return out;
    }

    /** dX = dOut times the last mask (dOut itself after an identity forward). */
    @Override
    public Tensor backward(Tensor dOut) {
        if (lastShape == null) throw new IllegalStateException(describe() + ": backward called before forward");
        Shapes.check(describe(), "dOut", dOut, lastShape);
        if (lastWasIdentity) return dOut;
        dX = Buffers.reuse(dX, dOut);
        float[] m = mask.data(), g = dOut.data(), dx = dX.data();
        for (int i = 0; i < m.length; i++) dx[i] = g[i] * m[i];
        return dX;
    }

    /** Evaluation mode: a copy of x. */
    @Override
    public Tensor infer(Tensor x) { return x.copy(); }

    /**
     * The scaled mask of the last training forward (0 or 1/(1 − p) per value), or null before one.
     *
     * @return a tensor of the last training input's shape, or null
     */
    public Tensor mask() { return mask; }

    @Override
    public int[] outputShape(int[] in) { return in.clone(); }

    @Override
    public String describe() { return "Dropout(p=" + config.p() + ")"; }
}
