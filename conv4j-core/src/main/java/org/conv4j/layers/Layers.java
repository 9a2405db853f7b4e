package org.conv4j.layers;

import java.util.List;

/**
 * Walks a tree of layers. A layer's <em>path</em> is the dot-joined names of the {@link Container.Child children}
 * leading to it from the root ({@code ""} for the root itself, {@code "3"}, {@code "4.block.0"}): the prefix of its
 * parameters' names in a torch state_dict ({@code "4.block.0.weight"}). Every name-based lookup of a model's
 * parts (parameters, layer state, the first convolution) goes through {@link #walk}, so they all agree on names
 * and order.
 */
public final class Layers {
    private Layers() {}

    /** What {@link #walk} calls for each layer. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * Called once per layer.
         *
         * @param path  the layer's path from the root, {@code ""} for the root
         * @param layer the layer
         */
        void visit(String path, Layer layer);
    }

    /**
     * Calls {@code visitor} on {@code root} and every layer below it, depth first, each container before its
     * children and the children in {@link Container#children()} order. That order is the order of
     * {@link NamedParam#of} and so of the tensors in model files and checkpoints.
     *
     * @param root    the layer to start from
     * @param visitor called for each layer with its path
     */
    public static void walk(Layer root, Visitor visitor) {
        walk("", root, visitor);
    }

    private static void walk(String path, Layer layer, Visitor visitor) {
        visitor.visit(path, layer);
        for (Container.Child ch : children(layer)) walk(child(path, ch.name()), ch.layer(), visitor);
    }

    /**
     * The children of a container, or none for any other layer.
     *
     * @param layer any layer
     * @return {@link Container#children()}, or an empty list
     */
    public static List<Container.Child> children(Layer layer) {
        return layer instanceof Container c ? c.children() : List.of();
    }

    /**
     * Whether backward has a parameter gradient to compute in {@code layer}.
     *
     * @param layer any layer
     * @return true if it (or a layer inside it) holds a trainable parameter, not only buffers
     */
    public static boolean hasTrainable(Layer layer) {
        for (Param p : layer.params()) if (p.isTrainable()) return true;
        return false;
    }

    /**
     * The path of {@code name} inside the layer at {@code path}: {@code "4" + "block"} is {@code "4.block"}.
     *
     * @param path the parent's path, {@code ""} for the root
     * @param name the child's name
     * @return the child's path
     */
    public static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
