package org.conv4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.conv4j.io.FormatException;
import org.conv4j.onnx.proto.OnnxProto.AttributeProto;
import org.conv4j.onnx.proto.OnnxProto.GraphProto;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.onnx.proto.OnnxProto.TensorShapeProto;
import org.conv4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.conv4j.tensor.Tensor;

/**
 * Reads an ONNX CNN graph (as written by {@code torch.onnx.export} or by conv4j) into a chain of
 * {@link OnnxLayer}s with residual blocks or, when it branches otherwise, a DAG of {@link Node}s.
 *
 * <p>Steps: (1) the graph is checked and sorted topologically; an input nobody produces, a value produced
 * twice or a cycle is a {@link FormatException}. (2) Nodes whose inputs are all constants are evaluated: the
 * shape arithmetic torch writes for {@code x.view(x.size(0), -1)}, for channel shuffle and for {@code F.pad}
 * (Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, ConstantOfShape, Reshape, Slice, Transpose, integer
 * Add/Sub/Mul/Div; the batch size stays symbolic). (3) Every other node becomes a layer, a merge of several
 * values, or a part of a pattern: MatMul followed by Add of a constant is one Linear; torch's five-node GELU is
 * one GELU; x·sigmoid(x) is SiLU and x·hardsigmoid(x) Hardswish; Reshape, Transpose, Reshape of ShuffleNet is
 * a ChannelShuffle; torch's opset-13 layer norm (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, then Mul and
 * Add of its weight and bias) over the channels is a LayerNorm2d; Transposes into and out of channels-last order
 * (ConvNeXt) are identities, with MatMul over the channels a 1x1 convolution; zero Pad is merged into the Conv or
 * AveragePool that reads it. (4) The result is read as a chain in which a value feeding two branches that meet
 * again at an Add is a residual block; anything else (Mul or Concat of computed values, more branches) is a DAG.
 *
 * <p>Supported ops: Conv, Gemm, MatMul(+Add), Relu, LeakyRelu, Sigmoid, Tanh, HardSigmoid (torch's, alpha 1/6),
 * HardSwish, Clip (ReLU6), MaxPool, AveragePool, GlobalAveragePool, ReduceMean (over H and W, or in a layer
 * norm), BatchNormalization, Flatten, Reshape (flattening, channel shuffle), Transpose (channels-last, channel
 * shuffle), Pad (constant, reflect, edge), Resize (nearest, bilinear), Softmax and LogSoftmax on any axis (a
 * final Softmax over the classes is left out), Split and Slice of one axis, Add, Mul (with broadcasting),
 * Concat, Dropout, Constant, Identity, the parts of the patterns above, and Sub/Div of constants on the graph
 * input (the input normalisation, returned as mean and std). Any other op is an {@link UnsupportedOpException}
 * naming the op and the node.
 */
public final class OnnxReader {
    /** Deepest nesting of residual blocks accepted. */
    public static final int MAX_DEPTH = 100;

    /**
     * What an import produced: a chain of {@code layers} (with residual blocks), or, when the file branches
     * otherwise, the {@code graph} in topological order (then {@code layers} is empty).
     *
     * @param layers        the chain, residual blocks nested; empty for a graph
     * @param names         each top-level layer's torch-style name, "0", "1", ...; same size as {@code layers}
     * @param graph         the nodes in topological order, or null for a chain
     * @param inputShape    one input item's shape, or null when the file leaves more than the batch symbolic
     * @param softmaxOutput whether the file ended in a Softmax over the classes, which is left out
     * @param notes         what the import changed or left out, for the user
     * @param mean          per-channel mean the graph subtracts from its input first, or null
     * @param std           per-channel std the graph then divides by, or null
     */
    public record Result(List<OnnxLayer> layers, List<String> names, List<Node> graph, int[] inputShape, boolean softmaxOutput,
                         List<String> notes, float[] mean, float[] std) {
        /** {@return true if the import is a graph (then {@code layers} is empty), false if it is a chain} */
        public boolean isGraph() { return graph != null; }
    }

    /**
     * One node of an imported graph: a layer, or a merge ("Add", "Mul" with broadcasting, "Concat" along
     * {@code axis}, counting the batch as 0) of several values. {@code name} names the node and its output
     * value; {@code inputs} name earlier nodes or {@link #GRAPH_INPUT}; {@code shape} is the output item shape.
     *
     * @param name   the node's name, torch's module path where the file gives one; also its output value's name
     * @param layer  the layer, or null for a merge
     * @param merge  "Add", "Mul" or "Concat", or null for a layer
     * @param axis   Concat's axis of the batched shape
     * @param inputs the values it reads: earlier nodes' names or {@link #GRAPH_INPUT}
     * @param shape  the output item shape, or null if unknown
     */
    public record Node(String name, OnnxLayer layer, String merge, int axis, List<String> inputs, int[] shape) {}

    /** An op (or a use of an op) that conv4j does not import; names the op and the node. */
    public static final class UnsupportedOpException extends FormatException {
        private static final long serialVersionUID = 1L;

        UnsupportedOpException(String file, String problem) { super(file, problem); }
    }

    private static final long BATCH = Long.MIN_VALUE;  // the symbolic batch size inside shape arithmetic
    private static final long UNKNOWN = Long.MIN_VALUE + 1;

    private final String file;
    private final OnnxTensors.Source source;
    private final long opset;
    private final GraphProto graph;

    /** Constant values: float tensors (weights) or integer vectors (shapes, possibly holding BATCH). */
    private final Map<String, Tensor> floats = new HashMap<>();
    private final Map<String, long[]> ints = new HashMap<>();
    /** Shapes of integer constants that are not 1-D vectors. */
    private final Map<String, int[]> intShapes = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    /** Activation values: item shape (null when unknown). */
    private final Map<String, int[]> activations = new HashMap<>();
    /** Layer nodes by output value. */
    private final Map<String, Step> producers = new HashMap<>();
    private final Map<String, List<Step>> consumers = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    /**
     * Values torch has permuted to [N, H, W, C] (ConvNeXt's blocks). conv4j keeps them as [N, C, H, W]:
     * the Transposes become identities, layer norm over the last axis normalises channels, MatMul over the
     * last axis is a 1x1 convolution. Their item shapes are recorded as [C, H, W].
     */
    private final Set<String> channelsLast = new HashSet<>();
    /** How many nodes (and the graph output) read each value. */
    private final Map<String, Integer> readers = new HashMap<>();
    /** Every value some node or the graph output reads. */
    private final Set<String> read = new HashSet<>();
    /** Div, Erf, Add, Mul nodes seen as possible parts of torch's GELU, folded after classification. */
    private final List<NodeProto> geluParts = new ArrayList<>();
    /** The graph input's name; Sub and Div by constants reading it (through each other) are its normalisation. */
    private String inputName;
    private float[] normMean, normStd;
    private String normOut;
    private final List<String> normInputs = new ArrayList<>();

    /**
     * One node of the activation graph: a layer (null for identity), a join of several values (Add, Mul,
     * Concat), or a pending part of a pattern (torch's layer norm, channel shuffle) that a later node completes.
     */
    private static final class Step {
        final NodeProto node;
        OnnxLayer layer;
        final List<String> inputs;
        String output;
        final boolean join;
        boolean visited;

        /** For a join: "Add", "Mul" or "Concat". */
        String joinOp = "Add";
        /** For a Concat join: the axis, counting the batch as 0. */
        int axis;
        /** For a Pad step: (top, left, bottom, right) zeros, to be merged into the next Conv or AveragePool. */
        long[] pads;
        /** For a pending step: which part of which pattern it is; null for a finished step. */
        Part part;
        /** A pending step's number: layer norm's eps, channel shuffle's groups. */
        float value;

        Step(NodeProto node, OnnxLayer layer, List<String> inputs, String output, boolean join) {
            this.node = node; this.layer = layer; this.inputs = inputs; this.output = output; this.join = join;
        }
    }

    /** Parts of multi-node patterns, with what each stands for when it is left incomplete. */
    private enum Part {
        LN_MEAN("ReduceMean over the channels (only as part of torch's layer norm)"),
        LN_CENTER("Sub of two computed values (only x - mean(x) of torch's layer norm)"),
        LN_SQUARE("Pow (only (x - mean)^2 of torch's layer norm)"),
        LN_VAR("ReduceMean over the channels (only as part of torch's layer norm)"),
        LN_EPS("Add of a constant (only var + eps of torch's layer norm)"),
        LN_STD("Sqrt (only sqrt(var + eps) of torch's layer norm)"),
        SHUFFLE_SPLIT("Reshape to [N, groups, C/groups, H, W] (only as torch's channel shuffle with Transpose and Reshape back)"),
        SHUFFLE_SWAP("Transpose [0, 2, 1, 3, 4] (only as torch's channel shuffle)");

        final String what;

        Part(String what) { this.what = what; }
    }

    private OnnxReader(ModelProto model, String file, Path folder) throws FormatException {
        this.file = file;
        this.source = new OnnxTensors.Source(file, folder);
        this.opset = OnnxFile.defaultOpset(model, file);
        this.graph = model.getGraph();
    }

    /**
     * Reads {@code file} (external data resolved in its folder).
     *
     * @param file the .onnx file
     * @return the layers or graph and what the import found
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is malformed or hostile, an
     *                     {@link UnsupportedOpException} if it uses an op conv4j does not import
     */
    public static Result read(Path file) throws IOException {
        ModelProto model = OnnxFile.read(file);
        Path folder = file.toAbsolutePath().getParent();
        return read(model, String.valueOf(file), folder);
    }

    /**
     * Reads a parsed model.
     *
     * @param model  the parsed model
     * @param where  the name messages start with
     * @param folder the folder of its external data files, or null if it has none
     * @return the layers or graph and what the import found
     * @throws IOException if an external data file cannot be read; a {@link FormatException} if the model is
     *                     malformed or hostile, an {@link UnsupportedOpException} if it uses an op conv4j does not import
     */
    public static Result read(ModelProto model, String where, Path folder) throws IOException {
        OnnxReader r = new OnnxReader(model, where, folder);
        try {
            return r.run();
        } catch (IllegalArgumentException e) {
            throw new FormatException(where, e.getMessage(), e);
        }
    }

    private Result run() throws IOException {
        for (TensorProto t : graph.getInitializerList()) {
            if (initializers.put(t.getName(), t) != null) throw fail("initializer '" + t.getName() + "' is defined twice");
        }
        String input = graphInput();
        inputName = input;
        normOut = input;
        if (graph.getOutputCount() != 1) throw fail("graph has " + graph.getOutputCount() + " outputs; conv4j imports single-output classifiers");
        String output = graph.getOutput(0).getName();
        for (NodeProto n : graph.getNodeList()) read.addAll(n.getInputList());
        read.add(output);
        for (NodeProto n : graph.getNodeList()) for (String v : n.getInputList()) readers.merge(v, 1, Integer::sum);
        readers.merge(output, 1, Integer::sum);

        for (NodeProto n : topologicalOrder(input)) classify(n);
        foldGelu();
        foldPads();
        for (Step s : producers.values()) if (s.part != null) throw unsupported(s.node, s.part.what);

        Step last = producers.get(output);
        boolean softmax = false;
        if (last != null && last.layer instanceof OnnxLayer.Softmax sm && !sm.log()
                && (activations.get(last.inputs.get(0)) == null || activations.get(last.inputs.get(0)).length == 1)) {
            softmax = true;
            last.visited = true;
            producers.remove(output);
            output = last.inputs.get(0);
            consumers.get(output).remove(last);
            notes.add("the graph ends in Softmax (node '" + last.node.getName() + "'): the imported model outputs the logits before it,"
                    + " as conv4j classifiers do; conv4j predict applies softmax itself");
        }
        if (!activations.containsKey(output)) throw fail("graph output '" + output + "' is a constant, not computed from input '" + input + "'");

        // The normalisation must be the only reader of the raw input (and of the Sub, when a Div follows).
        for (String v : normInputs) {
            int readers = 0;
            for (NodeProto n : graph.getNodeList()) for (String i : n.getInputList()) if (i.equals(v)) readers++;
            if (readers != 1) throw unsupported(producers.get(normOut).node,
                    "Sub/Div on the graph input while '" + v + "' is also read elsewhere (only a whole-input normalisation is imported)");
        }
        List<OnnxLayer> layers = new ArrayList<>();
        List<Node> dag = null;
        int[] shape = activations.get(input);
        try {
            End end = walk(input, output, layers, 0);
            if (end != null) throw fail("node '" + end.join().node.getName() + "' (" + end.join().node.getOpType() + ") joins branches that never forked");
            for (Step s : producers.values()) {
                if (!s.visited) throw fail("node '" + s.node.getName() + "' (" + s.node.getOpType() + ") does not lie on the path from input '" + input + "' to output '" + output + "'");
            }
            if (shape != null) OnnxLayer.chainShape(layers, shape);  // validates every layer against its input
        } catch (NeedsGraph e) {
            layers.clear();
            dag = dag(input, output);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) names.add(Integer.toString(i));
        float[] mean = normMean, std = normStd;
        if (mean != null || std != null) {
            int c = mean != null ? mean.length : std.length;
            if (mean == null) mean = new float[c];
            if (std == null) { std = new float[c]; Arrays.fill(std, 1f); }
            if (mean.length != std.length) {
                if (mean.length == 1) { float m = mean[0]; mean = new float[std.length]; Arrays.fill(mean, m); }
                else if (std.length == 1) { float d = std[0]; std = new float[mean.length]; Arrays.fill(std, d); }
            }
            for (float d : std) if (!(d > 0) || !Float.isFinite(d)) throw fail("the input is divided by " + d + "; a normalisation std must be positive");
            notes.add("the graph normalises its input as (x - " + Arrays.toString(mean) + ") / " + Arrays.toString(std)
                    + "; the model keeps this as its normalisation, so it takes the same input as the ONNX file");
        }
        return new Result(List.copyOf(layers), List.copyOf(names), dag, shape, softmax, List.copyOf(notes), mean, std);
    }

    /** Thrown by {@link #walk} when the graph is more than a chain with two-branch residual blocks. */
    private static final class NeedsGraph extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NeedsGraph() { super(null, null, false, false); }
    }

    /**
     * The activation graph as nodes in topological order, identities removed: each node's name is also the
     * name of its output value, chosen from torch's names (the parameter prefix of its weight, e.g.
     * {@code layer1.0.conv1}, else the module path in the ONNX node name) and made unique; inputs name earlier
     * nodes or {@link #GRAPH_INPUT}. The last node is the output.
     */
    private List<Node> dag(String input, String output) throws FormatException {
        // Steps that lead to the output, found backwards; every step must be one of them.
        Map<String, Step> used = new HashMap<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(output));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            Step s = producers.get(v);
            if (s == null || used.containsKey(v)) continue;
            used.put(v, s);
            for (String in : s.inputs) todo.push(in);
        }
        for (Step s : producers.values()) {
            if (!used.containsKey(s.output)) {
                throw fail("node '" + s.node.getName() + "' (" + s.node.getOpType() + ") does not lie on the path from input '" + input + "' to output '" + output + "'");
            }
        }
        // Kahn's algorithm over the steps, in the file's node order among ready steps.
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<Step>> users = new HashMap<>();
        ArrayDeque<Step> ready = new ArrayDeque<>();
        List<Step> all = new ArrayList<>(used.values());
        Map<NodeProto, Integer> position = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) position.put(graph.getNode(i), i);
        all.sort((a, b) -> Integer.compare(position.getOrDefault(a.node, 0), position.getOrDefault(b.node, 0)));
        for (Step s : all) {
            int count = 0;
            for (String in : s.inputs) {
                if (used.containsKey(in)) {
                    count++;
                    users.computeIfAbsent(in, k -> new ArrayList<>()).add(s);
                }
            }
            pending.put(s.output, count);
            if (count == 0) ready.add(s);
        }
        List<Step> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            Step s = ready.poll();
            order.add(s);
            for (Step u : users.getOrDefault(s.output, List.of())) if (pending.merge(u.output, -1, Integer::sum) == 0) ready.add(u);
        }
        if (order.size() != all.size()) throw fail("the layer graph has a cycle");
        // Identities (layer null, one input) alias their input; the others become nodes.
        Map<String, String> name = new HashMap<>();
        name.put(input, GRAPH_INPUT);
        Set<String> taken = new HashSet<>(Set.of(GRAPH_INPUT));
        List<Node> nodes = new ArrayList<>();
        for (Step s : order) {
            if (!s.join && s.layer == null) {
                name.put(s.output, name.get(s.inputs.get(0)));
                continue;
            }
            String n = unique(nodeName(s), taken);
            List<String> ins = new ArrayList<>();
            for (String in : s.inputs) {
                String v = name.get(in);
                if (v == null) throw fail("node '" + s.node.getName() + "' (" + s.node.getOpType() + ") reads '" + in + "', which no layer computes");
                ins.add(v);
            }
            nodes.add(new Node(n, s.layer, s.join ? s.joinOp : null, s.axis, List.copyOf(ins), activations.get(s.output)));
            name.put(s.output, n);
        }
        if (nodes.isEmpty() || !name.get(output).equals(nodes.get(nodes.size() - 1).name())) {
            throw fail("graph output '" + output + "' is not computed by a layer");
        }
        return nodes;
    }

    /** The name of a graph's input value in {@link Node#inputs}. */
    public static final String GRAPH_INPUT = "input";

    /** torch's name for a step: its weight's parameter prefix, else the module path of its ONNX node name. */
    private String nodeName(Step s) {
        NodeProto n = s.node;
        String op = n.getOpType();
        if ((op.equals("Conv") || op.equals("Gemm") || op.equals("MatMul") || op.equals("BatchNormalization")) && n.getInputCount() > 1) {
            String w = n.getInput(1);
            if (w.endsWith(".weight") && !w.startsWith("onnx::") && initializers.containsKey(w)) return clean(w.substring(0, w.length() - 7));
        }
        // torch 1.13 names nodes by module scope then op: "/layer1/layer1.0/conv1/Conv". A segment that extends
        // the one before it ("layer1" then "layer1.0") is a Sequential child, so the path is layer1.0.conv1.
        String full = n.getName().isEmpty() ? op : n.getName();
        List<String> parts = new ArrayList<>();
        for (String p : full.split("/")) if (!p.isEmpty()) parts.add(p);
        if (parts.isEmpty()) return clean(op);
        String leaf = parts.remove(parts.size() - 1), path = "", prev = "";
        for (String p : parts) {
            path = !prev.isEmpty() && p.startsWith(prev + ".") ? path + p.substring(prev.length()) : path.isEmpty() ? p : path + "." + p;
            prev = p;
        }
        if (path.isEmpty()) return clean(leaf);
        return clean(s.join ? path + "." + leaf : path);
    }

    /** A node name the graph accepts: no white space, no empty dot-separated part. */
    private static String clean(String s) {
        String t = s.replaceAll("[\\s/]+", "_").replaceAll("\\.{2,}", ".").replaceAll("^\\.+|\\.+$", "");
        return t.isEmpty() ? "node" : t;
    }

    private static String unique(String base, Set<String> taken) {
        String n = base;
        for (int i = 2; !taken.add(n); i++) n = base + "_" + i;
        return n;
    }

    // ---- graph checks --------------------------------------------------------------------------------

    /** The one graph input that is not an initializer; records its item shape. */
    private String graphInput() throws FormatException {
        String found = null;
        for (ValueInfoProto v : graph.getInputList()) {
            if (initializers.containsKey(v.getName())) continue;
            if (found != null) throw fail("graph has more than one input ('" + found + "', '" + v.getName() + "'); conv4j imports single-input models");
            found = v.getName();
            int[] item = null;
            if (v.hasType() && v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                int elem = v.getType().getTensorType().getElemType();
                if (elem != TensorProto.DataType.FLOAT_VALUE) throw fail("input '" + found + "' has element type " + OnnxTensors.typeName(elem) + "; expected FLOAT");
                TensorShapeProto s = v.getType().getTensorType().getShape();
                if (s.getDimCount() != 2 && s.getDimCount() != 4) {
                    throw fail("input '" + found + "' has rank " + s.getDimCount() + "; expected [N, C, H, W] or [N, features]");
                }
                item = new int[s.getDimCount() - 1];
                for (int i = 1; i < s.getDimCount(); i++) {
                    TensorShapeProto.Dimension d = s.getDim(i);
                    if (!d.hasDimValue()) { item = null; break; }
                    if (d.getDimValue() < 1 || d.getDimValue() > Integer.MAX_VALUE) throw fail("input '" + found + "' has dimension " + i + " = " + d.getDimValue());
                    item[i - 1] = (int) d.getDimValue();
                }
                if (item != null) OnnxTensors.shape(TensorProto.newBuilder().setName(found).addAllDims(toLongList(item)).build(), source);
            }
            activations.put(found, item);
        }
        if (found == null) throw fail("graph has no input besides its initializers");
        return found;
    }

    private static List<Long> toLongList(int[] a) {
        List<Long> l = new ArrayList<>();
        for (int x : a) l.add((long) x);
        return l;
    }

    /** Kahn's algorithm: every input defined, every value produced once, no cycles. */
    private List<NodeProto> topologicalOrder(String input) throws FormatException {
        int n = graph.getNodeCount();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NodeProto node = graph.getNode(i);
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) continue;
                if (initializers.containsKey(out) || out.equals(input)) throw fail("node '" + node.getName() + "' overwrites '" + out + "', which is a graph input or initializer");
                if (producer.put(out, i) != null) throw fail("value '" + out + "' is produced by two nodes (second: '" + node.getName() + "')");
            }
        }
        int[] pending = new int[n];
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < n; i++) users.add(new ArrayList<>());
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            NodeProto node = graph.getNode(i);
            for (String in : node.getInputList()) {
                if (in.isEmpty()) continue;  // an omitted optional input
                Integer p = producer.get(in);
                if (p != null) {
                    pending[i]++;
                    users.get(p).add(i);
                } else if (!initializers.containsKey(in) && !in.equals(input)) {
                    throw fail("node '" + node.getName() + "' (" + node.getOpType() + ") reads '" + in + "', which no node, initializer or graph input defines");
                }
            }
            if (pending[i] == 0) ready.add(i);
        }
        List<NodeProto> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(graph.getNode(i));
            for (int u : users.get(i)) if (--pending[u] == 0) ready.add(u);
        }
        if (order.size() != n) {
            for (int i = 0; i < n; i++) {
                if (pending[i] > 0) throw fail("the graph has a cycle through node '" + graph.getNode(i).getName() + "' (" + graph.getNode(i).getOpType() + ")");
            }
        }
        return order;
    }

    // ---- node classification -------------------------------------------------------------------------

    private boolean isActivation(String v) { return activations.containsKey(v); }

    /** Fewest inputs each op needs; ops not listed need one. */
    private static final Map<String, Integer> MIN_INPUTS = Map.ofEntries(
            Map.entry("Constant", 0), Map.entry("Conv", 2), Map.entry("Gemm", 2), Map.entry("MatMul", 2), Map.entry("Add", 2),
            Map.entry("Mul", 2), Map.entry("Div", 2), Map.entry("Reshape", 2), Map.entry("Gather", 2), Map.entry("BatchNormalization", 5));

    private void classify(NodeProto n) throws IOException {
        String op = n.getOpType();
        int need = MIN_INPUTS.getOrDefault(op, 1);
        if (n.getInputCount() < need) throw fail("node '" + n.getName() + "' (" + op + ") has " + n.getInputCount() + " inputs; it needs at least " + need);
        if (n.getOutputCount() < 1 || n.getOutput(0).isEmpty()) throw fail("node '" + n.getName() + "' (" + op + ") has no output");
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw unsupported(n, "op '" + op + "' of domain '" + n.getDomain() + "'");
        }
        boolean anyActivation = false;
        for (String in : n.getInputList()) if (!in.isEmpty() && isActivation(in)) anyActivation = true;
        if (!anyActivation) {
            constant(n);
            return;
        }
        if (shapeOf(n)) return;
        String x = n.getInput(0);
        if (op.equals("Mul") || op.equals("Add")) {
            for (String v : n.getInputList()) if (isActivation(v)) { x = v; break; }
        } else if (!isActivation(x)) {
            throw unsupported(n, "a constant first input with a computed later input");
        }
        int[] in = activations.get(x);
        if (channelsLast.contains(x) && !CHANNELS_LAST_OPS.contains(op)) {
            throw unsupported(n, "op '" + op + "' on a channels-last value (after Transpose [0, 2, 3, 1]); only layer norm, MatMul,"
                    + " element-wise ops and the Transpose back are imported there");
        }
        switch (op) {
            case "Conv" -> layer(n, conv(n), in);
            case "Gemm" -> layer(n, gemm(n), in);
            case "MatMul" -> layer(n, channelsLast.contains(x) ? pointwiseConv(n, in) : new OnnxLayer.Linear(transpose(weight(n, 1), n), null), in);
            case "Relu" -> layer(n, activation(OnnxLayer.Activation.Kind.RELU), in);
            case "LeakyRelu" -> layer(n, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.LEAKY_RELU, attrFloat(n, "alpha", 0.01f)), in);
            case "Sigmoid" -> layer(n, activation(OnnxLayer.Activation.Kind.SIGMOID), in);
            case "Tanh" -> layer(n, activation(OnnxLayer.Activation.Kind.TANH), in);
            case "HardSigmoid" -> {
                float alpha = attrFloat(n, "alpha", 0.2f), beta = attrFloat(n, "beta", 0.5f);
                if (Math.abs(alpha - 1.0 / 6) > 1e-6 || beta != 0.5f) {
                    throw unsupported(n, "HardSigmoid with alpha " + alpha + ", beta " + beta + " (only torch's relu6(x + 3) / 6: alpha 1/6, beta 0.5)");
                }
                layer(n, activation(OnnxLayer.Activation.Kind.HARD_SIGMOID), in);
            }
            case "HardSwish" -> layer(n, activation(OnnxLayer.Activation.Kind.HARDSWISH), in);
            case "Clip" -> layer(n, clip(n), in);
            case "MaxPool", "AveragePool" -> layer(n, pool(n, op.equals("MaxPool"), in), in);
            case "GlobalAveragePool" -> layer(n, new OnnxLayer.GlobalAvgPool(), in);
            case "ReduceMean" -> reduceMean(n, x, in);
            case "BatchNormalization" -> layer(n, batchNorm(n), in);
            case "Flatten" -> layer(n, flatten(n, in), in);
            case "Reshape" -> reshapeStep(n, x, in);
            case "Transpose" -> transposeStep(n, x, in);
            case "Dropout" -> {
                onlyFirstOutputUsed(n);
                float p = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constFloat(n, 1).data()[0] : attrFloat(n, "ratio", 0.5f);
                layer(n, new OnnxLayer.Dropout(p), in);
            }
            case "Identity" -> layer(n, null, in);
            case "Softmax", "LogSoftmax" -> layer(n, softmax(n, in, op.equals("LogSoftmax")), in);
            case "Pad" -> pad(n, in);
            case "Resize" -> layer(n, resize(n, in), in);
            case "Split" -> split(n, x, in);
            case "Slice" -> layer(n, slice(n, in), in);
            case "Concat" -> concat(n);
            case "Add" -> add(n);
            case "Mul" -> mul(n);
            case "Sub" -> {
                if (!normalisation(n, in) && !layerNormPart(n)) {
                    throw unsupported(n, "op 'Sub' (only as input normalisation, (x - mean) / std, on the graph input, or in torch's layer norm)");
                }
            }
            case "Div" -> {
                if (!normalisation(n, in) && !layerNormPart(n)) geluPart(n);
            }
            case "Pow", "Sqrt" -> {
                if (!layerNormPart(n)) throw unsupported(n, "op '" + op + "' (only as part of torch's layer norm)");
            }
            case "Erf" -> geluPart(n);
            default -> throw unsupported(n, "op '" + op + "'");
        }
    }

    /** Ops accepted on a value in channels-last order: element-wise ones, and the parts of layer norm and Linear. */
    private static final Set<String> CHANNELS_LAST_OPS = Set.of("Transpose", "ReduceMean", "Sub", "Pow", "Add", "Sqrt", "Div", "Mul",
            "MatMul", "Erf", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip", "Identity", "Dropout");

    private static OnnxLayer.Activation activation(OnnxLayer.Activation.Kind kind) { return new OnnxLayer.Activation(kind, 0f); }

    private void layer(NodeProto n, OnnxLayer layer, int[] in) throws FormatException {
        layer(n, layer, in, n.getInput(0));
    }

    /** A one-input step for node {@code n} reading value {@code x} of item shape {@code in}. */
    private void layer(NodeProto n, OnnxLayer layer, int[] in, String x) throws FormatException {
        onlyFirstOutputUsed(n);
        String out = n.getOutput(0);
        int[] shape = null;
        if (in != null) {
            try {
                shape = layer == null ? in : layer.outputShape(in);
            } catch (IllegalArgumentException e) {
                throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): " + e.getMessage());
            }
        }
        step(new Step(n, layer, new ArrayList<>(List.of(x)), out, false), shape);
    }

    private void step(Step s, int[] shape) {
        if (!s.inputs.isEmpty() && channelsLast.contains(s.inputs.get(0))) channelsLast.add(s.output);
        activations.put(s.output, shape);
        producers.put(s.output, s);
        for (String in : s.inputs) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(s);
    }

    private void onlyFirstOutputUsed(NodeProto n) throws FormatException {
        if (n.getOutputCount() < 1 || n.getOutput(0).isEmpty()) throw fail("node '" + n.getName() + "' (" + n.getOpType() + ") has no output");
        for (int i = 1; i < n.getOutputCount(); i++) {
            String o = n.getOutput(i);
            if (!o.isEmpty() && read.contains(o)) throw unsupported(n, "use of output " + i + " ('" + o + "') of " + n.getOpType());
        }
    }

    /**
     * {@code Sub(input, mean)} then {@code Div(·, std)} (either alone) straight on the graph input, with
     * constants of one value or one per channel: the model's input normalisation, kept as an identity step
     * here and returned in the result.
     */
    private boolean normalisation(NodeProto n, int[] in) throws IOException {
        String x = n.getInput(0);
        if (!x.equals(normOut) || n.getInputCount() != 2 || isActivation(n.getInput(1))) return false;
        boolean sub = n.getOpType().equals("Sub");
        if (sub ? normMean != null || normStd != null : normStd != null) return false;
        Tensor c = constTensor(n.getInput(1), n);
        int channels = in != null && in.length == 3 ? in[0] : -1;
        if (c.size() != 1 && c.size() != channels) return false;
        if (sub) normMean = c.data().clone();
        else normStd = c.data().clone();
        layer(n, null, in);
        normInputs.add(x);
        normOut = n.getOutput(0);
        return true;
    }

    /**
     * Add of two computed values (a join), or of a constant to one: the bias of a MatMul (a Linear or, on a
     * channels-last value, a 1x1 convolution), layer norm's eps or bias, GELU's 1, or a per-channel shift.
     */
    private void add(NodeProto n) throws IOException {
        if (n.getInputCount() != 2) throw fail("node '" + n.getName() + "' (Add) has " + n.getInputCount() + " inputs; expected 2");
        String a = n.getInput(0), b = n.getInput(1);
        if (isActivation(a) && isActivation(b)) {
            int[] sa = activations.get(a), sb = activations.get(b);
            if (sa != null && sb != null && !Arrays.equals(sa, sb)) {
                throw fail("node '" + n.getName() + "' (Add) adds item shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb) + "; a residual join needs equal shapes");
            }
            if (a.equals(b)) throw unsupported(n, "Add of a value to itself");
            if (channelsLast.contains(a) != channelsLast.contains(b)) throw unsupported(n, "Add of a channels-last and a channels-first value");
            step(new Step(n, null, List.of(a, b), n.getOutput(0), true), sa != null ? sa : sb);
            return;
        }
        String act = isActivation(a) ? a : b, constant = isActivation(a) ? b : a;
        Step prev = producers.get(act);
        boolean soleReader = readers.getOrDefault(act, 0) == 1;
        if (prev != null && !prev.join && prev.node.getOpType().equals("MatMul") && soleReader
                && (prev.layer instanceof OnnxLayer.Linear l && l.bias() == null || prev.layer instanceof OnnxLayer.Conv c && c.bias() == null)) {
            Tensor bias = constTensor(constant, n);
            int outF = prev.layer instanceof OnnxLayer.Linear l ? l.weight().dim(0) : ((OnnxLayer.Conv) prev.layer).outChannels();
            if (bias.size() != outF) throw fail("node '" + n.getName() + "' (Add) adds a bias of " + bias.size() + " values to MatMul output of " + outF + " features");
            Tensor flat = Tensor.wrap(bias.data().clone(), outF);
            // Fold the bias into the MatMul's layer: the Add's output is now that step's output.
            prev.layer = prev.layer instanceof OnnxLayer.Linear l ? new OnnxLayer.Linear(l.weight(), flat) : withBias((OnnxLayer.Conv) prev.layer, flat);
            absorb(prev, n);
            return;
        }
        if (prev != null && prev.part == Part.LN_VAR && soleReader) {
            Tensor eps = constTensor(constant, n);
            if (eps.size() != 1) throw unsupported(n, "Add of a non-scalar to a variance (only var + eps of torch's layer norm)");
            pending(n, Part.LN_EPS, List.of(act), eps.data()[0]);
            return;
        }
        if (prev != null && prev.layer instanceof OnnxLayer.LayerNorm2d ln && soleReader && !prev.join) {
            Tensor shift = perChannel(constant, n, ln.channels(), channelsLast.contains(act));
            if (shift != null) {
                float[] bias = ln.bias().data().clone();
                for (int c = 0; c < bias.length; c++) bias[c] += shift.data()[c];
                prev.layer = new OnnxLayer.LayerNorm2d(ln.weight(), Tensor.wrap(bias, bias.length), ln.eps());
                absorb(prev, n);
                return;
            }
        }
        Tensor c = constTensor(constant, n);
        if (c.size() == 1 && c.data()[0] == 1f) {
            geluPart(n);
            return;
        }
        int[] in = activations.get(act);
        Tensor shift = in != null && in.length == 3 ? perChannel(constant, n, in[0], channelsLast.contains(act)) : null;
        if (shift == null) throw unsupported(n, "Add of a constant of shape " + Arrays.toString(c.shape()) + " to a value of item shape "
                + (in == null ? "unknown" : Arrays.toString(in)) + " (only a MatMul bias or a per-channel shift is imported)");
        layer(n, channelAffine(null, shift), in, act);
    }

    /**
     * Mul of two computed values: x·sigmoid(x) is SiLU, x·hardsigmoid(x) is Hardswish, anything else is a
     * join (squeeze-excitation's gate times the features, GELU's x times (1 + erf)). Mul by a constant is
     * GELU's 0.5, a layer norm's weight, or a per-channel scale (ConvNeXt's layer scale).
     */
    private void mul(NodeProto n) throws IOException {
        if (n.getInputCount() != 2) throw fail("node '" + n.getName() + "' (Mul) has " + n.getInputCount() + " inputs; expected 2");
        String a = n.getInput(0), b = n.getInput(1);
        if (isActivation(a) && isActivation(b)) {
            for (String[] xy : new String[][] {{a, b}, {b, a}}) {
                Step gate = producers.get(xy[1]);
                if (gate == null || gate.join || readers.getOrDefault(xy[1], 0) != 1 || !gate.inputs.get(0).equals(xy[0])) continue;
                OnnxLayer.Activation.Kind kind = gate.layer instanceof OnnxLayer.Activation act ? switch (act.kind()) {
                    case SIGMOID -> OnnxLayer.Activation.Kind.SILU;
                    case HARD_SIGMOID -> OnnxLayer.Activation.Kind.HARDSWISH;
                    default -> null;
                } : null;
                if (kind == null) continue;
                gate.layer = activation(kind);
                absorb(gate, n);
                return;
            }
            if (a.equals(b)) throw unsupported(n, "Mul of a value by itself");
            if (channelsLast.contains(a) != channelsLast.contains(b)) throw unsupported(n, "Mul of a channels-last and a channels-first value");
            int[] sa = activations.get(a), sb = activations.get(b);
            int[] shape = sa == null || sb == null ? null : broadcast(n, sa, sb);
            Step s = new Step(n, null, List.of(a, b), n.getOutput(0), true);
            s.joinOp = "Mul";
            step(s, shape);
            return;
        }
        String act = isActivation(a) ? a : b, constant = isActivation(a) ? b : a;
        Step prev = producers.get(act);
        boolean soleReader = readers.getOrDefault(act, 0) == 1;
        Tensor c = constTensor(constant, n);
        if (prev != null && prev.layer instanceof OnnxLayer.LayerNorm2d ln && soleReader && !prev.join) {
            Tensor scale = perChannel(constant, n, ln.channels(), channelsLast.contains(act));
            if (scale != null) {
                float[] w = ln.weight().data().clone(), bias = ln.bias().data().clone();
                for (int i = 0; i < w.length; i++) { w[i] *= scale.data()[i]; bias[i] *= scale.data()[i]; }
                prev.layer = new OnnxLayer.LayerNorm2d(Tensor.wrap(w, w.length), Tensor.wrap(bias, bias.length), ln.eps());
                absorb(prev, n);
                return;
            }
        }
        if (c.size() == 1 && c.data()[0] == 0.5f) {
            geluPart(n);
            return;
        }
        int[] in = activations.get(act);
        Tensor scale = in != null && in.length == 3 ? perChannel(constant, n, in[0], channelsLast.contains(act)) : null;
        if (scale == null) throw unsupported(n, "Mul by a constant of shape " + Arrays.toString(c.shape()) + " of a value of item shape "
                + (in == null ? "unknown" : Arrays.toString(in)) + " (only GELU's 0.5 or a per-channel scale is imported)");
        layer(n, channelAffine(scale, null), in, act);
    }

    /** Item shape of an element-wise op on [C, H, W] and [C, 1, 1] (either order), or of equal shapes. */
    private int[] broadcast(NodeProto n, int[] a, int[] b) throws FormatException {
        if (Arrays.equals(a, b)) return a.clone();
        if (a.length != b.length) throw unsupported(n, n.getOpType() + " of item shapes " + Arrays.toString(a) + " and " + Arrays.toString(b));
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1) throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): item shapes "
                    + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            out[i] = Math.max(a[i], b[i]);
        }
        return out;
    }

    /** Concat of computed values along a non-batch axis: a join. */
    private void concat(NodeProto n) throws IOException {
        List<String> ins = new ArrayList<>();
        for (String v : n.getInputList()) {
            if (!isActivation(v)) throw unsupported(n, "Concat of a constant with computed values");
            if (channelsLast.contains(v)) throw unsupported(n, "Concat of channels-last values");
            ins.add(v);
        }
        int[] first = activations.get(ins.get(0));
        int rank = first == null ? 4 : first.length + 1;
        int axis = (int) attrInt(n, "axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 1 || axis >= rank) throw unsupported(n, "Concat along axis " + attrInt(n, "axis", 1) + " (the batch, or out of range)");
        int[] shape = null;
        boolean known = true;
        for (String v : ins) known &= activations.get(v) != null;
        if (known) {
            shape = first.clone();
            shape[axis - 1] = 0;
            for (String v : ins) {
                int[] s = activations.get(v);
                for (int i = 0; i < s.length; i++) {
                    if (i != axis - 1 && (s.length != first.length || s[i] != first[i])) {
                        throw fail("node '" + n.getName() + "' (Concat): item shapes " + Arrays.toString(first) + " and " + Arrays.toString(s)
                                + " differ outside axis " + axis);
                    }
                }
                shape[axis - 1] += s[axis - 1];
            }
        }
        if (ins.size() == 1) {
            layer(n, null, first);
            return;
        }
        Step s = new Step(n, null, List.copyOf(ins), n.getOutput(0), true);
        s.joinOp = "Concat";
        s.axis = axis;
        step(s, shape);
    }

    /**
     * A constant that scales or shifts each channel alike: one value, or C values shaped [C, 1, 1] /
     * [1, C, 1, 1] (channels first) or [C] (channels last); null when it is anything else.
     */
    private Tensor perChannel(String constant, NodeProto n, int channels, boolean last) throws IOException {
        Tensor c = constTensor(constant, n);
        float[] v = new float[channels];
        if (c.size() == 1) {
            Arrays.fill(v, c.data()[0]);
            return Tensor.wrap(v, channels);
        }
        if (c.size() != channels) return null;
        int[] s = c.shape();
        int big = 0, at = -1;
        for (int i = 0; i < s.length; i++) if (s[i] != 1) { big++; at = i; }
        boolean ok = big == 1 && (last ? at == s.length - 1 : s.length - at == 3);
        return ok ? Tensor.wrap(c.data().clone(), channels) : null;
    }

    /** y = scale[c]·x + shift[c] as a depthwise 1x1 convolution (either may be null: 1 or no bias). */
    private static OnnxLayer.Conv channelAffine(Tensor scale, Tensor shift) {
        int c = scale != null ? scale.size() : shift.size();
        float[] w = new float[c];
        if (scale != null) System.arraycopy(scale.data(), 0, w, 0, c);
        else Arrays.fill(w, 1f);
        return new OnnxLayer.Conv(Tensor.wrap(w, c, 1, 1, 1), shift, 1, 1, 0, 0, 0, 0, 1, 1, c);
    }

    private static OnnxLayer.Conv withBias(OnnxLayer.Conv v, Tensor bias) {
        return new OnnxLayer.Conv(v.weight(), bias, v.strideH(), v.strideW(), v.padTop(), v.padLeft(), v.padBottom(), v.padRight(),
                v.dilationH(), v.dilationW(), v.groups());
    }

    /** MatMul by a [C, F] weight on a channels-last value: a 1x1 convolution with weight [F, C, 1, 1]. */
    private OnnxLayer.Conv pointwiseConv(NodeProto n, int[] in) throws IOException {
        Tensor w = transpose(weight(n, 1), n);  // [F, C]
        if (in != null && (in.length != 3 || w.dim(1) != in[0])) throw fail("node '" + n.getName() + "' (MatMul): weight " + Arrays.toString(w.shape())
                + " does not fit channels-last item shape " + Arrays.toString(in));
        return new OnnxLayer.Conv(Tensor.wrap(w.data(), w.dim(0), w.dim(1), 1, 1), null, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    }

    /** Step {@code s} takes over node {@code n}'s output (n read only s's output, which nobody else reads). */
    private void absorb(Step s, NodeProto n) {
        String old = s.output, out = n.getOutput(0);
        producers.remove(old);
        activations.put(out, activations.get(old));
        if (channelsLast.contains(old)) channelsLast.add(out);
        activations.remove(old);
        consumers.remove(old);
        s.output = out;
        producers.put(out, s);
    }

    private void removeStep(Step s) {
        producers.remove(s.output);
        for (String in : s.inputs) {
            List<Step> cs = consumers.get(in);
            if (cs != null) cs.remove(s);
        }
    }

    private void pending(NodeProto n, Part part, List<String> inputs, float value) {
        Step s = new Step(n, null, new ArrayList<>(inputs), n.getOutput(0), false);
        s.part = part;
        s.value = value;
        step(s, activations.get(inputs.get(0)));
    }

    private Step pendingProducer(String v, Part part) {
        Step s = producers.get(v);
        return s != null && s.part == part ? s : null;
    }

    /**
     * torch's layer norm over the channels (opset < 17 has no LayerNormalization):
     * mean = ReduceMean(x); d = x - mean; var = ReduceMean(d^2); y = d / sqrt(var + eps), then Mul by the
     * weight and Add the bias, which {@link #mul} and {@link #add} fold in. Sub, Pow, Sqrt and Div here are
     * pending parts; the Div completes them into one LayerNorm2d step reading x.
     */
    private boolean layerNormPart(NodeProto n) throws IOException {
        String op = n.getOpType(), x = n.getInput(0);
        switch (op) {
            case "Sub" -> {
                if (n.getInputCount() != 2 || !isActivation(n.getInput(1))) return false;
                Step mean = pendingProducer(n.getInput(1), Part.LN_MEAN);
                if (mean == null || !mean.inputs.get(0).equals(x)) return false;
                pending(n, Part.LN_CENTER, List.of(x, n.getInput(1)), 0f);
                return true;
            }
            case "Pow" -> {
                if (pendingProducer(x, Part.LN_CENTER) == null || isActivation(n.getInput(1))) return false;
                Tensor e = constTensor(n.getInput(1), n);
                if (e.size() != 1 || e.data()[0] != 2f) return false;
                pending(n, Part.LN_SQUARE, List.of(x), 0f);
                return true;
            }
            case "Sqrt" -> {
                if (pendingProducer(x, Part.LN_EPS) == null) return false;
                pending(n, Part.LN_STD, List.of(x), 0f);
                return true;
            }
            case "Div" -> {
                if (n.getInputCount() != 2 || !isActivation(n.getInput(1))) return false;
                Step center = pendingProducer(x, Part.LN_CENTER), std = pendingProducer(n.getInput(1), Part.LN_STD);
                if (center == null || std == null) return false;
                Step eps = pendingProducer(std.inputs.get(0), Part.LN_EPS);
                Step var = eps == null ? null : pendingProducer(eps.inputs.get(0), Part.LN_VAR);
                Step square = var == null ? null : pendingProducer(var.inputs.get(0), Part.LN_SQUARE);
                Step mean = pendingProducer(center.inputs.get(1), Part.LN_MEAN);
                if (square == null || mean == null || !square.inputs.get(0).equals(center.output)) return false;
                for (Step s : List.of(mean, square, var, eps, std)) if (readers.getOrDefault(s.output, 0) != 1) return false;
                if (readers.getOrDefault(center.output, 0) != 2) return false;
                String input = mean.inputs.get(0);
                int[] in = activations.get(input);
                if (in == null || in.length != 3) throw unsupported(n, "layer norm over the channels of a value of unknown or non-image shape");
                for (Step s : List.of(mean, center, square, var, eps, std)) removeStep(s);
                float[] ones = new float[in[0]];
                Arrays.fill(ones, 1f);
                Step ln = new Step(n, new OnnxLayer.LayerNorm2d(Tensor.wrap(ones, in[0]), new Tensor(in[0]), eps.value), List.of(input), n.getOutput(0), false);
                step(ln, in);
                return true;
            }
            default -> { return false; }
        }
    }

    /** ReduceMean over H and W (a global average pool, flattened without keepdims) or, keeping dims, over the channels (layer norm). */
    private void reduceMean(NodeProto n, String x, int[] in) throws IOException {
        if (in == null || in.length != 3) throw unsupported(n, "ReduceMean of a value of item shape " + (in == null ? "unknown" : Arrays.toString(in)));
        long[] axes = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constInts(n.getInput(1), n) : attrInts(n, "axes", null);
        if (axes == null) throw unsupported(n, "ReduceMean over every axis");
        boolean keep = attrInt(n, "keepdims", 1) != 0, last = channelsLast.contains(x);
        Set<Long> set = new HashSet<>();
        for (long a : axes) set.add(a < 0 ? a + 4 : a);
        Set<Long> spatial = last ? Set.of(1L, 2L) : Set.of(2L, 3L), channel = Set.of(last ? 3L : 1L);
        if (set.equals(spatial) && !last) {
            if (keep) {
                layer(n, new OnnxLayer.GlobalAvgPool(), in);
            } else {
                // Two steps: the pool to [C, 1, 1], then a flatten to [C] under the node's output name.
                String mid = n.getOutput(0) + "#pooled";
                step(new Step(n, new OnnxLayer.GlobalAvgPool(), new ArrayList<>(List.of(x)), mid, false), new int[] {in[0], 1, 1});
                step(new Step(n, new OnnxLayer.Flatten(), new ArrayList<>(List.of(mid)), n.getOutput(0), false), new int[] {in[0]});
            }
            return;
        }
        if (set.equals(channel) && keep) {
            Step square = pendingProducer(x, Part.LN_SQUARE);
            pending(n, square != null ? Part.LN_VAR : Part.LN_MEAN, List.of(x), 0f);
            return;
        }
        throw unsupported(n, "ReduceMean over axes " + Arrays.toString(axes) + (keep ? "" : " without keepdims")
                + " (only over H and W, or over the channels in a layer norm)");
    }

    private OnnxLayer clip(NodeProto n) throws IOException {
        float min = Float.NEGATIVE_INFINITY, max = Float.POSITIVE_INFINITY;
        if (opset >= 11) {
            if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) min = scalar(n, 1);
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) max = scalar(n, 2);
        } else {
            min = attrFloat(n, "min", -Float.MAX_VALUE);
            max = attrFloat(n, "max", Float.MAX_VALUE);
            if (min == -Float.MAX_VALUE) min = Float.NEGATIVE_INFINITY;
            if (max == Float.MAX_VALUE) max = Float.POSITIVE_INFINITY;
        }
        if (!(max > min)) throw unsupported(n, "Clip to [" + min + ", " + max + "] (max must exceed min)");
        return new OnnxLayer.Clip(min, max);
    }

    private float scalar(NodeProto n, int index) throws IOException {
        if (isActivation(n.getInput(index))) throw unsupported(n, n.getOpType() + " with a computed input " + index);
        Tensor t = constFloat(n, index);
        if (t.size() != 1) throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): input " + index + " must be a scalar");
        return t.data()[0];
    }

    private OnnxLayer.Softmax softmax(NodeProto n, int[] in, boolean log) throws FormatException {
        String op = n.getOpType();
        long axis = attrInt(n, "axis", opset >= 13 ? -1 : 1);
        if (in == null) {
            if (axis != -1 && axis != 1) throw unsupported(n, op + " over axis " + axis + " of a value of unknown shape");
            return new OnnxLayer.Softmax(1, log);
        }
        int rank = in.length + 1;
        if (axis < 0) axis += rank;
        if (axis < 1 || axis >= rank) throw unsupported(n, op + " over axis " + attrInt(n, "axis", 1) + " of a rank-" + rank + " value");
        // Before opset 13 Softmax flattens every axis from `axis` on; that is per-axis only on the last axis.
        if (opset < 13 && axis != rank - 1) throw unsupported(n, op + " (opset " + opset + ") over the flattened axes " + axis + ".." + (rank - 1));
        return new OnnxLayer.Softmax((int) axis, log);
    }

    /** Resize of H and W as torch writes it: nearest (asymmetric, floor) or linear (pytorch_half_pixel or align_corners). */
    private OnnxLayer.Resize resize(NodeProto n, int[] in) throws IOException {
        if (in == null || in.length != 3) throw unsupported(n, "Resize of a value of item shape " + (in == null ? "unknown" : Arrays.toString(in)));
        if (opset < 11) throw unsupported(n, "Resize before opset 11");
        String mode = attrString(n, "mode", "nearest"), coord = attrString(n, "coordinate_transformation_mode", "half_pixel");
        String nearest = attrString(n, "nearest_mode", "round_prefer_floor");
        org.conv4j.shape.UpsampleConfig.Mode m;
        boolean align = false;
        if (mode.equals("nearest") && coord.equals("asymmetric") && nearest.equals("floor")) {
            m = org.conv4j.shape.UpsampleConfig.Mode.NEAREST;
        } else if (mode.equals("linear") && (coord.equals("pytorch_half_pixel") || coord.equals("half_pixel") || coord.equals("align_corners"))) {
            m = org.conv4j.shape.UpsampleConfig.Mode.BILINEAR;
            align = coord.equals("align_corners");
        } else {
            throw unsupported(n, "Resize mode '" + mode + "' with coordinate_transformation_mode '" + coord + "'" + (mode.equals("nearest")
                    ? " and nearest_mode '" + nearest + "'" : "") + " (torch's nearest and bilinear are imported)");
        }
        org.conv4j.shape.UpsampleConfig k;
        String scales = n.getInputCount() > 2 ? n.getInput(2) : "", sizes = n.getInputCount() > 3 ? n.getInput(3) : "";
        Tensor sc = scales.isEmpty() ? null : constTensor(scales, n);
        if (sc != null && sc.size() == 4) {
            if (sc.data()[0] != 1f || sc.data()[1] != 1f) throw unsupported(n, "Resize that scales the batch or channels");
            k = org.conv4j.shape.UpsampleConfig.scale(sc.data()[2], sc.data()[3]);
        } else if (!sizes.isEmpty()) {
            long[] sz = constInts(sizes, n);
            if (sz.length != 4 || sz[1] != in[0] || sz[2] < 1 || sz[3] < 1 || sz[2] > 1 << 20 || sz[3] > 1 << 20) {
                throw unsupported(n, "Resize to sizes " + describe(sz) + " of item shape " + Arrays.toString(in));
            }
            k = org.conv4j.shape.UpsampleConfig.size((int) sz[2], (int) sz[3]);
        } else {
            throw unsupported(n, "Resize without 4 scales or 4 sizes");
        }
        k = k.withMode(m);
        if (align) k = k.withAlignCorners(true);
        // pytorch_half_pixel maps an output of size 1 to coordinate 0, torch's own rule; half_pixel differs only there.
        return new OnnxLayer.Resize(k);
    }

    /** Split along the channels (ShuffleNet's chunk): one Slice step per output that is read. */
    private void split(NodeProto n, String x, int[] in) throws IOException {
        if (in == null) throw unsupported(n, "Split of a value of unknown shape");
        int rank = in.length + 1;
        long axis = attrInt(n, "axis", 0);
        if (axis < 0) axis += rank;
        if (axis < 1 || axis >= rank) throw unsupported(n, "Split along axis " + attrInt(n, "axis", 0) + " (the batch, or out of range)");
        int size = in[(int) axis - 1], parts = n.getOutputCount();
        long[] split;
        if (opset >= 13 && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) split = constInts(n.getInput(1), n);
        else if (opset < 13 && attr(n, "split") != null) split = attrInts(n, "split", null);
        else {
            if (size % parts != 0) throw fail("node '" + n.getName() + "' (Split): " + size + " does not split evenly into " + parts);
            split = new long[parts];
            Arrays.fill(split, size / parts);
        }
        if (split.length != parts) throw fail("node '" + n.getName() + "' (Split): " + split.length + " sizes for " + parts + " outputs");
        long total = 0;
        for (long v : split) {
            if (v < 0) throw fail("node '" + n.getName() + "' (Split): negative size " + v);
            total += v;
        }
        if (total != size) throw fail("node '" + n.getName() + "' (Split): sizes " + Arrays.toString(split) + " do not add up to " + size);
        int start = 0;
        for (int i = 0; i < parts; i++) {
            String out = n.getOutput(i);
            int end = start + (int) split[i];
            if (!out.isEmpty() && read.contains(out)) {
                OnnxLayer.Slice s = new OnnxLayer.Slice((int) axis, start, end);
                step(new Step(n, s, new ArrayList<>(List.of(x)), out, false), s.outputShape(in));
            }
            start = end;
        }
    }

    /** Slice of one non-batch axis with step 1. */
    private OnnxLayer.Slice slice(NodeProto n, int[] in) throws IOException {
        if (in == null) throw unsupported(n, "Slice of a value of unknown shape");
        long[][] sl = sliceArgs(n, in.length + 1);
        if (sl[0].length != 1 || sl[3][0] != 1 || sl[2][0] == 0) {
            throw unsupported(n, "Slice other than of one non-batch axis with step 1");
        }
        int axis = (int) sl[2][0], size = in[axis - 1];
        long start = sl[0][0], end = sl[1][0];
        if (start < 0) start += size;
        if (end < 0) end += size;
        start = Math.clamp(start, 0, size);
        end = Math.clamp(end, 0, size);
        if (end <= start) throw unsupported(n, "Slice that selects nothing");
        return new OnnxLayer.Slice(axis, (int) start, (int) end);
    }

    /**
     * Reshape: flattening (a Flatten or nothing), or the first step of torch's channel shuffle
     * (view as [N, g, C/g, H, W]) or its last (view back as [N, C, H, W] after the Transpose).
     */
    private void reshapeStep(NodeProto n, String x, int[] in) throws IOException {
        long[] target = ints.get(n.getInput(1));
        if (target == null) throw unsupported(n, "Reshape to a shape that is computed from data");
        Step swap = pendingProducer(x, Part.SHUFFLE_SWAP);
        if (swap != null && in != null && in.length == 4) {
            int c = in[0] * in[1];
            long[] want = {c, in[2], in[3]};
            boolean back = target.length == 4 && (target[0] == BATCH || target[0] == 0 || target[0] == -1);
            for (int i = 0; back && i < 3; i++) back = target[i + 1] == want[i] || (target[i + 1] == -1 && target[0] != -1);
            Step split = pendingProducer(swap.inputs.get(0), Part.SHUFFLE_SPLIT);
            if (back && split != null && readers.getOrDefault(x, 0) == 1 && readers.getOrDefault(split.output, 0) == 1) {
                removeStep(swap);
                removeStep(split);
                String input = split.inputs.get(0);
                step(new Step(n, new OnnxLayer.ChannelShuffle((int) split.value), new ArrayList<>(List.of(input)), n.getOutput(0), false),
                        activations.get(input));
                return;
            }
        }
        if (in != null && in.length == 3 && target.length == 5 && (target[0] == BATCH || target[0] == 0)) {
            long g = target[1], per = target[2];
            if (g == -1 && per > 0) g = in[0] / per;
            if (per == -1 && g > 0) per = in[0] / g;
            if (g > 0 && per > 0 && g * per == in[0] && target[3] == in[1] && target[4] == in[2]) {
                pending(n, Part.SHUFFLE_SPLIT, List.of(x), g);
                activations.put(n.getOutput(0), new int[] {(int) g, (int) per, in[1], in[2]});
                return;
            }
        }
        layer(n, reshape(n, in), in);
    }

    /** Transpose: into or out of channels-last order (identities), or the middle step of a channel shuffle. */
    private void transposeStep(NodeProto n, String x, int[] in) throws FormatException {
        long[] perm = attrInts(n, "perm", null);
        boolean last = channelsLast.contains(x);
        if (perm != null && Arrays.equals(perm, new long[] {0, 2, 3, 1}) && !last && in != null && in.length == 3) {
            layer(n, null, in);
            channelsLast.add(n.getOutput(0));
            return;
        }
        if (perm != null && Arrays.equals(perm, new long[] {0, 3, 1, 2}) && last) {
            layer(n, null, in);
            channelsLast.remove(n.getOutput(0));
            return;
        }
        Step split = pendingProducer(x, Part.SHUFFLE_SPLIT);
        if (perm != null && Arrays.equals(perm, new long[] {0, 2, 1, 3, 4}) && split != null && readers.getOrDefault(x, 0) == 1) {
            pending(n, Part.SHUFFLE_SWAP, List.of(x), split.value);
            activations.put(n.getOutput(0), new int[] {in[1], in[0], in[2], in[3]});
            return;
        }
        throw unsupported(n, "Transpose " + (perm == null ? "(reversing)" : Arrays.toString(perm)) + (last ? " of a channels-last value" : "")
                + " (only into and out of channels-last order, or in torch's channel shuffle)");
    }

    /** Div, Erf, Add(1), Mul, Mul(0.5) of torch's GELU: kept as pending steps and folded by {@link #foldGelu}. */
    private boolean geluPart(NodeProto n) throws IOException {
        String op = n.getOpType();
        List<String> acts = new ArrayList<>();
        for (String in : n.getInputList()) if (isActivation(in)) acts.add(in);
        if (op.equals("Mul") && acts.size() == 2) {
            step(new Step(n, null, List.copyOf(acts), n.getOutput(0), true), activations.get(acts.get(0)));
            geluParts.add(n);
            return true;
        }
        if (acts.size() != 1) throw unsupported(n, "op '" + op + "' in this position");
        String x = acts.get(0);
        float c = Float.NaN;
        if (!op.equals("Erf")) {
            String other = n.getInput(0).equals(x) ? n.getInput(1) : n.getInput(0);
            Tensor t = constTensor(other, n);
            if (t.size() != 1) throw unsupported(n, "op '" + op + "' with a non-scalar constant (only torch's GELU pattern is imported)");
            c = t.data()[0];
        }
        boolean fits = switch (op) {
            case "Div" -> Math.abs(c - Math.sqrt(2)) < 1e-5;
            case "Erf" -> true;
            case "Add" -> c == 1f;
            case "Mul" -> c == 0.5f;
            default -> false;
        };
        if (!fits) throw unsupported(n, "op '" + op + "' (only as part of torch's GELU pattern x * 0.5 * (1 + erf(x / sqrt 2)))");
        step(new Step(n, null, List.of(x), n.getOutput(0), false), activations.get(x));
        geluParts.add(n);
        return true;
    }

    /** Replaces each Div→Erf→Add→Mul(x)→Mul(0.5) (Mul(0.5) may come first) with one GELU step. */
    private void foldGelu() throws FormatException {
        for (NodeProto n : geluParts) {
            if (!n.getOpType().equals("Div")) continue;
            String x = n.getInput(0);
            Step div = producers.get(n.getOutput(0));
            Step erf = single(div), add = single(erf), mul = single(add);
            if (erf == null || add == null || mul == null || !erf.node.getOpType().equals("Erf") || !add.node.getOpType().equals("Add")
                    || !mul.node.getOpType().equals("Mul")) {
                throw unsupported(n, "op 'Div' (only as part of torch's GELU pattern)");
            }
            Step end;
            List<Step> removed = new ArrayList<>(List.of(div, erf, add, mul));
            if (mul.join) {  // x * (1 + erf) then * 0.5
                if (!mul.inputs.contains(x)) throw unsupported(mul.node, "op 'Mul' (only as part of torch's GELU pattern)");
                end = single(mul);
                if (end == null || !end.node.getOpType().equals("Mul") || end.join) throw unsupported(mul.node, "op 'Mul' (only as part of torch's GELU pattern)");
                removed.add(end);
            } else {  // (1 + erf) * 0.5 then * x, or x * 0.5 computed first
                throw unsupported(mul.node, "op 'Mul' in a GELU form conv4j does not recognise");
            }
            for (Step s : removed) {
                producers.remove(s.output);
                for (String in : s.inputs) consumers.getOrDefault(in, new ArrayList<>()).remove(s);
            }
            NodeProto named = NodeProto.newBuilder(div.node).setOpType("Gelu").build();
            Step gelu = new Step(named, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.GELU, 0f), List.of(x), end.output, false);
            producers.put(end.output, gelu);
            consumers.computeIfAbsent(x, k -> new ArrayList<>()).add(gelu);
        }
        for (NodeProto n : geluParts) {
            Step s = producers.get(n.getOutput(0));
            if (s != null && s.node == n) throw unsupported(n, "op '" + n.getOpType() + "' outside torch's GELU pattern");
        }
    }

    private Step single(Step s) {
        if (s == null) return null;
        List<Step> c = consumers.getOrDefault(s.output, List.of());
        return c.size() == 1 ? c.get(0) : null;
    }

    /**
     * Padding of H and W: constant (any value), reflect or edge. Zero padding read by exactly one Conv or
     * AveragePool (torch writes it before AveragePool with count_include_pad, and for ZeroPad2d) is merged
     * into that layer; any other becomes a Pad layer; all-zero padding is the identity.
     */
    private void pad(NodeProto n, int[] in) throws IOException {
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) throw unsupported(n, "Pad in mode '" + mode + "'");
        long[] p = opset >= 11 ? (n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constInts(n.getInput(1), n) : new long[0])
                : attrInts(n, "pads", new long[0]);
        float value = 0f;
        if (opset >= 11 && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) value = scalar(n, 2);
        else if (opset < 11) value = attrFloat(n, "value", 0f);
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) {
            throw unsupported(n, "Pad " + describe(p) + " (only padding of H and W of an [N, C, H, W] value is imported)");
        }
        for (long v : p) if (v < -(1 << 20) || v > 1 << 20) throw unsupported(n, "Pad " + Arrays.toString(p));
        int[] shape = null;
        OnnxLayer.Pad layer = new OnnxLayer.Pad((int) p[2], (int) p[3], (int) p[6], (int) p[7], mode, mode.equals("constant") ? value : 0f);
        if (in != null) {
            try {
                shape = layer.outputShape(in);
            } catch (IllegalArgumentException e) {
                throw fail("node '" + n.getName() + "' (Pad): " + e.getMessage());
            }
        }
        onlyFirstOutputUsed(n);
        boolean zero = p[2] == 0 && p[3] == 0 && p[6] == 0 && p[7] == 0;
        Step s = new Step(n, zero ? null : layer, new ArrayList<>(List.of(n.getInput(0))), n.getOutput(0), false);
        boolean mergeable = mode.equals("constant") && value == 0f && p[2] >= 0 && p[3] >= 0 && p[6] >= 0 && p[7] >= 0;
        if (!zero && mergeable) s.pads = new long[] {p[2], p[3], p[6], p[7]};
        step(s, shape);
    }

    /** Merges each zero Pad into the one Conv or AveragePool that reads it; one read by anything else stays a Pad layer. */
    private void foldPads() throws FormatException {
        for (Step p : List.copyOf(producers.values())) {
            if (p.pads == null) continue;
            List<Step> cs = consumers.getOrDefault(p.output, List.of());
            Step c = cs.size() == 1 ? cs.get(0) : null;
            long[] q = p.pads;
            OnnxLayer merged = null;
            if (c != null && c.layer instanceof OnnxLayer.Conv v) {
                merged = new OnnxLayer.Conv(v.weight(), v.bias(), v.strideH(), v.strideW(), v.padTop() + (int) q[0], v.padLeft() + (int) q[1],
                        v.padBottom() + (int) q[2], v.padRight() + (int) q[3], v.dilationH(), v.dilationW(), v.groups());
            } else if (c != null && c.layer instanceof OnnxLayer.Pool v && !v.max()
                    && (v.countIncludePad() || v.padTop() + v.padLeft() + v.padBottom() + v.padRight() == 0)) {
                merged = new OnnxLayer.Pool(false, v.kH(), v.kW(), v.strideH(), v.strideW(), v.padTop() + (int) q[0], v.padLeft() + (int) q[1],
                        v.padBottom() + (int) q[2], v.padRight() + (int) q[3], v.dilationH(), v.dilationW(), v.ceilMode(), true);
            }
            if (merged == null) continue;  // stays a Pad layer
            c.layer = merged;
            String x = p.inputs.get(0);
            producers.remove(p.output);
            consumers.remove(p.output);
            List<Step> xs = consumers.get(x);
            xs.set(xs.indexOf(p), c);
            c.inputs.set(c.inputs.indexOf(p.output), x);
        }
    }

    // ---- layers from nodes -----------------------------------------------------------------------------

    private OnnxLayer.Conv conv(NodeProto n) throws IOException {
        Tensor w = weight(n, 1);
        if (w.rank() != 4) throw unsupported(n, "Conv with a rank-" + w.rank() + " weight (only 2-D convolution is imported)");
        Tensor b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? weight(n, 2) : null;
        if (b != null && b.size() != w.dim(0)) throw fail("node '" + n.getName() + "' (Conv): bias has " + b.size() + " values for " + w.dim(0) + " filters");
        long[] k = attrInts(n, "kernel_shape", new long[] {w.dim(2), w.dim(3)});
        if (k.length != 2 || k[0] != w.dim(2) || k[1] != w.dim(3)) throw fail("node '" + n.getName() + "' (Conv): kernel_shape " + Arrays.toString(k) + " disagrees with weight " + Arrays.toString(w.shape()));
        long[] s = pair(n, "strides", 1), d = pair(n, "dilations", 1);
        int g = (int) attrInt(n, "group", 1);
        if (g < 1 || w.dim(0) % g != 0) throw fail("node '" + n.getName() + "' (Conv): group " + g + " does not divide " + w.dim(0) + " filters");
        int[] in = activations.get(n.getInput(0));
        long[] p = pads(n, in, k, s, d);
        return new OnnxLayer.Conv(w, b, (int) s[0], (int) s[1], (int) p[0], (int) p[1], (int) p[2], (int) p[3], (int) d[0], (int) d[1], g);
    }

    private OnnxLayer.Pool pool(NodeProto n, boolean max, int[] in) throws FormatException {
        long[] k = attrInts(n, "kernel_shape", null);
        if (k == null || k.length != 2) throw unsupported(n, (max ? "MaxPool" : "AveragePool") + " without a 2-D kernel_shape");
        long[] s = pair(n, "strides", 1), d = pair(n, "dilations", 1);
        if (attrInt(n, "storage_order", 0) != 0) throw unsupported(n, "MaxPool with storage_order 1");
        long[] p = pads(n, in, k, s, d);
        boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
        boolean includePad = attrInt(n, "count_include_pad", 0) != 0;
        for (long v : k) positive(n, "kernel_shape", v);
        return new OnnxLayer.Pool(max, (int) k[0], (int) k[1], (int) s[0], (int) s[1], (int) p[0], (int) p[1], (int) p[2], (int) p[3],
                (int) d[0], (int) d[1], ceil, includePad);
    }

    /** Explicit pads (top, left, bottom, right), or the ones auto_pad SAME_UPPER/SAME_LOWER/VALID implies. */
    private long[] pads(NodeProto n, int[] in, long[] k, long[] s, long[] d) throws FormatException {
        String auto = attrString(n, "auto_pad", "NOTSET");
        long[] p = attrInts(n, "pads", new long[4]);
        if (p.length != 4) throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): pads has " + p.length + " values; expected 4");
        for (long v : p) if (v < 0 || v > 1 << 20) throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): pads " + Arrays.toString(p) + " out of range");
        switch (auto) {
            case "NOTSET" -> { return p; }
            case "VALID" -> { return new long[4]; }
            case "SAME_UPPER", "SAME_LOWER" -> {
                if (in == null) throw unsupported(n, "auto_pad " + auto + " on an input of unknown size");
                long[] out = new long[4];
                for (int a = 0; a < 2; a++) {
                    long size = in[1 + a], o = (size + s[a] - 1) / s[a];
                    long total = Math.max(0, (o - 1) * s[a] + (k[a] - 1) * d[a] + 1 - size);
                    long small = total / 2, big = total - small;
                    boolean upper = auto.equals("SAME_UPPER");
                    out[a] = upper ? small : big;
                    out[a + 2] = upper ? big : small;
                }
                return out;
            }
            default -> throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): auto_pad '" + auto + "' is not an ONNX value");
        }
    }

    private long[] pair(NodeProto n, String name, long def) throws FormatException {
        long[] v = attrInts(n, name, new long[] {def, def});
        if (v.length != 2) throw unsupported(n, n.getOpType() + " with " + v.length + "-D " + name + " (only 2-D is imported)");
        for (long x : v) positive(n, name, x);
        return v;
    }

    private void positive(NodeProto n, String name, long v) throws FormatException {
        if (v < 1 || v > 1 << 20) throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): " + name + " value " + v + " out of range");
    }

    private OnnxLayer.Linear gemm(NodeProto n) throws IOException {
        if (attrInt(n, "transA", 0) != 0) throw unsupported(n, "Gemm with transA=1");
        Tensor b = weight(n, 1);
        if (b.rank() != 2) throw fail("node '" + n.getName() + "' (Gemm): B has rank " + b.rank() + "; expected 2");
        Tensor w = attrInt(n, "transB", 0) != 0 ? b.copy() : transpose(b, n);  // [out, in]
        float alpha = attrFloat(n, "alpha", 1f), beta = attrFloat(n, "beta", 1f);
        if (alpha != 1f) for (int i = 0; i < w.size(); i++) w.data()[i] *= alpha;
        Tensor c = null;
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            Tensor c0 = weight(n, 2);
            int out = w.dim(0);
            float[] v = new float[out];
            if (c0.size() == out) {
                for (int i = 0; i < out; i++) v[i] = beta * c0.data()[i];
            } else if (c0.size() == 1) {
                Arrays.fill(v, beta * c0.data()[0]);
            } else {
                throw unsupported(n, "Gemm whose C of shape " + Arrays.toString(c0.shape()) + " is not a per-output bias");
            }
            c = Tensor.wrap(v, out);
        }
        return new OnnxLayer.Linear(w, c);
    }

    private Tensor transpose(Tensor m, NodeProto n) throws FormatException {
        if (m.rank() != 2) throw unsupported(n, n.getOpType() + " with a rank-" + m.rank() + " constant (a Linear layer needs a matrix)");
        int r = m.dim(0), c = m.dim(1);
        float[] t = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = m.data()[i * c + j];
        return Tensor.wrap(t, c, r);
    }

    private OnnxLayer.BatchNorm batchNorm(NodeProto n) throws IOException {
        if (n.getInputCount() != 5) throw fail("node '" + n.getName() + "' (BatchNormalization) has " + n.getInputCount() + " inputs; expected 5");
        if (attrInt(n, "training_mode", 0) != 0) throw unsupported(n, "BatchNormalization with training_mode=1");
        Tensor scale = weight(n, 1), bias = weight(n, 2), mean = weight(n, 3), var = weight(n, 4);
        int c = mean.size();
        for (Tensor t : List.of(scale, bias, var)) {
            if (t.size() != c) throw fail("node '" + n.getName() + "' (BatchNormalization): scale, B, mean and var must have the same length, got "
                    + scale.size() + ", " + bias.size() + ", " + c + ", " + var.size());
        }
        float eps = attrFloat(n, "epsilon", 1e-5f), momentum = attrFloat(n, "momentum", 0.9f);
        return new OnnxLayer.BatchNorm(flat(scale), flat(bias), flat(mean), flat(var), eps, 1f - momentum);
    }

    private static Tensor flat(Tensor t) { return Tensor.wrap(t.data().clone(), t.size()); }

    private OnnxLayer flatten(NodeProto n, int[] in) throws FormatException {
        long axis = attrInt(n, "axis", 1);
        if (in != null && axis < 0) axis += in.length + 1;
        if (axis != 1) throw unsupported(n, "Flatten with axis " + axis + " (only axis 1, keeping the batch, is imported)");
        return new OnnxLayer.Flatten();
    }

    /** A Reshape that keeps the batch and flattens the rest (or changes nothing). */
    private OnnxLayer reshape(NodeProto n, int[] in) throws FormatException {
        long[] target = ints.get(n.getInput(1));
        if (target == null) throw unsupported(n, "Reshape to a shape that is computed from data");
        long item = -1;
        if (in != null) {
            item = 1;
            for (int d : in) item *= d;
        }
        boolean allowZero = attrInt(n, "allowzero", 0) != 0;
        boolean batchFirst = target.length >= 1 && (target[0] == BATCH || (target[0] == 0 && !allowZero));
        if (target.length == 2) {
            if (batchFirst && (target[1] == -1 || target[1] == item)) return new OnnxLayer.Flatten();
            if (target[0] == -1 && item > 0 && target[1] == item) return new OnnxLayer.Flatten();
        }
        if (in != null && batchFirst && target.length == in.length + 1) {
            boolean same = true;
            for (int i = 0; i < in.length; i++) same &= target[i + 1] == in[i] || (target[i + 1] == 0 && !allowZero);
            if (same) return null;
        }
        throw unsupported(n, "Reshape to " + describe(target) + (in != null ? " of item shape " + Arrays.toString(in) : "")
                + " (only reshapes that keep the batch and flatten the rest are imported)");
    }

    private static String describe(long[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) b.append(", ");
            b.append(v[i] == BATCH ? "N" : v[i] == UNKNOWN ? "?" : Long.toString(v[i]));
        }
        return b.append(']').toString();
    }

    // ---- constants -----------------------------------------------------------------------------------

    /** A float constant used as a layer's weight. */
    private Tensor weight(NodeProto n, int index) throws IOException {
        if (n.getInputCount() <= index || n.getInput(index).isEmpty()) throw fail("node '" + n.getName() + "' (" + n.getOpType() + ") lacks input " + index);
        String v = n.getInput(index);
        if (isActivation(v)) throw unsupported(n, n.getOpType() + " whose input " + index + " ('" + v + "') is computed, not a constant weight");
        return constTensor(v, n);
    }

    private Tensor constFloat(NodeProto n, int index) throws IOException { return constTensor(n.getInput(index), n); }

    private Tensor constTensor(String v, NodeProto n) throws IOException {
        Tensor t = floats.get(v);
        if (t != null) return t;
        TensorProto init = initializers.get(v);
        if (init != null && !OnnxTensors.isInteger(init)) {
            t = OnnxTensors.toFloat(init, source);
            floats.put(v, t);
            return t;
        }
        long[] l = ints.get(v);
        if (l == null && init != null) l = OnnxTensors.toLongs(init, source);
        if (l != null) {
            float[] f = new float[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] == BATCH || l[i] == UNKNOWN) throw unsupported(n, n.getOpType() + " of a value computed from the input's shape");
                f[i] = l[i];
            }
            return Tensor.wrap(f, Math.max(1, f.length));
        }
        throw fail("node '" + n.getName() + "' (" + n.getOpType() + "): input '" + v + "' is not a constant");
    }

    private long[] constInts(String v, NodeProto n) throws IOException {
        long[] l = ints.get(v);
        if (l != null) return l;
        TensorProto init = initializers.get(v);
        if (init != null && OnnxTensors.isInteger(init)) {
            l = OnnxTensors.toLongs(init, source);
            putInts(v, l, OnnxTensors.shape(init, source));
            return l;
        }
        throw unsupported(n, n.getOpType() + " of non-integer input '" + v + "'");
    }

    /** Evaluates a node whose inputs are all constants. */
    private void constant(NodeProto n) throws IOException {
        String op = n.getOpType();
        if (n.getOutputCount() < 1) throw fail("node '" + n.getName() + "' (" + op + ") has no output");
        String out = n.getOutput(0);
        switch (op) {
            case "Constant" -> {
                AttributeProto a = n.getAttributeCount() == 1 ? n.getAttribute(0) : null;
                if (a == null) throw fail("node '" + n.getName() + "' (Constant) must have exactly one attribute");
                switch (a.getName()) {
                    case "value" -> {
                        TensorProto t = a.getT().toBuilder().setName(out).build();
                        if (OnnxTensors.isInteger(t)) putInts(out, OnnxTensors.toLongs(t, source), OnnxTensors.shape(t, source));
                        else floats.put(out, OnnxTensors.toFloat(t, source));
                    }
                    case "value_float" -> floats.put(out, Tensor.wrap(new float[] {a.getF()}, 1));
                    case "value_floats" -> {
                        float[] f = new float[a.getFloatsCount()];
                        for (int i = 0; i < f.length; i++) f[i] = a.getFloats(i);
                        floats.put(out, Tensor.wrap(f, Math.max(1, f.length)));
                    }
                    case "value_int" -> ints.put(out, new long[] {a.getI()});
                    case "value_ints" -> ints.put(out, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                    default -> throw unsupported(n, "Constant with attribute '" + a.getName() + "'");
                }
            }
            case "Identity" -> {
                String in = n.getInput(0);
                if (isFloatConst(in)) floats.put(out, constTensor(in, n));
                else putInts(out, constInts(in, n), intShape(in));
            }
            case "Cast" -> {
                String in = n.getInput(0);
                long to = attrInt(n, "to", TensorProto.DataType.FLOAT_VALUE);
                boolean toFloat = to == TensorProto.DataType.FLOAT_VALUE || to == TensorProto.DataType.DOUBLE_VALUE
                        || to == TensorProto.DataType.FLOAT16_VALUE;
                if (toFloat) {
                    floats.put(out, constTensor(in, n));
                } else if (isFloatConst(in)) {
                    Tensor t = constTensor(in, n);
                    long[] l = new long[t.size()];
                    for (int i = 0; i < l.length; i++) l[i] = (long) t.data()[i];
                    putInts(out, l, t.shape());
                } else {
                    putInts(out, constInts(in, n), intShape(in));
                }
            }
            case "Shape" -> {
                int[] shape = isFloatConst(n.getInput(0)) ? constTensor(n.getInput(0), n).shape() : intShape(n.getInput(0));
                long[] r = new long[shape.length];
                for (int i = 0; i < r.length; i++) r[i] = shape[i];
                ints.put(out, r);
            }
            case "Gather" -> {
                long[] data = constInts(n.getInput(0), n), idx = constInts(n.getInput(1), n);
                if (attrInt(n, "axis", 0) != 0 || intShape(n.getInput(0)).length > 1) throw unsupported(n, "Gather on axis " + attrInt(n, "axis", 0) + " in shape arithmetic");
                long[] r = new long[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    long j = idx[i] < 0 ? idx[i] + data.length : idx[i];
                    if (j < 0 || j >= data.length) throw fail("node '" + n.getName() + "' (Gather): index " + idx[i] + " out of range for " + data.length + " values");
                    r[i] = data[(int) j];
                }
                putInts(out, r, intShape(n.getInput(1)));
            }
            case "Unsqueeze", "Squeeze" -> {
                String in = n.getInput(0);
                if (isFloatConst(in)) throw unsupported(n, op + " of a float constant");
                long[] v = constInts(in, n);
                putInts(out, v, new int[] {v.length});
            }
            case "Concat" -> {
                int total = 0;
                List<long[]> parts = new ArrayList<>();
                for (String in : n.getInputList()) {
                    if (isFloatConst(in) || intShape(in).length > 1) throw unsupported(n, "Concat of constants other than 1-D integer vectors");
                    long[] p = constInts(in, n);
                    parts.add(p);
                    total += p.length;
                }
                if (total > MAX_SHAPE_VALUES) throw unsupported(n, "Concat of " + total + " shape values");
                long[] r = new long[total];
                int o = 0;
                for (long[] p : parts) { System.arraycopy(p, 0, r, o, p.length); o += p.length; }
                ints.put(out, r);
            }
            case "ConstantOfShape" -> {
                long[] dims = constInts(n.getInput(0), n);
                long count = 1;
                int[] shape = new int[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    if (dims[i] < 0 || dims[i] > MAX_SHAPE_VALUES) throw unsupported(n, "ConstantOfShape of shape " + describe(dims));
                    shape[i] = (int) dims[i];
                    count *= dims[i];
                }
                if (count > MAX_SHAPE_VALUES) throw unsupported(n, "ConstantOfShape of " + count + " values (only small shape arithmetic is evaluated)");
                AttributeProto a = attr(n, "value");
                TensorProto v = a == null ? TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(0f).build() : a.getT();
                if (OnnxTensors.isInteger(v)) {
                    long[] one = OnnxTensors.toLongs(v.toBuilder().setName(out).build(), source);
                    if (one.length != 1) throw fail("node '" + n.getName() + "' (ConstantOfShape): value must hold one element");
                    long[] r = new long[(int) count];
                    Arrays.fill(r, one[0]);
                    putInts(out, r, shape);
                } else {
                    Tensor one = OnnxTensors.toFloat(v.toBuilder().setName(out).build(), source);
                    if (one.size() != 1) throw fail("node '" + n.getName() + "' (ConstantOfShape): value must hold one element");
                    float[] r = new float[(int) count];
                    Arrays.fill(r, one.data()[0]);
                    floats.put(out, Tensor.wrap(r, shape.length == 0 ? new int[] {1} : shape));
                }
            }
            case "Reshape" -> {
                String in = n.getInput(0);
                if (isFloatConst(in)) throw unsupported(n, "Reshape of a float constant");
                long[] v = constInts(in, n), target = constInts(n.getInput(1), n);
                int[] from = intShape(in), shape = new int[target.length];
                int infer = -1;
                long known = 1;
                for (int i = 0; i < target.length; i++) {
                    long t = target[i] == 0 && i < from.length ? from[i] : target[i];
                    if (t == -1 && infer < 0) { infer = i; continue; }
                    if (t < 0 || t > MAX_SHAPE_VALUES) throw unsupported(n, "Reshape of a constant to " + describe(target));
                    shape[i] = (int) t;
                    known *= t;
                }
                if (infer >= 0) shape[infer] = known == 0 ? 0 : (int) (v.length / known);
                long count = 1;
                for (int d : shape) count *= d;
                if (count != v.length) throw fail("node '" + n.getName() + "' (Reshape): " + v.length + " values do not fit shape " + describe(target));
                putInts(out, v, shape);
            }
            case "Transpose" -> {
                String in = n.getInput(0);
                if (isFloatConst(in)) throw unsupported(n, "Transpose of a float constant");
                long[] v = constInts(in, n);
                int[] shape = intShape(in);
                long[] perm = attrInts(n, "perm", shape.length == 2 ? new long[] {1, 0} : new long[] {0});
                if (shape.length == 1 && perm.length == 1 && perm[0] == 0) {
                    putInts(out, v, shape);
                } else if (shape.length == 2 && perm.length == 2 && perm[0] == 1 && perm[1] == 0) {
                    long[] r = new long[v.length];
                    for (int i = 0; i < shape[0]; i++) for (int j = 0; j < shape[1]; j++) r[j * shape[0] + i] = v[i * shape[1] + j];
                    putInts(out, r, new int[] {shape[1], shape[0]});
                } else {
                    throw unsupported(n, "Transpose of a rank-" + shape.length + " constant");
                }
            }
            case "Slice" -> {
                String in = n.getInput(0);
                if (isFloatConst(in)) throw unsupported(n, "Slice of a float constant");
                long[] v = constInts(in, n);
                int[] shape = intShape(in);
                long[][] sl = sliceArgs(n, shape.length);
                long[] starts = sl[0], ends = sl[1], axes = sl[2], steps = sl[3];
                // One axis at a time: each pass keeps the rows of that axis the slice selects.
                for (int k = 0; k < axes.length; k++) {
                    int axis = (int) axes[k];
                    List<Integer> keep = sliceIndices(n, shape[axis], starts[k], ends[k], steps[k]);
                    int outer = 1, inner = 1;
                    for (int i = 0; i < axis; i++) outer *= shape[i];
                    for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
                    long[] r = new long[outer * keep.size() * inner];
                    int o = 0;
                    for (int a = 0; a < outer; a++) {
                        for (int idx : keep) {
                            System.arraycopy(v, (a * shape[axis] + idx) * inner, r, o, inner);
                            o += inner;
                        }
                    }
                    v = r;
                    shape = shape.clone();
                    shape[axis] = keep.size();
                }
                putInts(out, v, shape);
            }
            case "Add", "Sub", "Mul", "Div" -> {
                if (isFloatConst(n.getInput(0)) || isFloatConst(n.getInput(1))) {
                    throw unsupported(n, op + " of float constants (torch folds these when exporting)");
                }
                long[] a = constInts(n.getInput(0), n), b = constInts(n.getInput(1), n);
                int len = Math.max(a.length, b.length);
                if ((a.length != len && a.length != 1) || (b.length != len && b.length != 1)) {
                    throw unsupported(n, op + " of shape values of lengths " + a.length + " and " + b.length);
                }
                long[] r = new long[len];
                for (int i = 0; i < len; i++) r[i] = arith(op, a[a.length == 1 ? 0 : i], b[b.length == 1 ? 0 : i], n);
                putInts(out, r, a.length >= b.length ? intShape(n.getInput(0)) : intShape(n.getInput(1)));
            }
            default -> throw unsupported(n, "op '" + op + "'" + (n.getInputCount() == 0 ? "" : " on constant inputs"));
        }
    }

    /** Most values a constant computed by shape arithmetic may hold. */
    private static final int MAX_SHAPE_VALUES = 1 << 16;

    private boolean isFloatConst(String v) {
        if (floats.containsKey(v)) return true;
        TensorProto init = initializers.get(v);
        return init != null && !OnnxTensors.isInteger(init) && !ints.containsKey(v);
    }

    private void putInts(String name, long[] v, int[] shape) {
        ints.put(name, v);
        if (shape != null && !(shape.length == 1 && shape[0] == v.length)) intShapes.put(name, shape.clone());
    }

    /** The shape of an integer constant (1-D of its length unless a Reshape, Gather or ConstantOfShape made it otherwise). */
    private int[] intShape(String v) throws FormatException {
        int[] s = intShapes.get(v);
        if (s != null) return s;
        TensorProto init = initializers.get(v);
        if (init != null && !ints.containsKey(v)) return OnnxTensors.shape(init, source);
        long[] l = ints.get(v);
        return new int[] {l == null ? 0 : l.length};
    }

    /** Integer arithmetic of shape values; the symbolic batch survives only multiplying or dividing by 1. */
    private long arith(String op, long a, long b, NodeProto n) throws FormatException {
        boolean symA = a == BATCH || a == UNKNOWN, symB = b == BATCH || b == UNKNOWN;
        if (symA || symB) {
            if (symA && !symB && b == 1 && (op.equals("Mul") || op.equals("Div"))) return a;
            if (symB && !symA && a == 1 && op.equals("Mul")) return b;
            return UNKNOWN;
        }
        return switch (op) {
            case "Add" -> a + b;
            case "Sub" -> a - b;
            case "Mul" -> a * b;
            default -> {
                if (b == 0) throw fail("node '" + n.getName() + "' (Div) divides a shape value by zero");
                yield a / b;
            }
        };
    }

    /** starts, ends, axes (normalised to [0, rank)), steps of a Slice: inputs from opset 10, attributes before. */
    private long[][] sliceArgs(NodeProto n, int rank) throws IOException {
        long[] starts, ends, axes, steps;
        if (opset >= 10) {
            if (n.getInputCount() < 3) throw fail("node '" + n.getName() + "' (Slice) needs data, starts and ends");
            starts = constInts(n.getInput(1), n);
            ends = constInts(n.getInput(2), n);
            axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? constInts(n.getInput(3), n) : null;
            steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? constInts(n.getInput(4), n) : null;
        } else {
            starts = attrInts(n, "starts", new long[0]);
            ends = attrInts(n, "ends", new long[0]);
            axes = attrInts(n, "axes", null);
            steps = null;
        }
        if (axes == null) {
            axes = new long[starts.length];
            for (int i = 0; i < axes.length; i++) axes[i] = i;
        }
        if (steps == null) {
            steps = new long[starts.length];
            Arrays.fill(steps, 1);
        }
        if (ends.length != starts.length || axes.length != starts.length || steps.length != starts.length) {
            throw fail("node '" + n.getName() + "' (Slice): starts, ends, axes and steps differ in length");
        }
        axes = axes.clone();
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0) axes[i] += rank;
            if (axes[i] < 0 || axes[i] >= rank) throw fail("node '" + n.getName() + "' (Slice): axis out of range for rank " + rank);
            if (steps[i] == 0) throw fail("node '" + n.getName() + "' (Slice): step 0");
        }
        return new long[][] {starts, ends, axes, steps};
    }

    /** The indices ONNX Slice selects from a dimension of {@code size} (negative steps walk backwards). */
    private static List<Integer> sliceIndices(NodeProto n, int size, long start, long end, long step) {
        long s = start < 0 ? start + size : start, e = end < 0 ? end + size : end;
        List<Integer> r = new ArrayList<>();
        if (step > 0) {
            s = Math.clamp(s, 0, size);
            e = Math.clamp(e, 0, size);
            for (long i = s; i < e; i += step) r.add((int) i);
        } else {
            s = Math.clamp(s, -1, size - 1);
            e = Math.clamp(e, -1, size - 1);
            for (long i = s; i > e; i += step) r.add((int) i);
        }
        return r;
    }

    /** Shape of an activation: [BATCH, item...]; a node with an activation input that yields a constant. */
    private boolean shapeOf(NodeProto n) {
        if (!n.getOpType().equals("Shape")) return false;
        int[] in = activations.get(n.getInput(0));
        long[] r;
        if (in == null) {
            r = new long[] {BATCH, UNKNOWN, UNKNOWN, UNKNOWN};
        } else {
            r = new long[in.length + 1];
            r[0] = BATCH;
            for (int i = 0; i < in.length; i++) r[i + 1] = in[i];
        }
        ints.put(n.getOutput(0), r);
        return true;
    }

    // ---- structure -------------------------------------------------------------------------------------

    /** Where a walk stopped: at Add {@code join}, entering it through value {@code via}. */
    private record End(Step join, String via) {}

    /**
     * Follows the chain from value {@code v}, appending layers, until the graph output (returns null) or
     * an Add that joins branches of an outer fork (returns it). A fork whose two branches meet at one Add
     * becomes a {@link OnnxLayer.Residual}: the branch that is empty (identity) or, when both hold layers,
     * the one entering the Add's second input is the shortcut, as in torch's {@code out + shortcut(x)}.
     */
    private End walk(String v, String output, List<OnnxLayer> layers, int depth) throws FormatException {
        if (depth > MAX_DEPTH) throw fail("residual blocks are nested more than " + MAX_DEPTH + " deep");
        while (true) {
            List<Step> cs = consumers.getOrDefault(v, List.of());
            if (v.equals(output)) {
                if (!cs.isEmpty()) throw fail("graph output '" + output + "' is also read by node '" + cs.get(0).node.getName() + "'");
                return null;
            }
            if (cs.isEmpty()) throw fail("value '" + v + "' is computed but never used, and is not the graph output");
            for (Step s : cs) {
                if (s.join && !s.joinOp.equals("Add")) throw new NeedsGraph();
            }
            if (cs.size() == 1) {
                Step s = cs.get(0);
                if (s.join) return new End(s, v);
                s.visited = true;
                if (s.layer != null) layers.add(s.layer);
                v = s.output;
                continue;
            }
            if (cs.size() != 2) throw new NeedsGraph();
            List<OnnxLayer> first = new ArrayList<>(), second = new ArrayList<>();
            End e1 = branch(cs.get(0), v, first, output, depth), e2 = branch(cs.get(1), v, second, output, depth);
            if (e1.join() != e2.join()) throw new NeedsGraph();
            Step join = e1.join();
            join.visited = true;
            boolean firstIsBody = first.isEmpty() != second.isEmpty() ? !first.isEmpty() : e1.via().equals(join.inputs.get(0));
            layers.add(firstIsBody ? new OnnxLayer.Residual(first, second) : new OnnxLayer.Residual(second, first));
            v = join.output;
        }
    }

    /** Walks one branch starting at step {@code s}, a consumer of the fork value; returns the Add it ends in. */
    private End branch(Step s, String fork, List<OnnxLayer> layers, String output, int depth) throws FormatException {
        if (s.join) return new End(s, fork);
        s.visited = true;
        if (s.layer != null) layers.add(s.layer);
        End end = walk(s.output, output, layers, depth + 1);
        if (end == null) throw new NeedsGraph();
        return end;
    }

    // ---- attributes ---------------------------------------------------------------------------------

    private static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    private static long attrInt(NodeProto n, String name, long def) {
        AttributeProto a = attr(n, name);
        return a == null ? def : a.getI();
    }

    private static float attrFloat(NodeProto n, String name, float def) {
        AttributeProto a = attr(n, name);
        return a == null ? def : a.getF();
    }

    private static String attrString(NodeProto n, String name, String def) {
        AttributeProto a = attr(n, name);
        return a == null ? def : a.getS().toStringUtf8();
    }

    private static long[] attrInts(NodeProto n, String name, long[] def) {
        AttributeProto a = attr(n, name);
        return a == null ? def : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private FormatException fail(String problem) { return new FormatException(file, problem); }

    private UnsupportedOpException unsupported(NodeProto n, String what) {
        return new UnsupportedOpException(file, "unsupported " + what + " at node '" + n.getName() + "' (op " + n.getOpType() + ")");
    }
}
