package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Shapes;

/**
 * Per-layer output shape, parameter count and FLOPs (a multiply-add counts as 2, per image, forward pass),
 * like torchinfo's summary. Containers show their children indented below them.
 */
public final class Summary {
    /**
     * One row of the summary.
     *
     * @param name        the parameter-name prefix ("3", "4.block.0")
     * @param depth       nesting depth, 0 for a top-level layer
     * @param layer       the layer's description
     * @param outputShape one item's output shape, without the batch dimension
     * @param params      number of parameter values
     * @param flops       FLOPs of one item's forward pass
     */
    public record Row(String name, int depth, String layer, int[] outputShape, long params, long flops) {}

    private final List<Row> rows;
    private final long totalParams, trainableParams, totalFlops;
    private final int[] input;

    private Summary(List<Row> rows, int[] input, long totalParams, long trainableParams, long totalFlops) {
        this.rows = List.copyOf(rows);
        this.input = input;
        this.totalParams = totalParams;
        this.trainableParams = trainableParams;
        this.totalFlops = totalFlops;
    }

    /**
     * {@return the summary of {@code model}'s network, at its spec's input shape}
     *
     * @param model the model
     */
    public static Summary of(Model model) {
        List<Row> rows = new ArrayList<>();
        int[] in = model.spec().input();
        long flops = 0;
        if (model.network() instanceof Graph g) {
            flops = LayerRegistry.flops(g, in);
            graph("", 0, g, in, rows);
        } else {
            for (Container.Child c : model.network().children()) {
                flops += LayerRegistry.flops(c.layer(), in);
                in = walk(c.name(), 0, c.layer(), in, rows);
            }
        }
        long total = 0, trainable = 0;
        for (NamedParam p : NamedParam.of(model.network())) {
            total += p.param().value().size();
            if (p.param().isTrainable()) trainable += p.param().value().size();
        }
        return new Summary(rows, model.spec().input(), total, trainable, flops);
    }

    private static int[] walk(String name, int depth, Layer l, int[] in, List<Row> rows) {
        int[] out = l.outputShape(in);
        rows.add(new Row(name, depth, l.describe(), out, paramCount(l), LayerRegistry.flops(l, in)));
        if (l instanceof Residual r) {
            int[] x = in;
            for (Container.Child c : r.block().children()) x = walk(name + ".block." + c.name(), depth + 1, c.layer(), x, rows);
            if (r.shortcut() != null) {
                x = in;
                for (Container.Child c : r.shortcut().children()) x = walk(name + ".shortcut." + c.name(), depth + 1, c.layer(), x, rows);
            }
        }
        if (l instanceof Graph g) graph(name + ".", depth + 1, g, in, rows);
        return out;
    }

    /**
     * One row per node of a graph, named {@code prefix + node name} (its parameters' prefix); a node that does not
     * simply read the node before it shows what it reads ({@code "Add <- layer1.0.bn2, layer1.0.downsample.1"}).
     */
    private static void graph(String prefix, int depth, Graph g, int[] in, List<Row> rows) {
        Map<String, int[]> shapes = g.valueShapes(in);
        String previous = g.input();
        for (Graph.Node n : g.nodes()) {
            String reads = n.inputs().equals(List.of(previous)) ? "" : " <- " + String.join(", ", n.inputs());
            if (n.layer() != null) {
                int at = rows.size();
                walk(prefix + n.name(), depth, n.layer(), shapes.get(n.inputs().get(0)), rows);
                Row r = rows.get(at);
                rows.set(at, new Row(r.name(), r.depth(), r.layer() + reads, r.outputShape(), r.params(), r.flops()));
            } else {
                rows.add(new Row(prefix + n.name(), depth, n.describe() + reads, shapes.get(n.name()), 0, GraphSpec.nodeFlops(n, shapes)));
            }
            previous = n.name();
        }
    }

    static long flopsOf(Sequential s, int[] in) {
        long f = 0;
        for (Layer l : s.layers()) {
            f += LayerRegistry.flops(l, in);
            in = l.outputShape(in);
        }
        return f;
    }

    private static long paramCount(Layer l) {
        long n = 0;
        for (Param p : l.params()) if (p.isTrainable()) n += p.value().size();
        return n;
    }

    /** {@return one row per layer, in network order, children after their container} */
    public List<Row> rows() { return rows; }

    /** {@return the number of parameter values, trainable or not} */
    public long totalParams() { return totalParams; }

    /** {@return the number of trainable parameter values} */
    public long trainableParams() { return trainableParams; }

    /** {@return the FLOPs of one image's forward pass} */
    public long totalFlops() { return totalFlops; }

    /** {@return a fixed-width table, then totals} */
    public String format() {
        int wName = 4, wLayer = 5;
        for (Row r : rows) {
            wName = Math.max(wName, r.name().length() + 2 * r.depth());
            wLayer = Math.max(wLayer, r.layer().length());
        }
        StringBuilder b = new StringBuilder();
        String fmt = "%-" + wName + "s  %-" + wLayer + "s  %-16s %12s %14s%n";
        b.append(String.format(fmt, "name", "layer", "output", "params", "FLOPs"));
        b.append(String.format(fmt, "", "input", Shapes.show(input), "", ""));
        for (Row r : rows) {
            b.append(String.format(fmt, "  ".repeat(r.depth()) + r.name(), r.layer(), Shapes.show(r.outputShape()),
                    String.format("%,d", r.params()), String.format("%,d", r.flops())));
        }
        b.append(String.format("total params: %,d (trainable %,d; buffers %,d)%n", totalParams, trainableParams,
                totalParams - trainableParams));
        b.append(String.format("forward FLOPs per image: %,d (%.2f MFLOPs)%n", totalFlops, totalFlops / 1e6));
        return b.toString();
    }
}
