package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Layer;
import org.conv4j.util.Rng;

/**
 * What a reader needs besides its settings: the generator that initialises weights, and a way to
 * build nested layer lists (for containers).
 */
public final class LayerContext {
    /** Builds one nested layer ({@code {"type": ..., settings...}}) in this context. */
    @FunctionalInterface
    public interface Nested {
        /**
         * {@return the layer built from {@code config}}
         *
         * @param config  the layer's JSON object, with its "type"
         * @param context the context to build it in
         * @throws FormatException if the type is unknown or a setting is malformed
         */
        Layer read(Json.Obj config, LayerContext context) throws FormatException;
    }

    /** Most parameters (float32 values) one network may declare: 2^28, 1 GiB of weights. */
    public static final long MAX_PARAMS = 1L << 28;

    private final Rng rng;
    private final Rng layerStreams;   // seeds layers' own generators without moving rng
    private final Nested nested;
    private long params;       // parameters declared so far, counted before each layer allocates them

    /**
     * A context that initialises weights from {@code rng}.
     *
     * @param rng    the generator that initialises weights
     * @param nested builds a nested layer from its settings (the registry's {@link LayerRegistry#read})
     */
    public LayerContext(Rng rng, Nested nested) {
        this.rng = rng;
        this.layerStreams = rng.derive();
        this.nested = nested;
    }

    /**
     * Counts the parameters a layer's settings declare (Linear, Conv2d, BatchNorm, LayerNorm: weights,
     * bias, running statistics) and refuses the network before anything is allocated if the total passes
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
            } else if (c.has("num_channels")) {
                n = Math.multiplyExact(2L, Math.max(c.integer("num_channels"), 0));
            } else if (c.has("normalized_shape")) {
                long size = 1;
                int[] shape = c.map().get("normalized_shape") instanceof Json.Num
                        ? new int[] {c.integer("normalized_shape")} : c.intArray("normalized_shape");
                for (int d : shape) size = Math.multiplyExact(size, Math.max(d, 0));
                n = Math.multiplyExact(2L, size);
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

    /** {@return the generator that initialises weights, layer after layer} */
    public Rng rng() { return rng; }

    /**
     * A new generator for a layer's own draws while it runs (dropout masks). It comes from a side stream,
     * so building such a layer leaves {@link #rng()} where it was: as in torch.nn, where only parameter
     * initialisation draws, the layers after it get the weights their torch.nn twins get.
     *
     * @return a new generator, split from the side stream
     */
    public Rng layerRng() { return layerStreams.split(); }

    /**
     * Builds the one layer {@code config} describes ({@code {"type": ..., settings...}}), as a container's child.
     *
     * @param config the layer's JSON object
     * @return the layer
     * @throws FormatException naming the path if the type is unknown or a setting is malformed
     */
    public Layer layer(Json.Obj config) throws FormatException { return nested.read(config, this); }

    /**
     * Builds each object of {@code config[key]} as a layer, in order.
     *
     * @param config the container's JSON object
     * @param key    the key of the list of layers
     * @return the layers, as a Sequential
     * @throws FormatException naming the path if the key is missing or a layer is malformed
     */
    public Sequential sequential(Json.Obj config, String key) throws FormatException {
        List<Layer> layers = new ArrayList<>();
        for (Json.Obj o : config.objects(key)) layers.add(nested.read(o, this));
        return new Sequential(layers);
    }
}
