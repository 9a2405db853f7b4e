package org.conv4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conv4j.activation.GELU;
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
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Maps conv4j layers to their {@link OnnxLayer} view (export) and back (import). Export shares the
 * layers' tensors; import copies the ONNX values into freshly built layers, so the result trains like any
 * conv4j model. A layer type without an ONNX form is an IllegalArgumentException naming the layer.
 */
public final class LayerBridge {
    private LayerBridge() {}

    /** A Sequential's layers as a chain, nested Sequentials inlined. */
    public static List<OnnxLayer> toOnnx(Sequential network) {
        List<OnnxLayer> out = new ArrayList<>();
        for (Layer l : network.layers()) add(l, out);
        return out;
    }

    /** Torch-style names of {@link #toOnnx}'s layers: "0", "1", ..., and "3.0" for an inlined nested Sequential. */
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

    /** One (non-Sequential) layer's ONNX view. */
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
     * @param names     a name per layer for error messages (e.g. "layer 3")
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
            };
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
            case OnnxLayer.Softmax s -> throw new IllegalArgumentException(where + ": Softmax is only accepted as the graph's last node");
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
