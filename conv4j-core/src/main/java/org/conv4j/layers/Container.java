package org.conv4j.layers;

import java.util.List;

/**
 * A layer made of named child layers (Sequential, Residual). Parameter names are the path of child names
 * joined with dots, then the layer's local name, as in a torch state_dict: {@code "3.weight"},
 * {@code "4.block.0.running_mean"}.
 */
public interface Container extends Layer {
    /**
     * A child layer with its name inside the container.
     *
     * @param name  the child's name, the next part of its parameters' names
     * @param layer the child
     */
    record Child(String name, Layer layer) {}

    /** {@return the child layers in a stable order, the order of {@link Layers#walk} and of model files} */
    List<Child> children();
}
