package org.conv4j.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.Merge;
import org.conv4j.merge.Mul;
import org.conv4j.model.Graph;
import org.conv4j.model.Sequential;
import org.conv4j.onnx.proto.OnnxProto.AttributeProto;
import org.conv4j.onnx.proto.OnnxProto.GraphProto;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.onnx.proto.OnnxProto.TensorShapeProto;
import org.conv4j.onnx.proto.OnnxProto.TypeProto;
import org.conv4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.conv4j.tensor.Tensor;

/**
 * Writes a chain of {@link OnnxLayer}s as an ONNX graph (opset {@link OnnxFile#EXPORT_OPSET}): one input
 * named {@code input} of shape {@code [N, item...]} with a symbolic batch dimension {@code N}, one output
 * named {@code output}. Weights become initializers named as in a torch state_dict ({@code 0.weight},
 * {@code 3.body.1.running_mean}), so the file reads like one exported from the equivalent torch model.
 * Batch normalisation is written in inference mode; dropout is the identity and writes no node.
 */
public final class OnnxWriter {
    /** The names of the graph's input value, its output value and the symbolic batch dimension. */
    public static final String INPUT = "input", OUTPUT = "output", BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int nodeCount;

    private OnnxWriter() {}

    /**
     * The model as an ONNX ModelProto.
     *
     * @param graphName the ONNX graph's name
     * @param layers    the model's layers in order
     * @param names     torch-style name prefix of each top-level layer's parameters ("0", "1", ...), same size as layers
     * @param itemShape one input item's shape, e.g. {@code [1, 28, 28]}
     * @return the model
     * @throws IllegalArgumentException if the names and layers differ in number or the layers do not chain from
     *                                  {@code itemShape}
     */
    public static ModelProto toModel(String graphName, List<OnnxLayer> layers, List<String> names, int[] itemShape) {
        return toModel(graphName, layers, names, itemShape, null, null);
    }

    /**
     * As {@link #toModel(String, List, List, int[])}, with the input first normalised per channel as
     * {@code (x - mean) / std} (Sub and Div nodes; one value, or one per channel of a [C, H, W] input), when
     * {@code mean} is not null.
     *
     * @param graphName the ONNX graph's name
     * @param layers    the model's layers in order
     * @param names     torch-style name prefix of each top-level layer's parameters, same size as layers
     * @param itemShape one input item's shape
     * @param mean      the mean subtracted from the input, one value or one per channel; null for no normalisation
     * @param std       the std the input is then divided by, as long as {@code mean}; null with a null mean
     * @return the model
     * @throws IllegalArgumentException if the names and layers differ in number or the layers do not chain from
     *                                  {@code itemShape}
     */
    public static ModelProto toModel(String graphName, List<OnnxLayer> layers, List<String> names, int[] itemShape, float[] mean, float[] std) {
        if (names.size() != layers.size()) throw new IllegalArgumentException("need one name per layer: " + names.size() + " names, " + layers.size() + " layers");
        OnnxWriter w = new OnnxWriter();
        int[] outShape = OnnxLayer.chainShape(layers, itemShape);
        String x = w.normalize(mean, std);
        return w.finish(graphName, w.chain(layers, names, x, itemShape), itemShape, outShape);
    }

    /**
     * A conv4j {@link Graph} as an ONNX model: each layer node's nodes and initializers are named after the
     * graph node ({@code layer1.0.conv1.weight}), Add, Mul and Concat nodes become the ONNX ops of those names
     * (Add of more than two values a chain of Adds, in input order), and the graph's output value is {@code output}.
     *
     * @param graphName the ONNX graph's name
     * @param g         the graph
     * @param itemShape one input item's shape
     * @param mean      the mean subtracted from the input, one value or one per channel; null for no normalisation
     * @param std       the std the input is then divided by; null with a null mean
     * @return the model
     * @throws IllegalArgumentException if the graph's shapes do not work out from {@code itemShape} or a layer has
     *                                  no ONNX form
     */
    public static ModelProto toModel(String graphName, Graph g, int[] itemShape, float[] mean, float[] std) {
        Map<String, int[]> shapes = g.valueShapes(itemShape);
        OnnxWriter w = new OnnxWriter();
        Map<String, String> value = new HashMap<>();
        value.put(g.input(), w.normalize(mean, std));
        for (Graph.Node n : g.nodes()) {
            List<String> ins = new ArrayList<>();
            for (String v : n.inputs()) ins.add(value.get(v));
            String out;
            if (n.isMerge()) {
                out = w.merge(n.merge(), n.name(), ins);
            } else if (n.layer() instanceof Sequential s) {
                List<String> names = new ArrayList<>();
                for (String local : LayerBridge.names(s)) names.add(n.name() + "." + local);
                out = w.chain(LayerBridge.toOnnx(s), names, ins.get(0), shapes.get(n.inputs().get(0)));
            } else {
                out = w.layer(LayerBridge.toOnnx(n.layer()), n.name(), ins.get(0), shapes.get(n.inputs().get(0)));
            }
            value.put(n.name(), out);
        }
        return w.finish(graphName, value.get(g.output()), itemShape, shapes.get(g.output()));
    }

    private String merge(Merge m, String name, List<String> ins) {
        return switch (m) {
            case Add a -> {
                String sum = ins.get(0);
                for (int i = 1; i < ins.size(); i++) sum = node("Add", List.of(sum, ins.get(i)), name, "Add", List.of());
                yield sum;
            }
            case Mul p -> node("Mul", ins, name, "Mul", List.of());
            case Concat c -> node("Concat", ins, name, "Concat", List.of(integer("axis", c.config().dim())));
            default -> throw new IllegalArgumentException("node " + name + ": merge " + m.describe() + " has no ONNX export");
        };
    }

    /** The graph input, normalised as {@code (x - mean) / std} by Sub and Div nodes when {@code mean} is not null. */
    private String normalize(float[] mean, float[] std) {
        String x = INPUT;
        if (mean != null) {
            int[] shape = mean.length == 1 ? new int[] {1} : new int[] {mean.length, 1, 1};
            String m = init("normalize.mean", Tensor.wrap(mean.clone(), shape)), s = init("normalize.std", Tensor.wrap(std.clone(), shape));
            x = node("Sub", List.of(x, m), "normalize", "Sub", List.of());
            x = node("Div", List.of(x, s), "normalize", "Div", List.of());
        }
        return x;
    }

    /** Names value {@code last} "output" (renaming the last node's output, or through an Identity) and wraps the graph in a model. */
    private ModelProto finish(String graphName, String last, int[] itemShape, int[] outShape) {
        int i = graph.getNodeCount() - 1;
        if (i >= 0 && graph.getNode(i).getOutput(0).equals(last)) {
            graph.setNode(i, graph.getNode(i).toBuilder().setOutput(0, OUTPUT).build());
        } else {
            node("Identity", List.of(last), OUTPUT, "Identity", List.of());
            i = graph.getNodeCount() - 1;
            graph.setNode(i, graph.getNode(i).toBuilder().setOutput(0, OUTPUT).build());
        }
        graph.setName(graphName);
        graph.addInput(valueInfo(INPUT, itemShape));
        graph.addOutput(valueInfo(OUTPUT, outShape));
        return ModelProto.newBuilder()
                .setIrVersion(OnnxFile.EXPORT_IR_VERSION)
                .setProducerName("conv4j")
                .setProducerVersion("0.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxFile.EXPORT_OPSET))
                .setGraph(graph)
                .build();
    }

    private String chain(List<OnnxLayer> layers, List<String> names, String x, int[] shape) {
        for (int i = 0; i < layers.size(); i++) {
            x = layer(layers.get(i), names.get(i), x, shape);
            shape = layers.get(i).outputShape(shape);
        }
        return x;
    }

    private static List<String> indices(String prefix, int n) {
        String[] s = new String[n];
        for (int i = 0; i < n; i++) s[i] = prefix + "." + i;
        return List.of(s);
    }

    /** Writes the nodes of one layer reading value {@code x} of item shape {@code shape}; returns the name of its output value. */
    String layer(OnnxLayer layer, String name, String x, int[] shape) {
        return switch (layer) {
            case OnnxLayer.Conv c -> {
                String w = init(name + ".weight", c.weight());
                List<String> in = c.bias() == null ? List.of(x, w) : List.of(x, w, init(name + ".bias", c.bias()));
                yield node("Conv", in, name, "Conv", List.of(
                        ints("kernel_shape", c.kH(), c.kW()), ints("strides", c.strideH(), c.strideW()),
                        ints("pads", c.padTop(), c.padLeft(), c.padBottom(), c.padRight()),
                        ints("dilations", c.dilationH(), c.dilationW()), integer("group", c.groups())));
            }
            case OnnxLayer.Linear l -> {
                String w = init(name + ".weight", l.weight());
                List<String> in = l.bias() == null ? List.of(x, w) : List.of(x, w, init(name + ".bias", l.bias()));
                yield node("Gemm", in, name, "Gemm", List.of(floating("alpha", 1f), floating("beta", 1f), integer("transB", 1)));
            }
            case OnnxLayer.BatchNorm b -> node("BatchNormalization",
                    List.of(x, init(name + ".weight", b.weight()), init(name + ".bias", b.bias()),
                            init(name + ".running_mean", b.runningMean()), init(name + ".running_var", b.runningVar())),
                    name, "BatchNormalization", List.of(floating("epsilon", b.eps()), floating("momentum", 1f - b.momentum())));
            case OnnxLayer.Activation a -> switch (a.kind()) {
                case RELU -> node("Relu", List.of(x), name, "Relu", List.of());
                case LEAKY_RELU -> node("LeakyRelu", List.of(x), name, "LeakyRelu", List.of(floating("alpha", a.alpha())));
                case SIGMOID -> node("Sigmoid", List.of(x), name, "Sigmoid", List.of());
                case TANH -> node("Tanh", List.of(x), name, "Tanh", List.of());
                case GELU -> gelu(x, name);
                case RELU6 -> clip(x, name, 0f, 6f);
                case HARD_SIGMOID -> hardSigmoid(x, name);
                // Opset 13 has no HardSwish (14) or SiLU: x times the gate, as torch exports them at opset 13.
                case HARDSWISH -> node("Mul", List.of(x, hardSigmoid(x, name)), name, "Mul", List.of());
                case SILU -> node("Mul", List.of(x, node("Sigmoid", List.of(x), name, "Sigmoid", List.of())), name, "Mul", List.of());
            };
            case OnnxLayer.Clip c -> clip(x, name, c.min(), c.max());
            case OnnxLayer.Pad p -> {
                String pads = longs(name + ".pads", 0, 0, p.top(), p.left(), 0, 0, p.bottom(), p.right());
                List<String> ins = p.mode().equals("constant") ? List.of(x, pads, scalar(name + ".value", p.value())) : List.of(x, pads);
                yield node("Pad", ins, name, "Pad", List.of(string("mode", p.mode())));
            }
            case OnnxLayer.Resize r -> resize(r.config(), x, name);
            case OnnxLayer.ChannelShuffle c -> {
                int g = c.groups();
                int[] in = shape;
                String split = longs(name + ".split_shape", 0, g, in[0] / g, in[1], in[2]);
                String merged = longs(name + ".merged_shape", 0, in[0], in[1], in[2]);
                String v = node("Reshape", List.of(x, split), name, "Reshape", List.of());
                v = node("Transpose", List.of(v), name, "Transpose", List.of(ints("perm", 0, 2, 1, 3, 4)));
                yield node("Reshape", List.of(v, merged), name, "Reshape_back", List.of());
            }
            case OnnxLayer.LayerNorm2d n -> layerNorm(n, x, name);
            case OnnxLayer.Slice s -> node("Slice", List.of(x, longs(name + ".starts", s.start()), longs(name + ".ends", s.end()),
                    longs(name + ".axes", s.axis())), name, "Slice", List.of());
            case OnnxLayer.Pool p -> {
                if (p.max()) {
                    yield node("MaxPool", List.of(x), name, "MaxPool", List.of(
                            ints("kernel_shape", p.kH(), p.kW()), ints("strides", p.strideH(), p.strideW()),
                            ints("pads", p.padTop(), p.padLeft(), p.padBottom(), p.padRight()),
                            ints("dilations", p.dilationH(), p.dilationW()), integer("ceil_mode", p.ceilMode() ? 1 : 0)));
                }
                if (p.dilationH() != 1 || p.dilationW() != 1) {
                    throw new IllegalArgumentException("layer " + name + ": AveragePool has no dilation before opset 19; conv4j exports opset " + OnnxFile.EXPORT_OPSET);
                }
                yield node("AveragePool", List.of(x), name, "AveragePool", List.of(
                        ints("kernel_shape", p.kH(), p.kW()), ints("strides", p.strideH(), p.strideW()),
                        ints("pads", p.padTop(), p.padLeft(), p.padBottom(), p.padRight()),
                        integer("ceil_mode", p.ceilMode() ? 1 : 0), integer("count_include_pad", p.countIncludePad() ? 1 : 0)));
            }
            case OnnxLayer.GlobalAvgPool g -> node("GlobalAveragePool", List.of(x), name, "GlobalAveragePool", List.of());
            case OnnxLayer.Flatten f -> node("Flatten", List.of(x), name, "Flatten", List.of(integer("axis", 1)));
            case OnnxLayer.Dropout d -> x;
            case OnnxLayer.Softmax s -> node(s.log() ? "LogSoftmax" : "Softmax", List.of(x), name, s.log() ? "LogSoftmax" : "Softmax",
                    List.of(integer("axis", s.axis())));
            case OnnxLayer.Residual r -> {
                String body = chain(r.body(), indices(name + ".block", r.body().size()), x, shape);
                String shortcut = chain(r.shortcut(), indices(name + ".shortcut", r.shortcut().size()), x, shape);
                yield node("Add", List.of(body, shortcut), name, "Add", List.of());
            }
        };
    }

    /** GELU as opset-13 nodes: 0.5 * x * (1 + erf(x / sqrt(2))), exactly torch's default (erf) GELU. */
    private String gelu(String x, String name) {
        String sqrt2 = scalar(name + ".sqrt2", (float) Math.sqrt(2.0));
        String one = scalar(name + ".one", 1f), half = scalar(name + ".half", 0.5f);
        String d = node("Div", List.of(x, sqrt2), name, "Div", List.of());
        String e = node("Erf", List.of(d), name, "Erf", List.of());
        String a = node("Add", List.of(e, one), name, "Add", List.of());
        String m = node("Mul", List.of(x, a), name, "Mul", List.of());
        return node("Mul", List.of(m, half), name, "Mul_half", List.of());
    }

    private String clip(String x, String name, float min, float max) {
        List<String> ins = List.of(x, Float.isInfinite(min) ? "" : scalar(name + ".min", min), Float.isInfinite(max) ? "" : scalar(name + ".max", max));
        return node("Clip", ins, name, "Clip", List.of());
    }

    /** torch's hardsigmoid, relu6(x + 3) / 6, is ONNX HardSigmoid with alpha 1/6 and beta 1/2. */
    private String hardSigmoid(String x, String name) {
        return node("HardSigmoid", List.of(x), name, "HardSigmoid", List.of(floating("alpha", 1f / 6f), floating("beta", 0.5f)));
    }

    /**
     * Resize as torch writes interpolate at opset 13: nearest is asymmetric with floor, bilinear is
     * pytorch_half_pixel or align_corners; a scale factor is written as scales, a size as sizes.
     */
    private String resize(org.conv4j.shape.UpsampleConfig k, String x, String name) {
        String coord, mode, nearest = "floor";
        switch (k.mode()) {
            case NEAREST -> { mode = "nearest"; coord = "asymmetric"; }
            case BILINEAR -> { mode = "linear"; coord = k.alignCorners() ? "align_corners" : "pytorch_half_pixel"; }
            default -> throw new IllegalArgumentException("layer " + name + ": Upsample mode " + k.mode().torchName() + " has no ONNX export here");
        }
        if (k.recomputeScaleFactor()) throw new IllegalArgumentException("layer " + name + ": Upsample with recompute_scale_factor has no ONNX export here");
        List<String> ins;
        if (k.hasSize()) {
            ins = List.of(x, "", "", sizes(name, x, k.sizeH(), k.sizeW()));
        } else {
            ins = List.of(x, "", init(name + ".scales", Tensor.wrap(new float[] {1f, 1f, (float) k.scaleH(), (float) k.scaleW()}, 4)));
        }
        return node("Resize", ins, name, "Resize", List.of(string("mode", mode), string("coordinate_transformation_mode", coord),
                string("nearest_mode", nearest)));
    }

    /** Output sizes [N, C, H, W] computed from the input's batch and channels (Shape, Slice, Concat) and the fixed H, W. */
    private String sizes(String name, String x, int h, int w) {
        String shape = node("Shape", List.of(x), name, "Shape", List.of());
        String nc = node("Slice", List.of(shape, longs(name + ".nc_start", 0), longs(name + ".nc_end", 2)), name, "Slice", List.of());
        return node("Concat", List.of(nc, longs(name + ".hw", h, w)), name, "Concat", List.of(integer("axis", 0)));
    }

    /**
     * Layer norm over the channels of [N, C, H, W] in opset-13 nodes (LayerNormalization arrived in opset 17):
     * d = x - mean_c(x); y = d / sqrt(mean_c(d^2) + eps) * weight + bias, weight and bias shaped [C, 1, 1].
     */
    private String layerNorm(OnnxLayer.LayerNorm2d n, String x, String name) {
        int c = n.channels();
        String mean = node("ReduceMean", List.of(x), name, "ReduceMean", List.of(ints("axes", 1), integer("keepdims", 1)));
        String d = node("Sub", List.of(x, mean), name, "Sub", List.of());
        String sq = node("Pow", List.of(d, scalar(name + ".two", 2f)), name, "Pow", List.of());
        String var = node("ReduceMean", List.of(sq), name, "ReduceMean_var", List.of(ints("axes", 1), integer("keepdims", 1)));
        String ve = node("Add", List.of(var, scalar(name + ".eps", n.eps())), name, "Add_eps", List.of());
        String std = node("Sqrt", List.of(ve), name, "Sqrt", List.of());
        String y = node("Div", List.of(d, std), name, "Div", List.of());
        y = node("Mul", List.of(y, init(name + ".weight", Tensor.wrap(n.weight().data(), c, 1, 1))), name, "Mul", List.of());
        return node("Add", List.of(y, init(name + ".bias", Tensor.wrap(n.bias().data(), c, 1, 1))), name, "Add", List.of());
    }

    private String longs(String name, long... v) {
        graph.addInitializer(OnnxTensors.fromLongs(name, v));
        return name;
    }

    private String scalar(String name, float v) {
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(v));
        return name;
    }

    private String init(String name, Tensor t) {
        graph.addInitializer(OnnxTensors.fromFloat(name, t));
        return name;
    }

    private String node(String op, List<String> inputs, String layerName, String suffix, List<AttributeProto> attrs) {
        String nodeName = "/" + layerName + "/" + suffix + "_" + (nodeCount++);
        String out = nodeName + "_output_0";
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(nodeName).addAllInput(inputs).addOutput(out).addAllAttribute(attrs));
        return out;
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    private static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto floating(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static ValueInfoProto valueInfo(String name, int[] itemShape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (int d : itemShape) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        TypeProto type = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
