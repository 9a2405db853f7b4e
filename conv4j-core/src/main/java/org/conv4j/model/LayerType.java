package org.conv4j.model;

import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Layer;

/**
 * One layer type a network spec may name: its name ("Conv2d"), its class, the JSON keys its settings take
 * besides "type", how to read and write those settings, and how to count its FLOPs. {@link LayerRegistry}
 * holds the registered types; {@link BuiltinLayers} defines conv4j's own.
 *
 * @param name       the type's name in a spec ("Conv2d")
 * @param layerClass the class of the layers it builds
 * @param keys       the JSON keys its settings take besides "type"
 * @param reader     builds a layer from its settings
 * @param writer     writes a layer's settings
 * @param flops      counts a layer's FLOPs
 * @param <L>        the layer class
 */
public record LayerType<L extends Layer>(String name, Class<L> layerClass, List<String> keys,
                                        Reader<L> reader, Writer<L> writer, Flops<L> flops) {
    @SuppressWarnings("unchecked")
    void write(Layer l, Map<String, Object> out) { writer.write((L) l, out); }

    @SuppressWarnings("unchecked")
    long flopsOf(Layer l, int[] in, int[] out) { return flops.flops((L) l, in, out); }

    /**
     * Builds one layer from its JSON settings.
     *
     * @param <L> the layer class
     */
    @FunctionalInterface
    public interface Reader<L extends Layer> {
        /**
         * {@return the layer built from {@code config}}
         *
         * @param config  the layer's JSON settings
         * @param context the context to build it in: weight initialisation and nested layers
         * @throws FormatException if a setting is missing or malformed; the message names the key
         */
        L read(Json.Obj config, LayerContext context) throws FormatException;
    }

    /**
     * Writes one layer's settings (without "type") so that {@link Reader} rebuilds the same layer.
     *
     * @param <L> the layer class
     */
    @FunctionalInterface
    public interface Writer<L extends Layer> {
        /**
         * Puts {@code layer}'s settings into {@code out}, one entry per JSON key.
         *
         * @param layer the layer to describe
         * @param out   receives the settings
         */
        void write(L layer, Map<String, Object> out);
    }

    /**
     * Floating-point operations (a multiply-add counts 2) of one item's forward pass.
     *
     * @param <L> the layer class
     */
    @FunctionalInterface
    public interface Flops<L extends Layer> {
        /**
         * {@return the FLOPs of one item's forward pass through {@code layer}}
         *
         * @param layer    the layer
         * @param inShape  one item's input shape, without the batch dimension
         * @param outShape one item's output shape, without the batch dimension
         */
        long flops(L layer, int[] inShape, int[] outShape);
    }

    /**
     * {@return the number of values in {@code shape}, as a long}
     *
     * @param shape the dimensions
     */
    public static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
