package org.conv4j.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parameter or buffer with its full torch-style name ({@code "0.weight"}, {@code "2.block.1.running_var"}),
 * and the layer that owns it (so an error can name the layer). Optimizers, model files and checkpoints all
 * address parameters this way.
 *
 * @param name  the full name: the layer's path, a dot, the parameter's local name
 * @param param the parameter or buffer
 * @param owner the (non-container) layer whose {@link Layer#params()} lists it
 */
public record NamedParam(String name, Param param, Layer owner) {

    /**
     * Every parameter and buffer under {@code root}, in a stable order, with full names.
     *
     * @param root the layer or model to walk
     * @return a new list in {@link Layers#walk} order
     */
    public static List<NamedParam> of(Layer root) {
        List<NamedParam> out = new ArrayList<>();
        Layers.walk(root, (path, layer) -> {
            if (layer instanceof Container) return; // a container's params() are its children's, named below it
            for (Param p : layer.params()) out.add(new NamedParam(Layers.child(path, p.name()), p, layer));
        });
        return out;
    }

    /**
     * Only the trainable parameters (those with a gradient).
     *
     * @param root the layer or model to walk
     * @return a new list in {@link Layers#walk} order, buffers left out
     */
    public static List<NamedParam> trainable(Layer root) {
        List<NamedParam> out = new ArrayList<>();
        for (NamedParam p : of(root)) if (p.param().isTrainable()) out.add(p);
        return out;
    }

    /**
     * Name → parameter, failing if two parameters share a name.
     *
     * @param root the layer or model to walk
     * @return a new map in {@link Layers#walk} order
     * @throws IllegalStateException if two parameters have the same full name
     */
    public static Map<String, NamedParam> byName(Layer root) {
        Map<String, NamedParam> m = new LinkedHashMap<>();
        for (NamedParam p : of(root)) {
            if (m.put(p.name(), p) != null) throw new IllegalStateException("two parameters are named " + p.name());
        }
        return m;
    }

}
