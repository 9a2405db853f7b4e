package org.conv4j.model;

import static org.conv4j.model.LayerType.elements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.ConcatConfig;
import org.conv4j.merge.Merge;
import org.conv4j.merge.Mul;

/**
 * The merge types a graph node of a network spec may name ("Add", "Mul", "Concat"): how to read a merge's settings,
 * write them back and count its FLOPs, as {@link LayerRegistry} does for single-input layers. A spec chooses among
 * these types only.
 */
final class MergeTypes {
    private MergeTypes() {}

    /** One merge type; {@code keys} are the JSON keys its settings take besides "type", "name" and "inputs". */
    record Type<M extends Merge>(String name, Class<M> mergeClass, List<String> keys, Reader<M> reader,
                                 Writer<M> writerOf, Flops<M> flopsOf) {
        @SuppressWarnings("unchecked")
        void write(Merge m, Map<String, Object> out) { writerOf.write((M) m, out); }

        @SuppressWarnings("unchecked")
        long flops(Merge m, List<int[]> in, int[] out) { return flopsOf.flops((M) m, in, out); }
    }

    @FunctionalInterface
    interface Reader<M extends Merge> {
        M read(Json.Obj config) throws FormatException;
    }

    @FunctionalInterface
    interface Writer<M extends Merge> {
        void write(M merge, Map<String, Object> out);
    }

    @FunctionalInterface
    interface Flops<M extends Merge> {
        long flops(M merge, List<int[]> inShapes, int[] outShape);
    }

    private static final Map<String, Type<?>> BY_NAME = new LinkedHashMap<>();

    static {
        add(new Type<>("Add", Add.class, List.of(), c -> new Add(), (m, out) -> {},
                (m, in, out) -> (in.size() - 1) * elements(out)));
        add(new Type<>("Mul", Mul.class, List.of(), c -> new Mul(), (m, out) -> {}, (m, in, out) -> elements(out)));
        add(new Type<>("Concat", Concat.class, List.of("dim"),
                c -> new Concat(ConcatConfig.of(c.integer("dim", ConcatConfig.DEFAULT_DIM))),
                (m, out) -> out.put("dim", m.config().dim()),
                (m, in, out) -> 0));
    }

    private static void add(Type<?> t) { BY_NAME.put(t.name(), t); }

    /** Names of the merge types, in registration order. */
    static List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /** The type called {@code name}, or null. */
    static Type<?> byName(String name) { return BY_NAME.get(name); }

    /** The type of a merge, or an error naming its class. */
    static Type<?> typeOf(Merge m) {
        for (Type<?> t : BY_NAME.values()) if (t.mergeClass() == m.getClass()) return t;
        throw new IllegalArgumentException("merge " + m.describe() + " (" + m.getClass().getName() + ") has no spec type; "
                + "spec merge types: " + names());
    }

    /** Builds the merge {@code config} describes ({@code type} is one of {@link #names()}); {@code extra} keys are allowed too. */
    static Merge read(Json.Obj config, List<String> extra) throws FormatException {
        String name = config.str("type");
        Type<?> t = byName(name);
        if (t == null) throw config.error("type", "unknown merge type \"" + name + "\"; merge types: " + names());
        List<String> allowed = new ArrayList<>(t.keys());
        allowed.add("type");
        allowed.addAll(extra);
        config.allowOnly(allowed);
        try {
            return t.reader().read(config);
        } catch (IllegalArgumentException e) {
            throw new FormatException(config.path() + " (" + name + "): " + e.getMessage(), e);
        }
    }

    /** The JSON settings of {@code m}, type first. */
    static Map<String, Object> write(Merge m) {
        Type<?> t = typeOf(m);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", t.name());
        t.write(m, out);
        return out;
    }
}
