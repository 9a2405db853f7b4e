package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * A residual block: {@code out = block(x) + shortcut(x)}, where the shortcut is the identity or a
 * projection (typically a 1×1 strided conv, optionally followed by BatchNorm2d) that makes the shapes agree.
 * Put the activation after the block in the enclosing Sequential, as ResNet does.
 *
 * <p>Children are named {@code "block"} and {@code "shortcut"}: parameter names read
 * {@code "4.block.0.weight"}, {@code "4.shortcut.1.running_mean"}.
 */
public final class Residual implements Container {
    private final Sequential block;
    private final Sequential shortcut; // null for the identity
    private Tensor out; // [N, ...] reused across batches of one shape
    private Tensor dX;
    private boolean inputGradient = true;

    /**
     * A block with a shortcut.
     *
     * @param block    the main path; at least one layer
     * @param shortcut the projection, or null (or empty) for the identity
     * @throws IllegalArgumentException if {@code block} is null or empty
     */
    public Residual(Sequential block, Sequential shortcut) {
        if (block == null || block.size() == 0) throw new IllegalArgumentException("Residual: the block needs at least one layer");
        if (shortcut != null && shortcut.size() == 0) shortcut = null;
        this.block = block;
        this.shortcut = shortcut;
    }

    /** {@return the main path} */
    public Sequential block() { return block; }

    /** {@return the projection, or null when the shortcut is the identity} */
    public Sequential shortcut() { return shortcut; }

    @Override
    public List<Child> children() {
        List<Child> c = new ArrayList<>(2);
        c.add(new Child("block", block));
        if (shortcut != null) c.add(new Child("shortcut", shortcut));
        return c;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor s = shortcut == null ? x : shortcut.forward(x);
        Tensor b = block.forward(x);
        checkSameShape(b, s);
        if (out == null || !out.sameShape(b)) out = Tensor.zerosLike(b);
        add(b.data(), s.data(), out.data());
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (!inputGradient) {
            // Both branches read x, so neither's dX is needed: only their parameter gradients.
            if (shortcut != null) shortcut.backward(dOut);
            block.backward(dOut);
            return null;
        }
        // The shortcut's gradient is copied out before the block runs its backward, so neither path can
        // see the other's buffers.
        Tensor dS = shortcut == null ? dOut : shortcut.backward(dOut);
        if (dX == null || !dX.sameShape(dS)) dX = Tensor.zerosLike(dS);
        System.arraycopy(dS.data(), 0, dX.data(), 0, dX.size());
        Tensor dB = block.backward(dOut);
        Shapes.check(describe(), "dX of block", dB, dX.shape());
        float[] d = dX.data(), db = dB.data();
        for (int i = 0; i < d.length; i++) d[i] += db[i];
        return dX;
    }

    /** x feeds both branches, so both see the same setting. */
    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
        block.setInputGradient(needed);
        if (shortcut != null) shortcut.setInputGradient(needed);
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor s = shortcut == null ? x : shortcut.infer(x);
        Tensor b = block.infer(x);
        checkSameShape(b, s);
        // The block's output is this call's own (as a Sequential's stage outputs are) unless it shares x's array or
        // the shortcut's (a block of views): then the sum gets an array of its own. Same bits either way.
        float[] xd = x.data(), bd = b.data(), sd = s.data();
        Tensor r = bd == xd || bd == sd ? TensorPool.output(b.shape()) : b;
        add(bd, sd, r.data());
        if (sd != xd && sd != r.data()) TensorPool.release(sd);
        return r;
    }

    private void checkSameShape(Tensor b, Tensor s) {
        if (!b.sameShape(s)) throw new ShapeException(describe(), "shortcut output", s.shape(), b.shape());
    }

    private static void add(float[] a, float[] b, float[] out) {
        for (int i = 0; i < out.length; i++) out[i] = a[i] + b[i];
    }

    @Override
    public int[] outputShape(int[] in) {
        int[] b = block.outputShape(in);
        int[] s = shortcut == null ? in : shortcut.outputShape(in);
        if (!java.util.Arrays.equals(b, s)) {
            throw new ShapeException(describe(), "shortcut output", s, b);
        }
        return b;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(block.params());
        if (shortcut != null) p.addAll(shortcut.params());
        return p;
    }

    @Override
    public void setTraining(boolean training) {
        block.setTraining(training);
        if (shortcut != null) shortcut.setTraining(training);
    }

    @Override
    public String describe() {
        return "Residual(" + block.size() + " layers, " + (shortcut == null ? "identity" : "projection") + ")";
    }
}
