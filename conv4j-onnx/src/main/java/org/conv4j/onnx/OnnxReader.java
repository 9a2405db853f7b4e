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
 * {@link OnnxLayer}s with residual blocks.
 *
 * <p>Steps: (1) the graph is checked and sorted topologically; an input nobody produces, a value produced
 * twice or a cycle is a {@link FormatException}. (2) Nodes whose inputs are all constants (initializers,
 * {@code Constant}, and the shape arithmetic torch writes for {@code x.view(x.size(0), -1)}: Shape,
 * Gather, Unsqueeze, Concat, Cast) are evaluated. (3) Every other node becomes a layer; MatMul followed by
 * Add of a constant becomes one Linear, torch's five-node GELU becomes one GELU. (4) The resulting DAG is
 * read as a chain in which a value feeding two branches that meet again at an Add is a residual block.
 *
 * <p>Supported ops: Conv, Gemm, MatMul(+Add), Relu, LeakyRelu, Sigmoid, Tanh, MaxPool, AveragePool,
 * GlobalAveragePool, BatchNormalization, Flatten, Reshape (flattening only), Add (residual), Dropout,
 * Softmax (last node only), Constant, Identity, and Sub/Div of constants on the graph input (the input
 * normalisation, returned as mean and std). Any other op is an {@link UnsupportedOpException} naming
 * the op and the node.
 */
public final class OnnxReader {
    /** Deepest nesting of residual blocks accepted. */
    public static final int MAX_DEPTH = 100;

    /** What an import produced. */
    public record Result(List<OnnxLayer> layers, List<String> names, int[] inputShape, boolean softmaxOutput, List<String> notes,
                         float[] mean, float[] std) {}

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
    private final Map<String, TensorProto> initializers = new HashMap<>();
    /** Activation values: item shape (null when unknown). */
    private final Map<String, int[]> activations = new HashMap<>();
    /** Layer nodes by output value. */
    private final Map<String, Step> producers = new HashMap<>();
    private final Map<String, List<Step>> consumers = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Every value some node or the graph output reads. */
    private final Set<String> read = new HashSet<>();
    /** Div, Erf, Add, Mul nodes seen as possible parts of torch's GELU, folded after classification. */
    private final List<NodeProto> geluParts = new ArrayList<>();
    /** The graph input's name; Sub and Div by constants reading it (through each other) are its normalisation. */
    private String inputName;
    private float[] normMean, normStd;
    private String normOut;
    private final List<String> normInputs = new ArrayList<>();

    /** One layer node of the activation graph: a layer (null for identity) or an Add join. */
    private static final class Step {
        final NodeProto node;
        OnnxLayer layer;
        final List<String> inputs;
        String output;
        final boolean join;
        boolean visited;

        /** For a Pad step: (top, left, bottom, right) zeros, to be merged into the next Conv or AveragePool. */
        long[] pads;

        Step(NodeProto node, OnnxLayer layer, List<String> inputs, String output, boolean join) {
            this.node = node; this.layer = layer; this.inputs = inputs; this.output = output; this.join = join;
        }
    }

    private OnnxReader(ModelProto model, String file, Path folder) throws FormatException {
        this.file = file;
        this.source = new OnnxTensors.Source(file, folder);
        this.opset = OnnxFile.defaultOpset(model, file);
        this.graph = model.getGraph();
    }

    /** Reads {@code file} (external data resolved in its folder). */
    public static Result read(Path file) throws IOException {
        ModelProto model = OnnxFile.read(file);
        Path folder = file.toAbsolutePath().getParent();
        return read(model, String.valueOf(file), folder);
    }

    /** Reads a parsed model; {@code where} names it in messages, {@code folder} holds its external data (may be null). */
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

        for (NodeProto n : topologicalOrder(input)) classify(n);
        foldGelu();
        foldPads();

        Step last = producers.get(output);
        boolean softmax = false;
        if (last != null && last.layer instanceof OnnxLayer.Softmax) {
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
        End end = walk(input, output, layers, 0);
        if (end != null) throw fail("node '" + end.join().node.getName() + "' (" + end.join().node.getOpType() + ") joins branches that never forked");
        for (Step s : producers.values()) {
            if (!s.visited) throw fail("node '" + s.node.getName() + "' (" + s.node.getOpType() + ") does not lie on the path from input '" + input + "' to output '" + output + "'");
        }
        int[] shape = activations.get(input);
        if (shape != null) OnnxLayer.chainShape(layers, shape);  // validates every layer against its input
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
        return new Result(List.copyOf(layers), List.copyOf(names), shape, softmax, List.copyOf(notes), mean, std);
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
        if (!isActivation(x) && !op.equals("Add") && !op.equals("Mul")) throw unsupported(n, "a constant first input with a computed later input");
        int[] in = activations.get(x);
        switch (op) {
            case "Conv" -> layer(n, conv(n), in);
            case "Gemm" -> layer(n, gemm(n), in);
            case "MatMul" -> layer(n, new OnnxLayer.Linear(transpose(weight(n, 1), n), null), in);
            case "Relu" -> layer(n, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.RELU, 0f), in);
            case "LeakyRelu" -> layer(n, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.LEAKY_RELU, attrFloat(n, "alpha", 0.01f)), in);
            case "Sigmoid" -> layer(n, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.SIGMOID, 0f), in);
            case "Tanh" -> layer(n, new OnnxLayer.Activation(OnnxLayer.Activation.Kind.TANH, 0f), in);
            case "MaxPool", "AveragePool" -> layer(n, pool(n, op.equals("MaxPool"), in), in);
            case "GlobalAveragePool" -> layer(n, new OnnxLayer.GlobalAvgPool(), in);
            case "BatchNormalization" -> layer(n, batchNorm(n), in);
            case "Flatten" -> layer(n, flatten(n, in), in);
            case "Reshape" -> layer(n, reshape(n, in), in);
            case "Dropout" -> {
                onlyFirstOutputUsed(n);
                float p = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constFloat(n, 1).data()[0] : attrFloat(n, "ratio", 0.5f);
                layer(n, new OnnxLayer.Dropout(p), in);
            }
            case "Identity" -> layer(n, null, in);
            case "Softmax" -> {
                int axis = (int) attrInt(n, "axis", opset >= 13 ? -1 : 1);
                if (in != null && !(in.length == 1 && (axis == 1 || axis == -1))) throw unsupported(n, "Softmax over axis " + axis + " of a rank-" + (in.length + 1) + " value");
                layer(n, new OnnxLayer.Softmax(), in);
            }
            case "Pad" -> pad(n, in);
            case "Add" -> add(n);
            case "Sub", "Div" -> {
                if (!normalisation(n, in)) {
                    if (op.equals("Sub")) throw unsupported(n, "op 'Sub' (only as input normalisation, (x - mean) / std, on the graph input)");
                    geluPart(n);
                }
            }
            case "Erf", "Mul" -> geluPart(n);
            default -> throw unsupported(n, "op '" + op + "'");
        }
    }

    private void layer(NodeProto n, OnnxLayer layer, int[] in) throws FormatException {
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
        step(new Step(n, layer, new ArrayList<>(List.of(n.getInput(0))), out, false), shape);
    }

    private void step(Step s, int[] shape) {
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

    /** Add of two computed values (a residual join), or of a MatMul result and a constant bias. */
    private void add(NodeProto n) throws IOException {
        if (n.getInputCount() != 2) throw fail("node '" + n.getName() + "' (Add) has " + n.getInputCount() + " inputs; expected 2");
        String a = n.getInput(0), b = n.getInput(1);
        if (isActivation(a) && isActivation(b)) {
            int[] sa = activations.get(a), sb = activations.get(b);
            if (sa != null && sb != null && !Arrays.equals(sa, sb)) {
                throw fail("node '" + n.getName() + "' (Add) adds item shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb) + "; a residual join needs equal shapes");
            }
            if (a.equals(b)) throw unsupported(n, "Add of a value to itself");
            step(new Step(n, null, List.of(a, b), n.getOutput(0), true), sa != null ? sa : sb);
            return;
        }
        String act = isActivation(a) ? a : b, constant = isActivation(a) ? b : a;
        Step prev = producers.get(act);
        if (prev != null && !prev.join && prev.layer instanceof OnnxLayer.Linear l && l.bias() == null
                && prev.node.getOpType().equals("MatMul") && consumers.getOrDefault(act, List.of()).isEmpty()) {
            Tensor bias = constTensor(constant, n);
            int outF = l.weight().dim(0);
            if (bias.size() != outF) throw fail("node '" + n.getName() + "' (Add) adds a bias of " + bias.size() + " values to MatMul output of " + outF + " features");
            // Fold the bias into the MatMul's Linear: the Add's output is now that step's output.
            prev.layer = new OnnxLayer.Linear(l.weight(), Tensor.wrap(bias.data().clone(), outF));
            activations.put(n.getOutput(0), activations.get(act));
            producers.remove(act);
            activations.remove(act);
            prev.output = n.getOutput(0);
            producers.put(prev.output, prev);
            consumers.remove(act);
            return;
        }
        if (geluPart(n)) return;
        throw unsupported(n, "Add of a constant to a value not produced by MatMul");
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
     * Constant zero padding of H and W (torch writes it before AveragePool with count_include_pad, and
     * for ZeroPad2d): merged into the Conv or AveragePool that reads it, the identity when all zero.
     */
    private void pad(NodeProto n, int[] in) throws IOException {
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant")) throw unsupported(n, "Pad in mode '" + mode + "'");
        long[] p = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constInts(n.getInput(1), n) : attrInts(n, "pads", new long[0]);
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && constTensor(n.getInput(2), n).data()[0] != 0f) {
            throw unsupported(n, "Pad with a non-zero constant");
        }
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) {
            throw unsupported(n, "Pad " + Arrays.toString(p) + " (only zero padding of H and W of an [N, C, H, W] value is imported)");
        }
        for (long v : p) if (v < 0 || v > 1 << 20) throw unsupported(n, "Pad " + Arrays.toString(p));
        long[] tlbr = {p[2], p[3], p[6], p[7]};
        int[] shape = in == null ? null : new int[] {in[0], in[1] + (int) (p[2] + p[6]), in[2] + (int) (p[3] + p[7])};
        onlyFirstOutputUsed(n);
        Step s = new Step(n, null, List.of(n.getInput(0)), n.getOutput(0), false);
        if (tlbr[0] + tlbr[1] + tlbr[2] + tlbr[3] != 0) s.pads = tlbr;
        step(s, shape);
    }

    /** Merges each non-zero Pad into the one Conv or AveragePool that reads it. */
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
            if (merged == null) throw unsupported(p.node, "Pad that is not read by exactly one Conv or AveragePool");
            c.layer = merged;
            String x = p.inputs.get(0);
            producers.remove(p.output);
            consumers.remove(p.output);
            List<Step> xs = consumers.get(x);
            xs.set(xs.indexOf(p), c);
            c.inputs.set(0, x);
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
            ints.put(v, l);
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
                        if (OnnxTensors.isInteger(t)) ints.put(out, OnnxTensors.toLongs(t, source));
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
            case "Identity", "Cast" -> {
                String in = n.getInput(0);
                if (floats.containsKey(in) || (initializers.containsKey(in) && !OnnxTensors.isInteger(initializers.get(in)))) {
                    floats.put(out, constTensor(in, n));
                } else {
                    ints.put(out, constInts(in, n));
                }
            }
            case "Shape" -> throw unsupported(n, "Shape of a constant");
            case "Gather" -> {
                long[] data = constInts(n.getInput(0), n), idx = constInts(n.getInput(1), n);
                if (attrInt(n, "axis", 0) != 0) throw unsupported(n, "Gather on axis " + attrInt(n, "axis", 0) + " in shape arithmetic");
                long[] r = new long[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    long j = idx[i] < 0 ? idx[i] + data.length : idx[i];
                    if (j < 0 || j >= data.length) throw fail("node '" + n.getName() + "' (Gather): index " + idx[i] + " out of range for " + data.length + " values");
                    r[i] = data[(int) j];
                }
                ints.put(out, r);
            }
            case "Unsqueeze", "Squeeze" -> ints.put(out, constInts(n.getInput(0), n));
            case "Concat" -> {
                int total = 0;
                List<long[]> parts = new ArrayList<>();
                for (String in : n.getInputList()) {
                    long[] p = constInts(in, n);
                    parts.add(p);
                    total += p.length;
                }
                long[] r = new long[total];
                int o = 0;
                for (long[] p : parts) { System.arraycopy(p, 0, r, o, p.length); o += p.length; }
                ints.put(out, r);
            }
            default -> throw unsupported(n, "op '" + op + "'" + (n.getInputCount() == 0 ? "" : " on constant inputs"));
        }
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
            if (cs.size() == 1) {
                Step s = cs.get(0);
                if (s.join) return new End(s, v);
                s.visited = true;
                if (s.layer != null) layers.add(s.layer);
                v = s.output;
                continue;
            }
            if (cs.size() != 2) throw unsupported(cs.get(0).node, "a value ('" + v + "') read by " + cs.size() + " nodes (only chains and two-branch residual blocks are imported)");
            List<OnnxLayer> first = new ArrayList<>(), second = new ArrayList<>();
            End e1 = branch(cs.get(0), v, first, output, depth), e2 = branch(cs.get(1), v, second, output, depth);
            if (e1.join() != e2.join()) throw unsupported(cs.get(0).node, "branches from '" + v + "' that do not meet at one Add");
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
        if (end == null) throw unsupported(s.node, "a branch from '" + fork + "' that reaches the output without joining");
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
