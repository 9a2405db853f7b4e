package org.conv4j.model;

import static org.conv4j.model.LayerType.elements;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Dropout;
import org.conv4j.layers.DropoutConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Init;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.norm.LayerNorm;
import org.conv4j.norm.LayerNorm2d;
import org.conv4j.norm.LayerNorm2dConfig;
import org.conv4j.norm.LayerNormConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;

/**
 * conv4j's own layer types, which {@link LayerRegistry} starts with. JSON keys follow torch.nn's argument names;
 * docs/files.md ("Network spec") and docs/layers.md list every type and its keys. Omitted keys take the config record's
 * defaults (torch's). Writers emit every setting, so a saved spec does not depend on defaults.
 */
final class BuiltinLayers {
    private BuiltinLayers() {}

    /** conv4j's own layer types, in the order {@link LayerRegistry#names()} lists them. */
    static List<LayerType<?>> types() {
        List<LayerType<?>> t = new ArrayList<>();
        add(t, "Conv2d", Conv2d.class,
                List.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "init"),
                (c, ctx) -> new Conv2d(conv2dConfig(c), ctx.rng()),
                (l, out) -> writeConv2d(l.config(), out),
                (l, in, out) -> {
                    Conv2dConfig k = l.config();
                    long outElems = elements(out);
                    long macs = outElems * (k.inChannels() / k.groups()) * k.kernelH() * k.kernelW();
                    return 2 * macs + (k.bias() ? outElems : 0);
                });
        add(t, "Linear", Linear.class, List.of("in_features", "out_features", "bias", "init"),
                (c, ctx) -> {
                    LinearConfig k = LinearConfig.of(c.integer("in_features"), c.integer("out_features"))
                            .withBias(c.bool("bias", true)).withInit(init(c));
                    return new Linear(k, ctx.rng());
                },
                (l, out) -> {
                    out.put("in_features", l.config().inFeatures());
                    out.put("out_features", l.config().outFeatures());
                    out.put("bias", l.config().bias());
                    putInit(l.config().init(), out);
                },
                (l, in, out) -> 2L * l.config().inFeatures() * l.config().outFeatures() + (l.config().bias() ? l.config().outFeatures() : 0));
        add(t, "Flatten", Flatten.class, List.of(), (c, ctx) -> new Flatten(), (l, out) -> {}, (l, in, out) -> 0);
        add(t, "ReLU", ReLU.class, List.of(), (c, ctx) -> new ReLU(), (l, out) -> {}, (l, in, out) -> elements(out));
        add(t, "Sigmoid", Sigmoid.class, List.of(), (c, ctx) -> new Sigmoid(), (l, out) -> {}, (l, in, out) -> 4 * elements(out));
        add(t, "Tanh", Tanh.class, List.of(), (c, ctx) -> new Tanh(), (l, out) -> {}, (l, in, out) -> 4 * elements(out));
        add(t, "GELU", GELU.class, List.of(), (c, ctx) -> new GELU(), (l, out) -> {}, (l, in, out) -> 8 * elements(out));
        add(t, "LeakyReLU", LeakyReLU.class, List.of("negative_slope"),
                (c, ctx) -> new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(c.number("negative_slope", LeakyReluConfig.of().negativeSlope()))),
                (l, out) -> out.put("negative_slope", l.config().negativeSlope()),
                (l, in, out) -> 2 * elements(out));
        add(t, "Dropout", Dropout.class, List.of("p"),
                (c, ctx) -> new Dropout(DropoutConfig.of().withP(c.number("p", DropoutConfig.of().p())), ctx.layerRng()),
                (l, out) -> out.put("p", l.config().p()),
                (l, in, out) -> 0);
        add(t, "BatchNorm1d", BatchNorm1d.class, BN_KEYS,
                (c, ctx) -> new BatchNorm1d(bnConfig(c)), (l, out) -> writeBn(l.config(), out), (l, in, out) -> 2 * elements(out));
        add(t, "BatchNorm2d", BatchNorm2d.class, BN_KEYS,
                (c, ctx) -> new BatchNorm2d(bnConfig(c)), (l, out) -> writeBn(l.config(), out), (l, in, out) -> 2 * elements(out));
        add(t, "MaxPool2d", MaxPool2d.class, List.of("kernel_size", "stride", "padding", "ceil_mode"),
                (c, ctx) -> new MaxPool2d(poolConfig(c)),
                (l, out) -> writePool(l.config(), out, false),
                (l, in, out) -> elements(out) * l.config().kernelH() * l.config().kernelW());
        add(t, "AvgPool2d", AvgPool2d.class, List.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
                (c, ctx) -> new AvgPool2d(poolConfig(c).withCountIncludePad(c.bool("count_include_pad", true))),
                (l, out) -> writePool(l.config(), out, true),
                (l, in, out) -> elements(out) * l.config().kernelH() * l.config().kernelW());
        add(t, "GlobalAvgPool2d", GlobalAvgPool2d.class, List.of(),
                (c, ctx) -> new GlobalAvgPool2d(), (l, out) -> {}, (l, in, out) -> elements(in));
        add(t, "Residual", Residual.class, List.of("block", "shortcut"),
                (c, ctx) -> new Residual(ctx.sequential(c, "block"), c.has("shortcut") ? ctx.sequential(c, "shortcut") : null),
                (l, out) -> {
                    out.put("block", writeAll(l.block()));
                    if (l.shortcut() != null) out.put("shortcut", writeAll(l.shortcut()));
                },
                (l, in, out) -> {
                    long f = Summary.flopsOf(l.block(), in) + elements(out);
                    return l.shortcut() == null ? f : f + Summary.flopsOf(l.shortcut(), in);
                });
        add(t, "Graph", Graph.class, GraphSpec.KEYS, GraphSpec::read, GraphSpec::write, GraphSpec::flops);
        modernOps(t);
        SpatialLayers.addAll(t); // Pad2d, AdaptiveAvg/MaxPool2d, Upsample, ChannelShuffle, Slice
        return List.copyOf(t);
    }

    static <L extends Layer> void add(List<LayerType<?>> types, String name, Class<L> layerClass, List<String> keys,
                                              LayerType.Reader<L> reader, LayerType.Writer<L> writer, LayerType.Flops<L> flops) {
        types.add(new LayerType<>(name, layerClass, List.copyOf(keys), reader, writer, flops));
    }

    static List<Map<String, Object>> writeAll(Sequential s) {
        List<Map<String, Object>> r = new ArrayList<>();
        for (Layer l : s.layers()) r.add(LayerRegistry.write(l));
        return r;
    }

    // ---------------------------------------------------------------- Conv2d

    static Conv2dConfig conv2dConfig(Json.Obj c) throws FormatException {
        int[] k = c.intOrPair("kernel_size");
        Conv2dConfig cfg = Conv2dConfig.of(c.integer("in_channels"), c.integer("out_channels"), k[0], k[1]);
        if (c.has("stride")) { int[] s = c.intOrPair("stride"); cfg = cfg.withStride(s[0], s[1]); }
        if (c.has("dilation")) { int[] d = c.intOrPair("dilation"); cfg = cfg.withDilation(d[0], d[1]); }
        if (c.has("groups")) cfg = cfg.withGroups(c.integer("groups"));
        cfg = cfg.withBias(c.bool("bias", true)).withInit(init(c));
        if (c.has("padding")) {
            Object p = c.map().get("padding");
            if (p instanceof String s) {
                switch (s) {
                    case "same" -> cfg = cfg.same();
                    case "valid" -> cfg = cfg.valid();
                    default -> throw c.error("padding", "expected an integer, [pad_h, pad_w], [top, bottom, left, right], "
                            + "\"same\" or \"valid\"; got \"" + s + "\"");
                }
            } else if (p instanceof List<?> l && l.size() == 4) {
                int[] a = c.intArray("padding");
                cfg = cfg.withPadding(a[0], a[1], a[2], a[3]);
            } else {
                int[] a = c.intOrPair("padding");
                cfg = cfg.withPadding(a[0], a[1]);
            }
        }
        return cfg;
    }

    static void writeConv2d(Conv2dConfig k, Map<String, Object> out) {
        out.put("in_channels", k.inChannels());
        out.put("out_channels", k.outChannels());
        out.put("kernel_size", pair(k.kernelH(), k.kernelW()));
        out.put("stride", pair(k.strideH(), k.strideW()));
        switch (k.padding()) {
            case SAME -> out.put("padding", "same");
            case VALID -> out.put("padding", "valid");
            case EXPLICIT -> {
                if (k.padTop() == k.padBottom() && k.padLeft() == k.padRight()) out.put("padding", pair(k.padTop(), k.padLeft()));
                else out.put("padding", List.of(k.padTop(), k.padBottom(), k.padLeft(), k.padRight()));
            }
        }
        out.put("dilation", pair(k.dilationH(), k.dilationW()));
        out.put("groups", k.groups());
        out.put("bias", k.bias());
        putInit(k.init(), out);
    }

    private static Object pair(int a, int b) { return a == b ? (Object) a : List.of(a, b); }

    static Init.Scheme init(Json.Obj c) throws FormatException {
        if (!c.has("init")) return Init.Scheme.TORCH_DEFAULT;
        String s = c.str("init");
        try {
            return Init.Scheme.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw c.error("init", "unknown scheme \"" + s + "\"; expected torch_default, kaiming_normal, kaiming_uniform, "
                    + "xavier_uniform or xavier_normal");
        }
    }

    private static void putInit(Init.Scheme s, Map<String, Object> out) {
        if (s != Init.Scheme.TORCH_DEFAULT) out.put("init", s.name().toLowerCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------- BatchNorm

    private static final List<String> BN_KEYS = List.of("num_features", "eps", "momentum", "affine", "track_running_stats");

    static BatchNormConfig bnConfig(Json.Obj c) throws FormatException {
        BatchNormConfig d = BatchNormConfig.of(c.integer("num_features"));
        return new BatchNormConfig(d.numFeatures(), c.number("eps", d.eps()), c.number("momentum", d.momentum()),
                c.bool("affine", d.affine()), c.bool("track_running_stats", d.trackRunningStats()));
    }

    static void writeBn(BatchNormConfig k, Map<String, Object> out) {
        out.put("num_features", k.numFeatures());
        out.put("eps", k.eps());
        out.put("momentum", k.momentum());
        out.put("affine", k.affine());
        out.put("track_running_stats", k.trackRunningStats());
    }

    // ---------------------------------------------------------------- pooling

    static PoolConfig poolConfig(Json.Obj c) throws FormatException {
        int[] k = c.intOrPair("kernel_size");
        PoolConfig cfg = PoolConfig.of(k[0], k[1]);
        if (c.has("stride")) { int[] s = c.intOrPair("stride"); cfg = cfg.withStride(s[0], s[1]); }
        if (c.has("padding")) { int[] p = c.intOrPair("padding"); cfg = cfg.withPadding(p[0], p[1]); }
        return cfg.withCeilMode(c.bool("ceil_mode", false));
    }

    static void writePool(PoolConfig k, Map<String, Object> out, boolean average) {
        out.put("kernel_size", pair(k.kernelH(), k.kernelW()));
        out.put("stride", pair(k.strideH(), k.strideW()));
        out.put("padding", pair(k.padH(), k.padW()));
        out.put("ceil_mode", k.ceilMode());
        if (average) out.put("count_include_pad", k.countIncludePad());
    }

    /** ReLU6, Clip (nn.Hardtanh), Hardswish, HardSigmoid, SiLU, Softmax, LogSoftmax, LayerNorm2d, LayerNorm. */
    private static void modernOps(List<LayerType<?>> t) {
        add(t, "ReLU6", ReLU6.class, List.of(), (c, ctx) -> new ReLU6(), (l, out) -> {}, (l, in, out) -> 2 * elements(out));
        add(t, "Clip", Clip.class, List.of("min_val", "max_val"),
                (c, ctx) -> new Clip(ClipConfig.of(c.number("min_val", ClipConfig.of().minVal()), c.number("max_val", ClipConfig.of().maxVal()))),
                (l, out) -> {
                    out.put("min_val", l.config().minVal());
                    out.put("max_val", l.config().maxVal());
                },
                (l, in, out) -> 2 * elements(out));
        add(t, "Hardswish", Hardswish.class, List.of(), (c, ctx) -> new Hardswish(), (l, out) -> {}, (l, in, out) -> 5 * elements(out));
        add(t, "HardSigmoid", HardSigmoid.class, List.of(), (c, ctx) -> new HardSigmoid(), (l, out) -> {}, (l, in, out) -> 4 * elements(out));
        add(t, "SiLU", SiLU.class, List.of(), (c, ctx) -> new SiLU(), (l, out) -> {}, (l, in, out) -> 5 * elements(out));
        add(t, "Softmax", Softmax.class, List.of("dim"),
                (c, ctx) -> new Softmax(softmaxConfig(c)), (l, out) -> writeSoftmax(l.config(), out), (l, in, out) -> 5 * elements(out));
        add(t, "LogSoftmax", LogSoftmax.class, List.of("dim"),
                (c, ctx) -> new LogSoftmax(softmaxConfig(c)), (l, out) -> writeSoftmax(l.config(), out), (l, in, out) -> 5 * elements(out));
        add(t, "LayerNorm2d", LayerNorm2d.class, List.of("num_channels", "eps", "elementwise_affine"),
                (c, ctx) -> {
                    LayerNorm2dConfig d = LayerNorm2dConfig.of(c.integer("num_channels"));
                    return new LayerNorm2d(d.withEps(c.number("eps", d.eps())).withElementwiseAffine(c.bool("elementwise_affine", d.elementwiseAffine())));
                },
                (l, out) -> {
                    out.put("num_channels", l.config().numChannels());
                    out.put("eps", l.config().eps());
                    out.put("elementwise_affine", l.config().elementwiseAffine());
                },
                (l, in, out) -> 8 * elements(out));
        add(t, "LayerNorm", LayerNorm.class, List.of("normalized_shape", "eps", "elementwise_affine"),
                (c, ctx) -> {
                    int[] shape = c.map().get("normalized_shape") instanceof Json.Num ? new int[] {c.integer("normalized_shape")} : c.intArray("normalized_shape");
                    LayerNormConfig d = LayerNormConfig.of(shape);
                    return new LayerNorm(d.withEps(c.number("eps", d.eps())).withElementwiseAffine(c.bool("elementwise_affine", d.elementwiseAffine())));
                },
                (l, out) -> {
                    List<Integer> shape = new ArrayList<>();
                    for (int d : l.config().normalizedShape()) shape.add(d);
                    out.put("normalized_shape", shape);
                    out.put("eps", l.config().eps());
                    out.put("elementwise_affine", l.config().elementwiseAffine());
                },
                (l, in, out) -> 8 * elements(out));
    }

    /** dim, or torch's dim=None (implicit) when absent or null. */
    static SoftmaxConfig softmaxConfig(Json.Obj c) throws FormatException {
        return c.has("dim") ? SoftmaxConfig.of(c.integer("dim")) : SoftmaxConfig.of();
    }

    static void writeSoftmax(SoftmaxConfig k, Map<String, Object> out) {
        out.put("dim", k.dim().isPresent() ? (Object) k.dim().getAsInt() : Json.NULL);
    }
}
