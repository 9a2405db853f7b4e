package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;

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
        for (int i = stages.size() - 1; i >= 0; i--) dOut = stages.get(i).layer().backward(dOut);
        return dOut;
    }

    /** Only the first layer's dX is this container's; every later layer's feeds its predecessor. */
    @Override
    public void setInputGradient(boolean needed) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).setInputGradient(i > 0 || needed);
        for (Fusion.Stage s : stages) if (s.span() > 1) s.layer().setInputGradient(s.first() > 0 || needed);
    }

    @Override
    public Tensor infer(Tensor x) {
        for (Fusion.Stage s : stages) x = s.layer().infer(x);
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
