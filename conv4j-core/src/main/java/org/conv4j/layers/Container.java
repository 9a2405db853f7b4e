package org.conv4j.layers;

import java.util.List;
import java.util.Set;

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

    /**
     * Names the children whose parameters need no gradient (a fine-tuning run's frozen part), so that
     * {@link #backward} can skip the work nothing else needs. With the input gradient off
     * ({@link #setInputGradient}), a child that holds no trainable parameter outside {@code children} and reads
     * nothing computed from one runs no backward at all (a frozen stem costs only its forward pass), and a child
     * whose input comes only from such children computes its parameter gradients but no dX. The gradients of
     * every other parameter come out bitwise the same; those of the named children are left as they were (the
     * trainer zeroes them). An empty set, the default, undoes it. A container that cannot skip ignores the hint.
     *
     * @param children names of children, as {@link #children()} gives them; others are ignored
     */
    default void setFrozen(Set<String> children) {}
}
