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
 */
public record LayerType<L extends Layer>(String name, Class<L> layerClass, List<String> keys,
                                        Reader<L> reader, Writer<L> writer, Flops<L> flops) {
    @SuppressWarnings("unchecked")
    void write(Layer l, Map<String, Object> out) { writer.write((L) l, out); }

    @SuppressWarnings("unchecked")
    long flopsOf(Layer l, int[] in, int[] out) { return flops.flops((L) l, in, out); }

    /** Builds one layer from its JSON settings. */
    @FunctionalInterface
    public interface Reader<L extends Layer> {
        L read(Json.Obj config, LayerContext context) throws FormatException;
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

    /** Number of values in a shape, as a long. */
    public static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
