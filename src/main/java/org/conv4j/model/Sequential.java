package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.activation.ReLU;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.pool.MaxPool2d;
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
    /**
     * reluIntoPool[i]: layer i is a ReLU and layer i + 1 a MaxPool2d, run as one pass
     * ({@link MaxPool2d#forwardAfterRelu}) with the same results, bitwise, and without ReLU's output:
     * about 15% of a training step of the reference CNN was those two streaming over memory.
     */
    private final boolean[] reluIntoPool;

    public Sequential(List<? extends Layer> layers) {
        this.layers = List.copyOf(layers);
        this.reluIntoPool = new boolean[this.layers.size()];
        for (int i = 0; i + 1 < this.layers.size(); i++) {
            reluIntoPool[i] = this.layers.get(i) instanceof ReLU && this.layers.get(i + 1) instanceof MaxPool2d;
        }
    }

    public Sequential(Layer... layers) { this(List.of(layers)); }

    public List<Layer> layers() { return layers; }

    public int size() { return layers.size(); }

    public Layer get(int i) { return layers.get(i); }

    @Override
    public List<Child> children() {
        List<Child> c = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) c.add(new Child(Integer.toString(i), layers.get(i)));
        return c;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            if (reluIntoPool[i]) x = ((MaxPool2d) layers.get(++i)).forwardAfterRelu(x);
            else x = layers.get(i).forward(x);
        }
        return x;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (i > 0 && reluIntoPool[i - 1]) dOut = ((MaxPool2d) layers.get(i--)).backwardThroughRelu(dOut);
            else dOut = layers.get(i).backward(dOut);
        }
        return dOut;
    }

    /** Only the first layer's dX is this container's; every later layer's feeds its predecessor. */
    @Override
    public void setInputGradient(boolean needed) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).setInputGradient(i > 0 || needed);
    }

    @Override
    public Tensor infer(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            if (reluIntoPool[i]) x = ((MaxPool2d) layers.get(++i)).inferAfterRelu(x);
            else x = layers.get(i).infer(x);
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
