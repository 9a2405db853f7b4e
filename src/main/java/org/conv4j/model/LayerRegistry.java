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
 * Built-in types are registered by {@link BuiltinLayers}; others can be added with {@link #register}.
 * Registration is thread-safe; lookups after start-up are read-only.
 */
public final class LayerRegistry {
    private LayerRegistry() {}

    /** Builds one layer from its JSON settings. */
    @FunctionalInterface
    public interface Reader<L extends Layer> {
        L read(Json.Obj config, Context context) throws FormatException;
    }

    /** Writes one layer's settings (without "type") so that {@link Reader} rebuilds the same layer. */
    @FunctionalInterface
    public interface Writer<L extends Layer> {
        void write(L layer, Map<String, Object> out);
    }

    /** Floating-point operations (a multiply-add counts 2) of one item's forward pass. */
    @FunctionalInterface
    public interface Flops<L extends Layer> {
        long flops(L layer, int[] inShape, int[] outShape);
    }

    /**
     * What a reader needs besides its settings: the generator that initialises weights, and a way to
     * build nested layer lists (for containers).
     */
    public static final class Context {
        /** Most parameters (float32 values) one network may declare: 2^28, 1 GiB of weights. */
        public static final long MAX_PARAMS = 1L << 28;

        private final Rng rng;
        private final Rng layerStreams;   // seeds layers' own generators without moving rng
        private long params;       // parameters declared so far, counted before each layer allocates them

        public Context(Rng rng) {
            this.rng = rng;
            this.layerStreams = rng.derive();
        }

        /**
         * Counts the parameters a layer's settings declare (Linear, Conv2d, BatchNorm: weights, bias,
         * running statistics) and refuses the network before anything is allocated if the total passes
         * {@link #MAX_PARAMS} or the heap: a 200-byte spec must not make conv4j allocate gigabytes.
         */
        void reserve(Json.Obj c) throws FormatException {
            long n = 0;
            try {
                if (c.has("in_features") && c.has("out_features")) {
                    long in = c.integer("in_features"), out = c.integer("out_features");
                    n = Math.addExact(Math.multiplyExact(Math.max(in, 0), Math.max(out, 0)), Math.max(out, 0));
                } else if (c.has("in_channels") && c.has("out_channels") && c.has("kernel_size")) {
                    long in = Math.max(c.integer("in_channels"), 0), out = Math.max(c.integer("out_channels"), 0);
                    long groups = c.has("groups") ? Math.max(c.integer("groups"), 1) : 1;
                    int[] k = c.intOrPair("kernel_size");
                    n = Math.addExact(Math.multiplyExact(Math.multiplyExact(out, in / groups),
                            Math.multiplyExact((long) Math.max(k[0], 0), Math.max(k[1], 0))), out);
                } else if (c.has("num_features")) {
                    n = Math.multiplyExact(4L, Math.max(c.integer("num_features"), 0));
                }
                params = Math.addExact(params, n);
            } catch (ArithmeticException e) {
                params = Long.MAX_VALUE;
            }
            if (params > MAX_PARAMS) {
                throw new FormatException(c.path() + ": the network declares more than " + MAX_PARAMS
                        + " parameters (" + (params == Long.MAX_VALUE ? "overflow" : params) + " so far), conv4j's limit");
            }
            org.conv4j.io.ReadLimits.fitsHeap(c.path(), "the network's " + params + " parameters", 4 * params);
        }

        /** The generator that initialises weights, layer after layer. */
        public Rng rng() { return rng; }

        /**
         * A new generator for a layer's own draws while it runs (dropout masks). It comes from a side stream,
         * so building such a layer leaves {@link #rng()} where it was: as in torch.nn, where only parameter
         * initialisation draws, the layers after it get the weights their torch.nn twins get.
         */
        public Rng layerRng() { return layerStreams.split(); }

        /** Builds each object of {@code config[key]} as a layer, in order. */
        public Sequential sequential(Json.Obj config, String key) throws FormatException {
            List<Layer> layers = new ArrayList<>();
            for (Json.Obj o : config.objects(key)) layers.add(read(o, this));
            return new Sequential(layers);
        }
    }

    /** One registered layer type. */
    public record Type<L extends Layer>(String name, Class<L> layerClass, List<String> keys,
                                        Reader<L> reader, Writer<L> writer, Flops<L> flops) {
        @SuppressWarnings("unchecked")
        void write(Layer l, Map<String, Object> out) { writer.write((L) l, out); }

        @SuppressWarnings("unchecked")
        long flopsOf(Layer l, int[] in, int[] out) { return flops.flops((L) l, in, out); }
    }

    private static final Map<String, Type<?>> BY_NAME = new LinkedHashMap<>();
    private static final Map<Class<?>, Type<?>> BY_CLASS = new LinkedHashMap<>();

    static {
        BuiltinLayers.registerAll();
    }

    /**
     * Registers a type.
     *
     * @param keys the JSON keys the reader accepts besides "type" (anything else is an error)
     */
    public static synchronized <L extends Layer> void register(String name, Class<L> layerClass, List<String> keys,
                                                               Reader<L> reader, Writer<L> writer, Flops<L> flops) {
        Type<L> t = new Type<>(name, layerClass, List.copyOf(keys), reader, writer, flops);
        Type<?> old = BY_NAME.get(name);
        if (old != null && old.layerClass() != layerClass) {
            throw new IllegalArgumentException("layer type " + name + " is already registered for " + old.layerClass().getName());
        }
        BY_NAME.put(name, t);
        BY_CLASS.put(layerClass, t);
    }

    /** Names of every registered type, in registration order. */
    public static synchronized List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    public static synchronized Type<?> byName(String name) { return BY_NAME.get(name); }

    /** The registered type of a layer, or an error naming its class. */
    public static synchronized Type<?> typeOf(Layer layer) {
        Type<?> t = BY_CLASS.get(layer.getClass());
        if (t == null) {
            throw new IllegalArgumentException("layer " + layer.describe() + " (" + layer.getClass().getName()
                    + ") has no registered type; register it with LayerRegistry.register to save it in a spec");
        }
        return t;
    }

    /** Builds the layer described by {@code config} ({@code {"type": ..., settings...}}). */
    public static Layer read(Json.Obj config, Context context) throws FormatException {
        String name = config.str("type");
        Type<?> t = byName(name);
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

    /** The JSON settings of {@code layer}, type first. */
    public static Map<String, Object> write(Layer layer) {
        Type<?> t = typeOf(layer);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", t.name());
        t.write(layer, m);
        return m;
    }

    /** FLOPs of one item through {@code layer}. */
    public static long flops(Layer layer, int[] in) {
        int[] out = layer.outputShape(in);
        return typeOf(layer).flopsOf(layer, in, out);
    }

    /** Number of values in a shape, as a long. */
    public static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
