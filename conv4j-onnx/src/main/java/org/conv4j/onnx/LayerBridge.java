package org.conv4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.activation.Clip;
import org.conv4j.activation.ClipConfig;
import org.conv4j.activation.GELU;
import org.conv4j.activation.HardSigmoid;
import org.conv4j.activation.Hardswish;
import org.conv4j.activation.LogSoftmax;
import org.conv4j.activation.ReLU6;
import org.conv4j.activation.SiLU;
import org.conv4j.activation.Softmax;
import org.conv4j.activation.SoftmaxConfig;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.LeakyReluConfig;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Dropout;
import org.conv4j.layers.DropoutConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.Param;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.ConcatConfig;
import org.conv4j.merge.Merge;
import org.conv4j.merge.Mul;
import org.conv4j.model.Graph;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.norm.LayerNorm2d;
import org.conv4j.norm.LayerNorm2dConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.shape.ChannelShuffle;
import org.conv4j.shape.Pad2d;
import org.conv4j.shape.PadConfig;
import org.conv4j.shape.Slice;
import org.conv4j.shape.SliceConfig;
import org.conv4j.shape.Upsample;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Maps conv4j layers to their {@link OnnxLayer} view (export) and back (import). Export shares the
 * layers' tensors; import copies the ONNX values into freshly built layers, so the result trains like any
 * conv4j model. A layer type without an ONNX form is an IllegalArgumentException naming the layer.
 */
public final class LayerBridge {
    private LayerBridge() {}

    /**
     * A Sequential's layers as a chain, nested Sequentials inlined.
     *
     * @param network the network
     * @return one ONNX view per layer, sharing the layers' tensors
     * @throws IllegalArgumentException if a layer has no ONNX form
     */
    public static List<OnnxLayer> toOnnx(Sequential network) {
        List<OnnxLayer> out = new ArrayList<>();
        for (Layer l : network.layers()) add(l, out);
        return out;
    }

    /**
     * Torch-style names of {@link #toOnnx(Sequential)}'s layers: "0", "1", ..., and "3.0" for an inlined nested
     * Sequential.
     *
     * @param network the network
     * @return one name per layer of {@link #toOnnx(Sequential)}, in the same order
     */
    public static List<String> names(Sequential network) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < network.size(); i++) names(Integer.toString(i), network.get(i), out);
        return out;
    }

    private static void names(String name, Layer l, List<String> out) {
        if (l instanceof Sequential s) {
            for (int i = 0; i < s.size(); i++) names(name + "." + i, s.get(i), out);
        } else {
            out.add(name);
        }
    }

    private static void add(Layer l, List<OnnxLayer> out) {
        if (l instanceof Sequential s) {
            for (Layer c : s.layers()) add(c, out);
        } else {
            out.add(toOnnx(l));
        }
    }

    /**
     * One (non-Sequential) layer's ONNX view.
     *
     * @param layer the layer
     * @return its settings and tensors (shared, not copied)
     * @throws IllegalArgumentException if the layer has no ONNX form, naming it
     */
    public static OnnxLayer toOnnx(Layer layer) {
        return switch (layer) {
            case Conv2d c -> {
                Conv2dConfig k = c.config();
                yield new OnnxLayer.Conv(c.weight().value(), c.bias() == null ? null : c.bias().value(), k.strideH(), k.strideW(),
                        k.padTop(), k.padLeft(), k.padBottom(), k.padRight(), k.dilationH(), k.dilationW(), k.groups());
            }
            case Linear l -> new OnnxLayer.Linear(l.weight().value(), l.bias() == null ? null : l.bias().value());
            case BatchNorm2d b -> batchNorm(b.config(), b.weight(), b.bias(), b.runningMean(), b.runningVar(), b.describe());
            case BatchNorm1d b -> batchNorm(b.config(), b.weight(), b.bias(), b.runningMean(), b.runningVar(), b.describe());
            case ReLU r -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.RELU, 0f);
            case LeakyReLU r -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.LEAKY_RELU, (float) r.config().negativeSlope());
            case Sigmoid s -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.SIGMOID, 0f);
            case Tanh t -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.TANH, 0f);
            case GELU g -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.GELU, 0f);
            case ReLU6 r -> new OnnxLayer.Clip(0f, 6f);
            case Clip c -> new OnnxLayer.Clip((float) c.config().minVal(), (float) c.config().maxVal());
            case HardSigmoid h -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.HARD_SIGMOID, 0f);
            case Hardswish h -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.HARDSWISH, 0f);
            case SiLU h -> new OnnxLayer.Activation(OnnxLayer.Activation.Kind.SILU, 0f);
            case Softmax s -> new OnnxLayer.Softmax(explicitDim(s.config(), layer), false);
            case LogSoftmax s -> new OnnxLayer.Softmax(explicitDim(s.config(), layer), true);
            case Pad2d p -> {
                PadConfig k = p.config();
                String mode = switch (k.mode()) { case CONSTANT -> "constant"; case REFLECT -> "reflect"; case REPLICATE -> "edge"; };
                yield new OnnxLayer.Pad(k.top(), k.left(), k.bottom(), k.right(), mode, k.value());
            }
            case Upsample u -> new OnnxLayer.Resize(u.config());
            case ChannelShuffle c -> new OnnxLayer.ChannelShuffle(c.config().groups());
            case LayerNorm2d n -> {
                LayerNorm2dConfig k = n.config();
                Tensor w = n.weight() != null ? n.weight().value() : new Tensor(k.numChannels()).fill(1f);
                Tensor b = n.bias() != null ? n.bias().value() : new Tensor(k.numChannels());
                yield new OnnxLayer.LayerNorm2d(w, b, (float) k.eps());
            }
            case Slice s -> {
                SliceConfig k = s.config();
                if (k.step() != 1) throw new IllegalArgumentException("layer " + layer.describe() + ": a strided Slice has no ONNX export here");
                yield new OnnxLayer.Slice(k.dim(), k.start(), k.end());
            }
            case MaxPool2d p -> pool(true, p.config());
            case AvgPool2d p -> pool(false, p.config());
            case GlobalAvgPool2d g -> new OnnxLayer.GlobalAvgPool();
            case Flatten f -> new OnnxLayer.Flatten();
            case Dropout d -> new OnnxLayer.Dropout((float) d.config().p());
            case Residual r -> new OnnxLayer.Residual(toOnnx(r.block()), r.shortcut() == null ? List.of() : toOnnx(r.shortcut()));
            default -> throw new IllegalArgumentException("layer " + layer.describe() + " (" + layer.getClass().getSimpleName()
                    + ") has no ONNX export");
        };
    }

    private static int explicitDim(SoftmaxConfig k, Layer layer) {
        return k.dim().orElseThrow(() -> new IllegalArgumentException("layer " + layer.describe()
                + " uses torch's implicit dim=None, which has no ONNX form; give its dim"));
    }

    private static OnnxLayer.BatchNorm batchNorm(BatchNormConfig k, Param weight, Param bias, Param mean, Param var, String what) {
        if (!k.trackRunningStats() || mean == null || var == null) {
            throw new IllegalArgumentException(what + ": without running statistics it normalises with batch statistics even at inference;"
                    + " ONNX export needs track_running_stats");
        }
        int c = k.numFeatures();
        Tensor w = weight != null ? weight.value() : new Tensor(c).fill(1f);
        Tensor b = bias != null ? bias.value() : new Tensor(c);
        return new OnnxLayer.BatchNorm(w, b, mean.value(), var.value(), (float) k.eps(), (float) k.momentum());
    }

    private static OnnxLayer.Pool pool(boolean max, PoolConfig p) {
        return new OnnxLayer.Pool(max, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.padH(), p.padW(),
                1, 1, p.ceilMode(), p.countIncludePad());
    }

    /**
     * Builds a conv4j network from an imported chain.
     *
     * @param itemShape input item shape [C, H, W] (or [features]); decides BatchNorm1d vs BatchNorm2d
     * @param layers    the imported chain, in order; layer i is named "layer i" in error messages
     * @param rng       draws the initial weights the imported ones then replace
     * @return the network
     */
    public static Sequential fromOnnx(List<OnnxLayer> layers, int[] itemShape, Rng rng) {
        List<Layer> out = new ArrayList<>();
        int[] shape = itemShape;
        for (int i = 0; i < layers.size(); i++) {
            OnnxLayer l = layers.get(i);
            out.add(fromOnnx(l, shape, rng, "layer " + i));
            shape = l.outputShape(shape);
        }
        return new Sequential(out);
    }

    /**
     * Builds a conv4j {@link Graph} from an imported DAG ({@link OnnxReader.Result#graph()}): each node keeps its
     * name, so parameters carry torch's names ({@code layer1.0.conv1.weight}).
     *
     * @param nodes     the imported nodes, in topological order
     * @param itemShape the graph input's item shape [C, H, W]
     * @param rng       draws the initial weights the imported ones then replace
     * @return the graph
     * @throws IllegalArgumentException if a node's layer does not accept its input shape or its merge is unknown
     */
    public static Graph graphFromOnnx(List<OnnxReader.Node> nodes, int[] itemShape, Rng rng) {
        Map<String, int[]> shapes = new HashMap<>();
        shapes.put(OnnxReader.GRAPH_INPUT, itemShape);
        List<Graph.Node> out = new ArrayList<>();
        for (OnnxReader.Node n : nodes) {
            List<int[]> ins = new ArrayList<>();
            for (String v : n.inputs()) ins.add(shapes.get(v));
            if (n.merge() != null) {
                Merge m = switch (n.merge()) {
                    case "Add" -> new Add();
                    case "Mul" -> new Mul();
                    case "Concat" -> new Concat(ConcatConfig.of(n.axis()));
                    default -> throw new IllegalArgumentException("node " + n.name() + ": no merge '" + n.merge() + "'");
                };
                out.add(Graph.Node.of(n.name(), m, n.inputs()));
                shapes.put(n.name(), m.outputShape(ins));
            } else {
                out.add(Graph.Node.of(n.name(), fromOnnx(n.layer(), ins.get(0), rng, "node " + n.name()), n.inputs().get(0)));
                shapes.put(n.name(), n.layer().outputShape(ins.get(0)));
            }
        }
        return new Graph(OnnxReader.GRAPH_INPUT, out, nodes.get(nodes.size() - 1).name());
    }

    private static Layer fromOnnx(OnnxLayer layer, int[] in, Rng rng, String where) {
        return switch (layer) {
            case OnnxLayer.Conv c -> {
                Conv2dConfig k = Conv2dConfig.of(c.inChannels(), c.outChannels(), c.kH(), c.kW())
                        .withStride(c.strideH(), c.strideW())
                        .withPadding(c.padTop(), c.padBottom(), c.padLeft(), c.padRight())
                        .withDilation(c.dilationH(), c.dilationW())
                        .withGroups(c.groups())
                        .withBias(c.bias() != null);
                Conv2d conv = new Conv2d(k, rng);
                copy(c.weight(), conv.weight(), where);
                if (c.bias() != null) copy(c.bias(), conv.bias(), where);
                yield conv;
            }
            case OnnxLayer.Linear l -> {
                Linear lin = new Linear(LinearConfig.of(l.weight().dim(1), l.weight().dim(0)).withBias(l.bias() != null), rng);
                copy(l.weight(), lin.weight(), where);
                if (l.bias() != null) copy(l.bias(), lin.bias(), where);
                yield lin;
            }
            case OnnxLayer.BatchNorm b -> {
                BatchNormConfig k = BatchNormConfig.of(b.channels()).withEps(decimal(b.eps())).withMomentum(clampMomentum(b.momentum()));
                Param w, bias, mean, var;
                Layer bn;
                if (in.length == 3) {
                    BatchNorm2d b2 = new BatchNorm2d(k);
                    w = b2.weight(); bias = b2.bias(); mean = b2.runningMean(); var = b2.runningVar(); bn = b2;
                } else {
                    BatchNorm1d b1 = new BatchNorm1d(k);
                    w = b1.weight(); bias = b1.bias(); mean = b1.runningMean(); var = b1.runningVar(); bn = b1;
                }
                copy(b.weight(), w, where);
                copy(b.bias(), bias, where);
                copy(b.runningMean(), mean, where);
                copy(b.runningVar(), var, where);
                bn.setTraining(false);
                yield bn;
            }
            case OnnxLayer.Activation a -> switch (a.kind()) {
                case RELU -> new ReLU();
                case LEAKY_RELU -> new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(decimal(a.alpha())));
                case SIGMOID -> new Sigmoid();
                case TANH -> new Tanh();
                case GELU -> new GELU();
                case RELU6 -> new ReLU6();
                case HARD_SIGMOID -> new HardSigmoid();
                case HARDSWISH -> new Hardswish();
                case SILU -> new SiLU();
            };
            case OnnxLayer.Clip c -> {
                if (c.min() == 0f && c.max() == 6f) yield new ReLU6();
                if (c.min() == 0f && c.max() == Float.POSITIVE_INFINITY) yield new ReLU();
                yield new Clip(ClipConfig.of(wide(c.min()), wide(c.max())));
            }
            case OnnxLayer.Softmax s -> s.log() ? new LogSoftmax(SoftmaxConfig.of(s.axis())) : new Softmax(SoftmaxConfig.of(s.axis()));
            case OnnxLayer.Pad p -> {
                PadConfig.Mode mode = switch (p.mode()) {
                    case "constant" -> PadConfig.Mode.CONSTANT;
                    case "reflect" -> PadConfig.Mode.REFLECT;
                    case "edge" -> PadConfig.Mode.REPLICATE;
                    default -> throw new IllegalArgumentException(where + ": Pad mode '" + p.mode() + "' is not constant, reflect or edge");
                };
                yield new Pad2d(new PadConfig(p.left(), p.right(), p.top(), p.bottom(), mode, mode == PadConfig.Mode.CONSTANT ? p.value() : 0f));
            }
            case OnnxLayer.Resize r -> new Upsample(r.config());
            case OnnxLayer.ChannelShuffle c -> new ChannelShuffle(c.groups());
            case OnnxLayer.LayerNorm2d n -> {
                LayerNorm2d ln = new LayerNorm2d(LayerNorm2dConfig.of(n.channels()).withEps(decimal(n.eps())));
                copy(n.weight(), ln.weight(), where);
                copy(n.bias(), ln.bias(), where);
                yield ln;
            }
            case OnnxLayer.Slice s -> new Slice(SliceConfig.of(s.axis(), s.start(), s.end()));
            case OnnxLayer.Pool p -> {
                if (p.padTop() != p.padBottom() || p.padLeft() != p.padRight()) {
                    throw new IllegalArgumentException(where + ": " + (p.max() ? "MaxPool" : "AveragePool") + " with uneven padding (top "
                            + p.padTop() + ", bottom " + p.padBottom() + ", left " + p.padLeft() + ", right " + p.padRight()
                            + "); conv4j pooling pads both sides alike, as torch does");
                }
                if (p.dilationH() != 1 || p.dilationW() != 1) {
                    throw new IllegalArgumentException(where + ": MaxPool with dilation " + p.dilationH() + "x" + p.dilationW() + " is not supported by conv4j pooling");
                }
                PoolConfig k = new PoolConfig(p.kH(), p.kW(), p.strideH(), p.strideW(), p.padTop(), p.padLeft(), p.ceilMode(), p.countIncludePad());
                yield p.max() ? new MaxPool2d(k) : new AvgPool2d(k);
            }
            case OnnxLayer.GlobalAvgPool g -> new GlobalAvgPool2d();
            case OnnxLayer.Flatten f -> new Flatten();
            case OnnxLayer.Dropout d -> {
                Dropout dr = new Dropout(DropoutConfig.of(decimal(d.p())), rng.split());
                dr.setTraining(false);
                yield dr;
            }
            case OnnxLayer.Residual r -> {
                Sequential block = fromOnnx(r.body(), in, rng);
                Sequential shortcut = r.shortcut().isEmpty() ? null : fromOnnx(r.shortcut(), in, rng);
                yield new Residual(block, shortcut);
            }
        };
    }

    /**
     * The double a float setting was written from: ONNX stores eps, alpha and momentum as float32, conv4j and
     * torch keep doubles such as 1e-5; the shortest decimal of the float gives 1e-5 back, so a round trip
     * through ONNX computes with bit-identical settings.
     */
    static double decimal(float f) { return Double.parseDouble(Float.toString(f)); }

    /** {@link #decimal}, keeping infinities (Clip without a bound). */
    private static double wide(float f) { return Float.isInfinite(f) ? f : decimal(f); }

    /** torch momentum lies in [0, 1]; ONNX stores 1 - momentum as float32 (0.9 for torch's 0.1). */
    private static double clampMomentum(float m) {
        double v = Math.round(m * 1e6) / 1e6;
        return v >= 0 && v <= 1 ? v : 0.1;
    }

    private static void copy(Tensor from, Param to, String where) {
        float[] dst = to.value().data();
        if (from.size() != dst.length) {
            throw new IllegalArgumentException(where + ": " + to.name() + " needs " + Arrays.toString(to.value().shape()) + " ("
                    + dst.length + " values), the ONNX file has " + Arrays.toString(from.shape()));
        }
        System.arraycopy(from.data(), 0, dst, 0, dst.length);
    }
}
