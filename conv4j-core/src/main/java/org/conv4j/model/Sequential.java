package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Layers applied one after another, like torch.nn.Sequential; the children are named "0", "1", ...
 * so parameter names match a torch state_dict ({@code "3.weight"}).
 *
 * <p>Training: {@link #forward} then {@link #backward} (which walks the layers in reverse and adds into every
 * gradient). {@link #infer} is thread-safe if every layer's is. Not thread-safe for training.
 */
public final class Sequential implements Container {
    private final List<Layer> layers;
    /** What forward, backward and infer run: the layers, with fusable neighbours as one ({@link Fusion}). */
    private final List<Fusion.Stage> stages;
    private boolean inputGradient = true;
    private Set<String> frozen = Set.of();
    /** The first stage backward runs: the ones before it need no gradient ({@link #setFrozen}). */
    private int firstBackward;

    /**
     * Runs {@code layers} in order.
     *
     * @param layers the layers; copied
     */
    public Sequential(List<? extends Layer> layers) {
        this.layers = List.copyOf(layers);
        this.stages = Fusion.plan(this.layers);
    }

    /**
     * Runs {@code layers} in order.
     *
     * @param layers the layers
     */
    public Sequential(Layer... layers) { this(List.of(layers)); }

    /** {@return the layers, in order; unmodifiable} */
    public List<Layer> layers() { return layers; }

    /** {@return the number of layers} */
    public int size() { return layers.size(); }

    /**
     * {@return layer {@code i}, the child named {@code "i"}}
     *
     * @param i 0-based index
     * @throws IndexOutOfBoundsException if {@code i} is outside 0..size()-1
     */
    public Layer get(int i) { return layers.get(i); }

    @Override
    public List<Child> children() {
        List<Child> c = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) c.add(new Child(Integer.toString(i), layers.get(i)));
        return c;
    }

    /** {@return the passes forward, backward and infer run, in forward order} */
    public List<Fusion.Stage> stages() { return stages; }

    @Override
    public Tensor forward(Tensor x) {
        for (Fusion.Stage s : stages) x = s.layer().forward(x);
        return x;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        for (int i = stages.size() - 1; i >= firstBackward; i--) dOut = stages.get(i).layer().backward(dOut);
        return firstBackward == 0 ? dOut : null;
    }

    /** Only the first layer's dX is this container's; every later layer's feeds its predecessor. */
    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
        planBackward();
    }

    /**
     * With the input gradient off, backward stops at the first stage holding a trainable parameter outside the
     * frozen children: nothing before it has a gradient to compute, and it needs no dX.
     */
    @Override
    public void setFrozen(Set<String> children) {
        frozen = Set.copyOf(children);
        planBackward();
    }

    /** Sets {@link #firstBackward} and which layers compute dX: all after the first one backward runs. */
    private void planBackward() {
        int first = 0;
        if (!inputGradient) {
            first = stages.size();
            for (int s = stages.size() - 1; s >= 0; s--) if (trains(stages.get(s))) first = s;
        }
        firstBackward = first;
        int firstLayer = first < stages.size() ? stages.get(first).first() : layers.size();
        for (int i = 0; i < layers.size(); i++) layers.get(i).setInputGradient(inputGradient || i > firstLayer);
        for (Fusion.Stage s : stages) if (s.span() > 1) s.layer().setInputGradient(inputGradient || s.first() > firstLayer);
    }

    /** True if a layer of {@code s} holds a trainable parameter and is not frozen. */
    private boolean trains(Fusion.Stage s) {
        for (int i = s.first(); i < s.first() + s.span(); i++) {
            if (!frozen.contains(Integer.toString(i)) && Layers.hasTrainable(layers.get(i))) return true;
        }
        return false;
    }

    @Override
    public Tensor infer(Tensor x) {
        // The caller's x is never written; a stage's output, which only the next stage reads, may be
        // (an element-wise activation then works in place). A view of the input (Flatten) shares its array.
        float[] callers = x.data();
        for (Fusion.Stage s : stages) {
            Tensor before = x;
            x = x.data() == callers ? s.layer().infer(x) : s.layer().inferInPlace(x);
            if (before.data() != callers && before.data() != x.data()) TensorPool.release(before.data());
        }
        return x;
    }

    @Override
    public int[] outputShape(int[] in) {
        for (Layer l : layers) in = l.outputShape(in);
        return in;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        for (Layer l : layers) p.addAll(l.params());
        return p;
    }

    @Override
    public void setTraining(boolean training) {
        for (Layer l : layers) l.setTraining(training);
    }

    @Override
    public String describe() { return "Sequential(" + layers.size() + " layers)"; }
}
