package org.conv4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Container;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.layers.Param;
import org.conv4j.merge.Merge;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * A directed acyclic graph of layers with named values: the network shape of ResNet, DenseNet, MobileNet or
 * EfficientNet, where branches fork and merge. The graph reads one input value (named {@link #input()},
 * {@code "input"} by default); each {@link Node} has a unique name, which is also the name of the one value it
 * outputs, and reads the values it names: a {@link Layer} node reads one, a {@link Merge} node (Add, Mul,
 * Concat) reads one or more. The node named {@link #output()} is the graph's output.
 *
 * <p>A graph is itself a layer with one input and one output ({@link Container}), so it nests, trains and saves
 * like a {@link Sequential}. Its children are its layer nodes, named by node name, so parameter names are
 * {@code <node>.<param>}: a node named {@code "layer1.0.conv1"} holding a Conv2d owns
 * {@code "layer1.0.conv1.weight"}, torch's state_dict name (node names may contain dots). Merge nodes have no
 * parameters and are not children.
 *
 * <p>Order: nodes are declared in topological order (every value a node reads comes from the input or an earlier
 * node; the constructor checks it and names the node otherwise, or the cycle). Forward and infer run the nodes in
 * that order; backward runs them in the reverse order. Every node must lead to the output.
 *
 * <p>Fan-out: when a value feeds several nodes, their gradients add into it. The contributions arrive in backward
 * order (the last consumer's first; within a merge, input 0's first) and are summed in float in that fixed order,
 * so training is bitwise reproducible whatever the thread count.
 *
 * <p>Buffers (the reuse rule of {@link Layer}): forward keeps only references to the values; none is copied. That
 * is safe because every node runs once per pass, so the buffer a layer owns is not overwritten before the pass
 * ends, and no layer or merge writes into its inputs, so a value read by several nodes (or a dOut handed to several
 * inputs by an Add) is seen unchanged by each. The one buffer the graph owns per value with several consumers is
 * its gradient sum: the first contribution is kept by reference and the second is added into a graph buffer
 * rather than into the first, which belongs to another layer.
 *
 * <p>Thread safety: {@link #infer} is thread-safe if every node's is. Not thread-safe for training. The same
 * layer instance may not appear twice in a graph (its buffers would be shared between the two places).
 */
public final class Graph implements Container {
    /** The name of the graph's input when none is given. */
    public static final String DEFAULT_INPUT = "input";

    /**
     * One node: its name (the name of its output value), the values it reads, and what it runs: exactly one of
     * {@code layer} (reading one value) and {@code merge} (reading {@link Merge#minInputs()} to
     * {@link Merge#maxInputs()} values).
     *
     * @param name   the node's name, which is also the name of its output value
     * @param inputs the names of the values it reads, in order
     * @param layer  the layer it runs, or null for a merge node
     * @param merge  the merge it runs, or null for a layer node
     */
    public record Node(String name, List<String> inputs, Layer layer, Merge merge) {
        /**
         * Validates the node and copies its inputs.
         *
         * @throws IllegalArgumentException if the name is empty or malformed, the node holds both or neither of
         *                                  a layer and a merge, or its input count does not fit what it runs
         */
        public Node {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("Graph: a node needs a name");
            checkName(name);
            if ((layer == null) == (merge == null)) {
                throw new IllegalArgumentException("Graph node '" + name + "': holds exactly one of a layer and a merge");
            }
            inputs = List.copyOf(inputs);
            if (layer != null && inputs.size() != 1) {
                throw new IllegalArgumentException("Graph node '" + name + "' (" + layer.describe() + "): a layer reads one value, got "
                        + inputs.size() + " " + inputs);
            }
            if (merge != null && (inputs.size() < merge.minInputs() || inputs.size() > merge.maxInputs())) {
                throw new IllegalArgumentException("Graph node '" + name + "' (" + merge.describe() + "): takes "
                        + (merge.maxInputs() == merge.minInputs() ? merge.minInputs() + "" : "at least " + merge.minInputs())
                        + " inputs, got " + inputs.size() + " " + inputs);
            }
        }

        /**
         * {@return a layer node reading the value {@code input}}
         *
         * @param name  the node's name
         * @param layer the layer it runs
         * @param input the value it reads
         */
        public static Node of(String name, Layer layer, String input) { return new Node(name, List.of(input), layer, null); }

        /**
         * {@return a merge node reading {@code inputs} in order}
         *
         * @param name   the node's name
         * @param merge  the merge it runs
         * @param inputs the values it reads
         */
        public static Node of(String name, Merge merge, List<String> inputs) { return new Node(name, inputs, null, merge); }

        /**
         * {@return a merge node reading {@code inputs} in order}
         *
         * @param name   the node's name
         * @param merge  the merge it runs
         * @param inputs the values it reads
         */
        public static Node of(String name, Merge merge, String... inputs) { return of(name, merge, List.of(inputs)); }

        /** {@return true if the node runs a merge rather than a layer} */
        public boolean isMerge() { return merge != null; }

        /** {@return the layer's or the merge's description} */
        public String describe() { return layer != null ? layer.describe() : merge.describe(); }
    }

    private final String input;
    private final String output;
    private final List<Node> nodes;
    private final Map<String, Integer> index = new HashMap<>();  // node name -> position
    private final int[][] reads;       // per node, the ids of the values it reads: 0 the input, i + 1 node i
    private final int outputId;
    private final int[] consumers;     // per value id, how many reads of it there are
    private final int[] lastRead;      // per value id, the last node that reads it (infer releases it there)
    private final Tensor[] sums;       // per value id with several consumers, its gradient sum, reused
    private boolean inputGradient = true;
    private Set<String> frozen = Set.of();
    /** Per value id, whether backward needs its gradient: it is the input with the input gradient on, or is computed
     *  from a layer with a trainable parameter outside the frozen children ({@link #setFrozen}). */
    private final boolean[] needsGradient;

    /**
     * A graph reading the value {@value #DEFAULT_INPUT}.
     *
     * @param nodes  in topological order
     * @param output the name of the node whose value the graph outputs
     * @throws IllegalArgumentException as {@link #Graph(String, List, String)}
     */
    public Graph(List<Node> nodes, String output) { this(DEFAULT_INPUT, nodes, output); }

    /**
     * A graph of {@code nodes} from {@code input} to {@code output}.
     *
     * @param input  the name of the graph's input value
     * @param nodes  in topological order
     * @param output the name of the node whose value the graph outputs
     * @throws IllegalArgumentException naming what is wrong if a name is empty or malformed, there is no node, or
     *                                  the nodes do not form a graph from {@code input} to {@code output}
     */
    public Graph(String input, List<Node> nodes, String output) {
        if (input == null || input.isEmpty()) throw new IllegalArgumentException("Graph: the input needs a name");
        checkName(input);
        this.input = input;
        this.nodes = List.copyOf(nodes);
        if (this.nodes.isEmpty()) throw new IllegalArgumentException("Graph: needs at least one node");
        for (int i = 0; i < this.nodes.size(); i++) {
            String n = this.nodes.get(i).name();
            if (n.equals(input)) throw new IllegalArgumentException("Graph node '" + n + "': has the name of the graph's input");
            Integer old = index.put(n, i);
            if (old != null) throw new IllegalArgumentException("Graph: two nodes are named '" + n + "' (nodes " + old + " and " + i + ")");
        }
        int count = this.nodes.size();
        reads = new int[count][];
        consumers = new int[count + 1];
        lastRead = new int[count + 1];
        for (int i = 0; i < count; i++) {
            Node node = this.nodes.get(i);
            reads[i] = new int[node.inputs().size()];
            for (int k = 0; k < reads[i].length; k++) {
                int v = valueId(node, node.inputs().get(k), i);
                reads[i][k] = v;
                consumers[v]++;
                lastRead[v] = i;
            }
        }
        Integer out = index.get(output);
        if (out == null) {
            throw new IllegalArgumentException("Graph: the output '" + output + "' is not a node; nodes: " + names());
        }
        this.output = output;
        this.outputId = out + 1;
        checkAllLeadToOutput();
        checkDistinctLayers();
        sums = new Tensor[count + 1];
        needsGradient = new boolean[count + 1];
        Arrays.fill(needsGradient, true);
    }

    /** Node names: not blank, no white space, no empty dot-separated part (they prefix parameter names). */
    private static void checkName(String name) {
        boolean ok = !name.startsWith(".") && !name.endsWith(".") && !name.contains("..");
        for (int i = 0; ok && i < name.length(); i++) ok = !Character.isWhitespace(name.charAt(i)) && !Character.isISOControl(name.charAt(i));
        if (!ok) {
            throw new IllegalArgumentException("Graph: node name '" + name + "' is not usable: names have no white space "
                    + "and no empty part between dots (they prefix parameter names, e.g. layer1.0.conv1)");
        }
    }

    private int valueId(Node node, String name, int at) {
        if (name.equals(input)) return 0;
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("Graph node '" + node.name() + "' (" + node.describe() + "): reads '" + name
                    + "', which is neither the input '" + input + "' nor a node; nodes: " + names());
        }
        if (i == at) throw new IllegalArgumentException("Graph node '" + node.name() + "': reads its own output (a cycle)");
        if (i > at) {
            List<String> cycle = path(i, at);
            if (cycle != null) {
                throw new IllegalArgumentException("Graph node '" + node.name() + "': reads '" + name + "', which depends on it: "
                        + "a cycle " + node.name() + " <- " + String.join(" <- ", cycle));
            }
            throw new IllegalArgumentException("Graph node '" + node.name() + "': reads '" + name + "', which is declared after it "
                    + "(node " + i + "); declare the nodes in topological order");
        }
        return i + 1;
    }

    /** Names along a chain of reads from node {@code from} back to node {@code to}, or null when there is none. */
    private List<String> path(int from, int to) {
        List<String> p = new ArrayList<>();
        return path(from, to, p, new boolean[nodes.size()]) ? p : null;
    }

    private boolean path(int from, int to, List<String> p, boolean[] seen) {
        if (seen[from]) return false;
        seen[from] = true;
        p.add(nodes.get(from).name());
        if (from == to) return true;
        for (String in : nodes.get(from).inputs()) {
            Integer i = index.get(in);
            if (i != null && path(i, to, p, seen)) return true;
        }
        p.remove(p.size() - 1);
        return false;
    }

    private void checkAllLeadToOutput() {
        boolean[] used = new boolean[nodes.size() + 1];
        used[outputId] = true;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!used[i + 1]) {
                throw new IllegalArgumentException("Graph node '" + nodes.get(i).name() + "' (" + nodes.get(i).describe()
                        + "): its value does not lead to the output '" + output + "'; remove the node");
            }
            for (int v : reads[i]) used[v] = true;
        }
    }

    private void checkDistinctLayers() {
        Map<Layer, String> seen = new IdentityHashMap<>();
        for (Node n : nodes) {
            if (n.layer() == null) continue;
            Layers.walk(n.layer(), (path, l) -> {
                String where = path.isEmpty() ? n.name() : n.name() + "." + path;
                String old = seen.put(l, where);
                if (old != null) {
                    throw new IllegalArgumentException("Graph: the same " + l.describe() + " instance is at '" + old + "' and '"
                            + where + "'; each place needs its own layer (layers own their buffers)");
                }
            });
        }
    }

    private List<String> names() {
        List<String> r = new ArrayList<>(nodes.size());
        for (Node n : nodes) r.add(n.name());
        return r;
    }

    /** {@return the name of the input value} */
    public String input() { return input; }

    /** {@return the name of the node whose value is the output} */
    public String output() { return output; }

    /** {@return the nodes in their run order} */
    public List<Node> nodes() { return nodes; }

    /**
     * {@return the node called {@code name}, or null if there is none}
     *
     * @param name the node's name
     */
    public Node node(String name) {
        Integer i = index.get(name);
        return i == null ? null : nodes.get(i);
    }

    @Override
    public List<Child> children() {
        List<Child> c = new ArrayList<>(nodes.size());
        for (Node n : nodes) if (n.layer() != null) c.add(new Child(n.name(), n.layer()));
        return c;
    }

    // ---------------------------------------------------------------- passes

    @Override
    public Tensor forward(Tensor x) {
        Tensor[] values = new Tensor[nodes.size() + 1];
        values[0] = x;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            try {
                values[i + 1] = n.layer() != null ? n.layer().forward(values[reads[i][0]]) : n.merge().forward(gather(values, reads[i]));
            } catch (ShapeException e) {
                throw nodeError(i, values, e);
            }
        }
        return values[outputId];
    }

    @Override
    public Tensor backward(Tensor dOut) {
        Tensor[] grads = new Tensor[nodes.size() + 1];     // d + each value, complete once its producer runs
        boolean[] summed = new boolean[nodes.size() + 1];  // whether grads[v] is the graph's own sum buffer
        grads[outputId] = dOut;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!needsGradient[i + 1]) continue;     // nothing before it trains: no backward (and nothing arrived)
            Node n = nodes.get(i);
            Tensor d = grads[i + 1];
            grads[i + 1] = null;
            if (n.layer() != null) {
                Tensor dX = n.layer().backward(d);
                if (dX != null) accumulate(grads, summed, i, 0, dX);
            } else {
                List<Tensor> dXs = n.merge().backward(d);
                for (int k = 0; k < dXs.size(); k++) accumulate(grads, summed, i, k, dXs.get(k));
            }
        }
        return inputGradient ? grads[0] : null;
    }

    /** Adds node i's gradient for its input k into that value's gradient, in arrival order. */
    private void accumulate(Tensor[] grads, boolean[] summed, int i, int k, Tensor d) {
        int v = reads[i][k];
        if (!needsGradient[v]) return;
        Tensor g = grads[v];
        if (g == null) {
            grads[v] = d;                       // by reference: nothing writes into it
            return;
        }
        if (!g.sameShape(d)) {
            throw new ShapeException("Graph node '" + nodes.get(i).name() + "' (" + nodes.get(i).describe() + ")",
                    "the gradient for its input '" + nodes.get(i).inputs().get(k) + "'", d.shape(), g.shape());
        }
        float[] gd = g.data(), dd = d.data();
        if (summed[v]) {
            for (int j = 0; j < gd.length; j++) gd[j] += dd[j];
            return;
        }
        Tensor sum = Buffers.reuse(sums[v], g);   // g belongs to a layer; the sum goes into the graph's own buffer
        sums[v] = sum;
        float[] s = sum.data();
        for (int j = 0; j < s.length; j++) s[j] = gd[j] + dd[j];
        grads[v] = sum;
        summed[v] = true;
    }

    /** Only the layer nodes that read the graph's input give this graph's dX; every other node's dX is needed. */
    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
        planBackward();
    }

    /**
     * With the input gradient off, a node runs no backward unless it or a node it reads from, directly or not, holds a
     * trainable parameter outside the frozen children; a layer node that runs computes dX only if its input's
     * gradient is needed, and a merge hands on only the gradients needed.
     */
    @Override
    public void setFrozen(Set<String> children) {
        frozen = Set.copyOf(children);
        planBackward();
    }

    /** Sets {@link #needsGradient} in run order, and each layer node's input-gradient flag from it. */
    private void planBackward() {
        needsGradient[0] = inputGradient;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            boolean needed = n.layer() != null && !frozen.contains(n.name()) && Layers.hasTrainable(n.layer());
            for (int v : reads[i]) needed |= needsGradient[v];
            needsGradient[i + 1] = needed;
            if (n.layer() != null) n.layer().setInputGradient(needsGradient[reads[i][0]]);
        }
    }

    @Override
    public Tensor infer(Tensor x) {
        boolean pooling = TensorPool.active();
        Tensor[] values = new Tensor[nodes.size() + 1];
        values[0] = x;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            try {
                values[i + 1] = n.layer() == null
                        ? owned(values, reads[i][0], i, x.data()) && once(reads[i]) ? n.merge().inferInPlace(gather(values, reads[i]))
                                : n.merge().infer(gather(values, reads[i]))
                        : owned(values, reads[i][0], i, x.data()) ? n.layer().inferInPlace(values[reads[i][0]]) : n.layer().infer(values[reads[i][0]]);
            } catch (ShapeException e) {
                throw nodeError(i, values, e);
            }
            for (int v : reads[i]) {
                if (lastRead[v] != i || v == outputId || values[v] == null) continue;
                float[] dead = values[v].data();
                values[v] = null;  // lets a large map go early
                // Never the caller's array, nor a view of it: the caller may still read it (a graph nested in another).
                if (v != 0 && pooling && dead != x.data() && !shared(values, dead)) TensorPool.release(dead);
            }
        }
        return values[outputId];
    }

    /**
     * Whether node i may overwrite value v, its single input: v is not the graph's input or output, node i
     * reads it last, and neither the caller's input nor another value still held shares its array (a
     * Flatten's view).
     */
    private boolean owned(Tensor[] values, int v, int i, float[] callers) {
        if (v == 0 || v == outputId || lastRead[v] != i) return false;
        float[] data = values[v].data();
        if (data == callers) return false;
        for (int u = 0; u < values.length; u++) if (u != v && values[u] != null && values[u].data() == data) return false;
        return true;
    }

    /** Whether a value still held (a view, an in-place result) has {@code data} as its array. */
    private static boolean shared(Tensor[] values, float[] data) {
        for (Tensor t : values) if (t != null && t.data() == data) return true;
        return false;
    }

    /** Whether the first of a node's inputs is not among its others (Add(x, x) must not write x as it reads it). */
    private static boolean once(int[] ids) {
        for (int k = 1; k < ids.length; k++) if (ids[k] == ids[0]) return false;
        return true;
    }

    private static List<Tensor> gather(Tensor[] values, int[] ids) {
        List<Tensor> xs = new ArrayList<>(ids.length);
        for (int v : ids) xs.add(values[v]);
        return xs;
    }

    private ShapeException nodeError(int i, Tensor[] values, ShapeException e) {
        List<int[]> shapes = new ArrayList<>();
        for (int v : reads[i]) shapes.add(values[v] == null ? new int[0] : values[v].shape());
        return new ShapeException(where(i, shapes) + ": " + e.getMessage());
    }

    /** "Graph node 'add' (Add) reading a [?], b [?]" for errors. */
    private String where(int i, List<int[]> shapes) {
        Node n = nodes.get(i);
        StringBuilder b = new StringBuilder("Graph node '").append(n.name()).append("' (").append(n.describe()).append(") reading ");
        for (int k = 0; k < n.inputs().size(); k++) {
            if (k > 0) b.append(", ");
            b.append('\'').append(n.inputs().get(k)).append("' ").append(Shapes.show(shapes.get(k)));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- shapes

    @Override
    public int[] outputShape(int[] in) { return valueShapes(in).get(output); }

    /**
     * The item shape (without the batch) of every value for an input item of shape {@code in}, the input first,
     * then each node's in run order.
     *
     * @param in one input item's shape
     * @return value name → item shape, in run order
     * @throws org.conv4j.tensor.ShapeException naming the node and the values it reads if a shape does not fit
     */
    public Map<String, int[]> valueShapes(int[] in) {
        int[][] shapes = new int[nodes.size() + 1][];
        shapes[0] = in.clone();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<int[]> ins = new ArrayList<>(reads[i].length);
            for (int v : reads[i]) ins.add(shapes[v]);
            try {
                shapes[i + 1] = n.layer() != null ? n.layer().outputShape(ins.get(0)) : n.merge().outputShape(ins);
            } catch (IllegalArgumentException e) {
                throw new ShapeException(where(i, ins) + ": " + e.getMessage());
            }
        }
        Map<String, int[]> r = new LinkedHashMap<>();
        r.put(input, shapes[0]);
        for (int i = 0; i < nodes.size(); i++) r.put(nodes.get(i).name(), shapes[i + 1]);
        return Collections.unmodifiableMap(r);
    }

    /**
     * {@return how many nodes read the value {@code name} (the input or a node), counting a node that reads it
     * twice twice}
     *
     * @param name the value's name
     */
    public int consumers(String name) {
        if (name.equals(input)) return consumers[0];
        Integer i = index.get(name);
        if (i == null) throw new IllegalArgumentException("Graph: no value '" + name + "'");
        return consumers[i + 1];
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        for (Node n : nodes) if (n.layer() != null) p.addAll(n.layer().params());
        return p;
    }

    @Override
    public void setTraining(boolean training) {
        for (Node n : nodes) if (n.layer() != null) n.layer().setTraining(training);
    }

    @Override
    public String describe() { return "Graph(" + nodes.size() + " nodes, output " + output + ")"; }
}
