package org.conv4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Layer;
import org.conv4j.util.Rng;

/**
 * The layer types a network spec may name ("Conv2d", "ReLU", "Residual", ...), each with how to read its
 * settings from JSON, write them back, and count its FLOPs. The mapping from a type name to a class is
 * fixed here, in code: a spec file chooses among registered types only, never a class by name.
 *
 * <p>JSON keys follow torch.nn's argument names ({@code in_channels}, {@code kernel_size}, {@code padding}).
 * The built-in types are {@link BuiltinLayers#types()}, added when this class initialises; others can be added
 * with {@link #register}.
 * Registration is thread-safe; lookups after start-up are read-only.
 */
public final class LayerRegistry {
    private LayerRegistry() {}

    private static final Map<String, LayerType<?>> BY_NAME = new LinkedHashMap<>();
    private static final Map<Class<?>, LayerType<?>> BY_CLASS = new LinkedHashMap<>();

    static {
        for (LayerType<?> t : BuiltinLayers.types()) add(t);
    }

    /**
     * Registers a type.
     *
     * @param name       the type's name in a spec ("Conv2d")
     * @param layerClass the class of the layers it builds
     * @param keys       the JSON keys the reader accepts besides "type" (anything else is an error)
     * @param reader     builds a layer from its settings
     * @param writer     writes a layer's settings
     * @param flops      counts a layer's FLOPs
     * @param <L>        the layer class
     * @throws IllegalArgumentException if the name is already registered for another class
     */
    public static synchronized <L extends Layer> void register(String name, Class<L> layerClass, List<String> keys,
                                                               LayerType.Reader<L> reader, LayerType.Writer<L> writer,
                                                               LayerType.Flops<L> flops) {
        add(new LayerType<>(name, layerClass, List.copyOf(keys), reader, writer, flops));
    }

    private static synchronized void add(LayerType<?> t) {
        LayerType<?> old = BY_NAME.get(t.name());
        if (old != null && old.layerClass() != t.layerClass()) {
            throw new IllegalArgumentException("layer type " + t.name() + " is already registered for " + old.layerClass().getName());
        }
        BY_NAME.put(t.name(), t);
        BY_CLASS.put(t.layerClass(), t);
    }

    /**
     * {@return a context for building a network from its spec with {@link #read}, initialising weights from
     * {@code rng}}
     *
     * @param rng the generator of the initial weights
     */
    public static LayerContext context(Rng rng) { return new LayerContext(rng, LayerRegistry::read); }

    /** {@return the names of every registered type, in registration order} */
    public static synchronized List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /**
     * {@return the registered type of this name, or null if none is}
     *
     * @param name the type's name, as in a spec's "type" ("Conv2d")
     */
    public static synchronized LayerType<?> byName(String name) { return BY_NAME.get(name); }

    /**
     * {@return the registered type of {@code layer}}
     *
     * @param layer the layer
     * @throws IllegalArgumentException naming the layer's class if no type is registered for it
     */
    public static synchronized LayerType<?> typeOf(Layer layer) {
        LayerType<?> t = BY_CLASS.get(layer.getClass());
        if (t == null) {
            throw new IllegalArgumentException("layer " + layer.describe() + " (" + layer.getClass().getName()
                    + ") has no registered type; register it with LayerRegistry.register to save it in a spec");
        }
        return t;
    }

    /**
     * {@return the layer described by {@code config} ({@code {"type": ..., settings...}})}
     *
     * @param config  the layer's JSON object
     * @param context the context to build it in
     * @throws FormatException naming the path if the type is unknown, a key is not the type's or a setting is
     *                         malformed
     */
    public static Layer read(Json.Obj config, LayerContext context) throws FormatException {
        String name = config.str("type");
        LayerType<?> t = byName(name);
        if (t == null) throw config.error("type", "unknown layer type \"" + name + "\"; known types: " + names());
        List<String> allowed = new ArrayList<>(t.keys());
        allowed.add("type");
        config.allowOnly(allowed);
        context.reserve(config);
        try {
            return t.reader().read(config, context);
        } catch (IllegalArgumentException e) {
            throw new FormatException(config.path() + " (" + name + "): " + e.getMessage(), e);
        }
    }

    /**
     * {@return the JSON settings of {@code layer}, type first}
     *
     * @param layer a layer of a registered type
     * @throws IllegalArgumentException naming the layer's class if no type is registered for it
     */
    public static Map<String, Object> write(Layer layer) {
        LayerType<?> t = typeOf(layer);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", t.name());
        t.write(layer, m);
        return m;
    }

    /**
     * {@return the FLOPs of one item's forward pass through {@code layer}}
     *
     * @param layer a layer of a registered type
     * @param in    one item's input shape, without the batch dimension
     * @throws IllegalArgumentException naming the layer's class if no type is registered for it
     */
    public static long flops(Layer layer, int[] in) {
        int[] out = layer.outputShape(in);
        return typeOf(layer).flopsOf(layer, in, out);
    }
}
