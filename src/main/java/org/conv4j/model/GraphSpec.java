package org.conv4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Layer;

/**
 * A {@link Graph} in a network spec: the settings of the layer type "Graph", also the value of a spec's top-level
 * "graph" key. JSON form (YAML is the same tree):
 * <pre>{@code
 * {"input": "x",                       // optional, default "input"
 *  "nodes": [
 *    {"name": "stem", "type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1},
 *    {"name": "relu", "type": "ReLU"},                        // no "inputs": reads the node before it
 *    {"name": "b1", "type": "Conv2d", "inputs": ["relu"], ...},
 *    {"name": "b2", "type": "Conv2d", "inputs": ["relu"], ...},
 *    {"name": "cat", "type": "Concat", "inputs": ["b1", "b2"], "dim": 1},
 *    ...],
 *  "output": "fc"}                     // optional, default the last node
 * }</pre>
 * A node is a layer type's settings (any registered type, containers included) or a merge ("Add", "Mul",
 * "Concat"), plus its "name" and "inputs" (a list of value names, or one name; omitted, the node reads the value of
 * the node declared just before it, or the graph's input for the first node). Errors name the node.
 */
final class GraphSpec {
    private GraphSpec() {}

    static final List<String> KEYS = List.of("input", "nodes", "output");
    private static final List<String> NODE_KEYS = List.of("name", "inputs");

    static Graph read(Json.Obj c, LayerContext ctx) throws FormatException {
        String input = c.str("input", Graph.DEFAULT_INPUT);
        List<Json.Obj> objs = c.objects("nodes");
        if (objs.isEmpty()) throw c.error("nodes", "a graph needs at least one node");
        List<Graph.Node> nodes = new ArrayList<>(objs.size());
        String previous = input;
        for (int i = 0; i < objs.size(); i++) {
            Json.Obj o = objs.get(i);
            String name = o.str("name");
            Json.Obj at = new Json.Obj(c.path() + ".nodes[" + i + "] (" + name + ")", o.map());
            List<String> inputs = inputs(at, previous);
            String type = at.str("type");
            try {
                if (MergeTypes.byName(type) != null) {
                    nodes.add(Graph.Node.of(name, MergeTypes.read(at, NODE_KEYS), inputs));
                } else if (LayerRegistry.byName(type) != null) {
                    Map<String, Object> settings = new LinkedHashMap<>(o.map());
                    settings.keySet().removeAll(NODE_KEYS);
                    Layer l = ctx.layer(new Json.Obj(at.path(), settings));
                    nodes.add(new Graph.Node(name, inputs, l, null));
                } else {
                    throw at.error("type", "unknown type \"" + type + "\"; layer types: " + LayerRegistry.names()
                            + "; merge types: " + MergeTypes.names());
                }
            } catch (IllegalArgumentException e) {
                throw new FormatException(at.path() + ": " + e.getMessage(), e);
            }
            previous = name;
        }
        String output = c.str("output", previous);
        try {
            return new Graph(input, nodes, output);
        } catch (IllegalArgumentException e) {
            throw new FormatException(c.path() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> inputs(Json.Obj o, String previous) throws FormatException {
        if (!o.has("inputs")) return List.of(previous);
        if (o.map().get("inputs") instanceof String s) return List.of(s);
        List<Object> a = o.array("inputs");
        List<String> r = new ArrayList<>(a.size());
        for (int k = 0; k < a.size(); k++) {
            if (!(a.get(k) instanceof String s)) throw o.error("inputs", "entry " + k + " is " + Json.kind(a.get(k)) + ", expected a value name");
            r.add(s);
        }
        return r;
    }

    /** The settings of {@code g} (without "type"): the input when not the default, every node, the output. */
    static void write(Graph g, Map<String, Object> out) {
        if (!g.input().equals(Graph.DEFAULT_INPUT)) out.put("input", g.input());
        List<Map<String, Object>> nodes = new ArrayList<>();
        String previous = g.input();
        for (Graph.Node n : g.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.putAll(n.layer() != null ? LayerRegistry.write(n.layer()) : MergeTypes.write(n.merge()));
            if (!n.inputs().equals(List.of(previous))) m.put("inputs", n.inputs());
            nodes.add(m);
            previous = n.name();
        }
        out.put("nodes", nodes);
        out.put("output", g.output());
    }

    /** FLOPs of one item through every node. */
    static long flops(Graph g, int[] in, int[] out) {
        Map<String, int[]> shapes = g.valueShapes(in);
        long f = 0;
        for (Graph.Node n : g.nodes()) f += nodeFlops(n, shapes);
        return f;
    }

    /** FLOPs of one item through node {@code n}, given every value's item shape. */
    static long nodeFlops(Graph.Node n, Map<String, int[]> shapes) {
        if (n.layer() != null) return LayerRegistry.flops(n.layer(), shapes.get(n.inputs().get(0)));
        List<int[]> ins = new ArrayList<>();
        for (String s : n.inputs()) ins.add(shapes.get(s));
        return MergeTypes.typeOf(n.merge()).flops(n.merge(), ins, shapes.get(n.name()));
    }

}
