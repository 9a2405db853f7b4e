package org.conv4j.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Container;
import org.conv4j.layers.Init;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.layers.NamedParam;
import org.conv4j.layers.SchemeInitialised;
import org.conv4j.tensor.ShapeException;
import org.conv4j.util.Rng;

/**
 * A network's architecture as data: what {@code train --model spec.yaml} (or {@code spec.json}) reads and
 * what a model file stores in its metadata (as JSON). A spec file is JSON or YAML ({@link SpecSyntax}); both
 * parse to the same tree and are validated by the same code. JSON form (see docs/files.md, "Network spec"
 * section; {@code examples/reference.yaml} is the YAML form):
 * <pre>{@code
 * {
 *   "format": "conv4j-network", "version": 1,
 *   "name": "reference",
 *   "input": [1, 28, 28],            // C, H, W of one image
 *   "classes": 10,
 *   "class_names": ["T-shirt/top", ...],   // optional
 *   "normalize": {"mean": [0.286], "std": [0.353]},  // optional, applied after scaling pixels to [0, 1]
 *   "init": "kaiming_normal",        // optional: torch_default (default), kaiming_normal, kaiming_uniform,
 *                                    //           xavier_uniform, xavier_normal
 *   "layers": [ {"type": "Conv2d", "in_channels": 1, "out_channels": 32, "kernel_size": 3, "padding": 1}, ... ]
 * }
 * }</pre>
 * Instead of "layers" (a {@link Sequential}), a spec may have "graph": a {@link Graph} of named nodes, written as
 * {@link GraphSpec} describes ({@code {"nodes": [{"name": ..., "type": ..., "inputs": [...]}, ...], "output": ...}}),
 * whose parameters are named {@code <node>.<param>}. Exactly one of the two is present; {@link #layers()} is empty
 * for a graph spec and {@link #graph()} null for a layer list.
 * Immutable. The input is bounded like every loader's: {@link #MAX_BYTES}, nesting depth 32, 2^18 values.
 *
 * @param name       the network's name
 * @param input      [C, H, W] of one image; each at least 1
 * @param classes    number of output classes, at least 1
 * @param classNames one name per class, or null for none
 * @param mean       input normalisation mean (1 or C values), or null with {@code std} for none
 * @param std        input normalisation std (1 or C positive values), or null with {@code mean} for none
 * @param init       weight initialisation scheme; null means {@link Init.Scheme#TORCH_DEFAULT}
 * @param layers     the Sequential's layer settings, each with its "type"; empty for a graph spec
 * @param graph      the graph's nodes and output, or null for a layer list
 */
public record NetworkSpec(String name, int[] input, int classes, List<String> classNames,
                          float[] mean, float[] std, Init.Scheme init, List<Map<String, Object>> layers,
                          Map<String, Object> graph) {
    /** The value of a spec's "format" key. */
    public static final String FORMAT = "conv4j-network";
    /** The newest spec "version" this conv4j reads. */
    public static final int VERSION = 1;
    /** Largest spec file read. */
    public static final int MAX_BYTES = 4 << 20;

    /**
     * Validates the spec and copies its arrays and lists.
     *
     * @throws IllegalArgumentException if the input is not three positive sizes, classes is below 1, the class
     *                                  names do not number {@code classes}, mean and std are not both given with
     *                                  1 or C values (std positive), or both layers and a graph are given
     */
    public NetworkSpec {
        if (input == null || input.length != 3) throw new IllegalArgumentException("spec input must be [C, H, W]");
        for (int d : input) if (d < 1) throw new IllegalArgumentException("spec input " + Arrays.toString(input) + " has a non-positive size");
        if (classes < 1) throw new IllegalArgumentException("spec classes must be at least 1, got " + classes);
        if (classNames != null && classNames.size() != classes) {
            throw new IllegalArgumentException("spec has " + classNames.size() + " class names for " + classes + " classes");
        }
        if ((mean == null) != (std == null)) throw new IllegalArgumentException("spec normalize needs both mean and std");
        if (mean != null) {
            if (mean.length != std.length || (mean.length != 1 && mean.length != input[0])) {
                throw new IllegalArgumentException("spec normalize mean/std need 1 or " + input[0] + " values each");
            }
            for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("spec normalize std must be positive, got " + s);
        }
        input = input.clone();
        classNames = classNames == null ? null : List.copyOf(classNames);
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
        if (init == null) init = Init.Scheme.TORCH_DEFAULT;
        layers = layers == null ? List.of() : List.copyOf(layers);
        if (graph != null && !layers.isEmpty()) throw new IllegalArgumentException("spec has both layers and a graph; give one");
        graph = graph == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(graph));
    }

    /**
     * A spec whose network is the Sequential of {@code layers}; each argument is the record component of the
     * same name.
     *
     * @param name       as {@link #name()}
     * @param input      as {@link #input()}
     * @param classes    as {@link #classes()}
     * @param classNames as {@link #classNames()}
     * @param mean       as {@link #mean()}
     * @param std        as {@link #std()}
     * @param init       as {@link #init()}
     * @param layers     as {@link #layers()}
     * @throws IllegalArgumentException as the canonical constructor does
     */
    public NetworkSpec(String name, int[] input, int classes, List<String> classNames, float[] mean, float[] std,
                       Init.Scheme init, List<Map<String, Object>> layers) {
        this(name, input, classes, classNames, mean, std, init, layers, null);
    }

    /** {@return a copy of [C, H, W]} */
    @Override public int[] input() { return input.clone(); }

    /**
     * {@return a copy with this name}
     *
     * @param n the network's name
     */
    public NetworkSpec withName(String n) { return new NetworkSpec(n, input, classes, classNames, mean, std, init, layers, graph); }

    /**
     * {@return a copy with this input normalisation}
     *
     * @param m mean, 1 or C values; null with {@code s} for none
     * @param s std, 1 or C positive values; null with {@code m} for none
     * @throws IllegalArgumentException as the canonical constructor does
     */
    public NetworkSpec withNormalize(float[] m, float[] s) { return new NetworkSpec(name, input, classes, classNames, m, s, init, layers, graph); }

    /**
     * {@return a copy with these class names}
     *
     * @param names one per class, or null for none
     * @throws IllegalArgumentException if there are not {@code classes} names
     */
    public NetworkSpec withClassNames(List<String> names) { return new NetworkSpec(name, input, classes, names, mean, std, init, layers, graph); }

    /**
     * {@return a copy with this initialisation scheme}
     *
     * @param scheme the scheme; null means {@link Init.Scheme#TORCH_DEFAULT}
     */
    public NetworkSpec withInit(Init.Scheme scheme) { return new NetworkSpec(name, input, classes, classNames, mean, std, scheme, layers, graph); }

    /** A network's description as a spec, or (spec null) why it has none. */
    record Description(NetworkSpec spec, String whyNot) {}

    /**
     * Describes {@code network} as {@link #describe} does and checks that the description, written as JSON
     * and read back as a model file's spec is, rebuilds the same parameters and buffers, by name and shape.
     * Fails (in {@code whyNot}) when a layer has no registered type, or when a registered type's writer
     * leaves out a setting that changes the parameters.
     */
    static Description describeChecked(Container network, int[] input, int classes) {
        NetworkSpec spec;
        Model rebuilt;
        try {
            spec = parse(Json.write(describe(null, network, input, classes).toJson()), "the described network");
            rebuilt = spec.build(new Rng(0));
        } catch (IllegalArgumentException | FormatException e) {
            return new Description(null, e.getMessage());
        }
        List<NamedParam> want = NamedParam.of(network);
        List<NamedParam> got = NamedParam.of(rebuilt.network());
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i).name() + Arrays.toString(want.get(i).param().value().shape()) : "nothing";
            String g = i < got.size() ? got.get(i).name() + Arrays.toString(got.get(i).param().value().shape()) : "nothing";
            if (!w.equals(g)) {
                return new Description(null, "its layers' registered types describe a network whose parameter " + i + " is " + g
                        + " where " + (i < want.size() ? want.get(i).owner().describe() : "the network") + " has " + w);
            }
        }
        return new Description(spec, null);
    }

    /**
     * Whether {@link #layers} (or {@link #graph}) describes the network: true for every spec read from a file. False only for
     * a spec {@link Model#of} made for a network it cannot describe ({@code layers} is then empty); such a
     * spec cannot be built or saved.
     *
     * @return true if the spec describes the network
     */
    public boolean describesLayers() { return !layers.isEmpty() || graph != null; }

    /**
     * Describes an existing network, a {@link Sequential} (as "layers") or a {@link Graph} (as "graph"); every layer
     * must be of a registered type.
     *
     * @param name    the network's name
     * @param network the network
     * @param input   [C, H, W] of one image
     * @param classes the network's output size per image
     * @return the spec
     * @throws IllegalArgumentException naming the layer if one has no registered type
     */
    public static NetworkSpec describe(String name, Container network, int[] input, int classes) {
        if (network instanceof Graph g) {
            Map<String, Object> m = new LinkedHashMap<>();
            GraphSpec.write(g, m);
            return new NetworkSpec(name, input, classes, null, null, null, Init.Scheme.TORCH_DEFAULT, List.of(), m);
        }
        if (!(network instanceof Sequential s)) {
            throw new IllegalArgumentException("a spec describes a Sequential or a Graph network, not " + network.describe());
        }
        List<Map<String, Object>> ls = new ArrayList<>();
        for (Layer l : s.layers()) ls.add(LayerRegistry.write(l));
        return new NetworkSpec(name, input, classes, null, null, null, Init.Scheme.TORCH_DEFAULT, ls);
    }

    // ---------------------------------------------------------------- reading

    private static final Json.Limits LIMITS = new Json.Limits(MAX_BYTES, 32, 1 << 18);

    /**
     * Reads a spec file, JSON or YAML as {@link SpecSyntax#of} decides from its name and first character.
     * Errors name the file and the field's path, e.g. {@code net.yaml.layers[3] (Linear(3136->128)): ...}.
     *
     * @param file the spec file, at most {@link #MAX_BYTES}
     * @return the validated spec
     * @throws IOException on a read error, or a {@link FormatException} naming the file and field if the spec is
     *                     malformed
     */
    public static NetworkSpec read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new FormatException(file + ": " + size + " bytes is larger than a network spec may be (" + MAX_BYTES + ")");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path name = file.getFileName();
        return parse(text, file.toString(), SpecSyntax.of(name == null ? "" : name.toString(), text));
    }

    /**
     * Parses a spec written in JSON (as model files and checkpoints store it).
     *
     * @param text   the JSON text
     * @param source names the text in errors
     * @return the validated spec
     * @throws FormatException naming the source and the field's path if the spec is malformed or a layer does not fit its input
     */
    public static NetworkSpec parse(String text, String source) throws FormatException {
        return parse(text, source, SpecSyntax.JSON);
    }

    /**
     * Parses a spec written in {@code syntax}.
     *
     * @param text   the spec text
     * @param source names the text in errors
     * @param syntax JSON or YAML
     * @return the validated spec
     * @throws FormatException naming the source and the field's path if the spec is malformed or a layer does not fit its input
     */
    public static NetworkSpec parse(String text, String source, SpecSyntax syntax) throws FormatException {
        return fromJson(syntax.parseObject(text, source, LIMITS));
    }

    /**
     * Validates a parsed spec tree (from JSON or YAML) and builds it once to check every layer's shapes.
     *
     * @param o the spec's top-level object
     * @return the validated spec
     * @throws FormatException naming the source and the field's path if the spec is malformed or a layer does not fit its input
     */
    public static NetworkSpec fromJson(Json.Obj o) throws FormatException {
        o.allowOnly(List.of("format", "version", "name", "input", "classes", "class_names", "normalize", "init", "layers", "graph"));
        String format = o.str("format", FORMAT);
        if (!format.equals(FORMAT)) throw o.error("format", "expected \"" + FORMAT + "\", got \"" + format + "\"");
        int version = o.integer("version", VERSION);
        if (version < 1 || version > VERSION) {
            throw o.error("version", "this conv4j reads network spec versions 1 to " + VERSION + ", got " + version);
        }
        int[] input = o.intArray("input");
        if (input.length != 3) throw o.error("input", "expected [C, H, W], got " + input.length + " values");
        for (int d : input) if (d < 1 || d > 1 << 16) throw o.error("input", "sizes must be in 1.." + (1 << 16) + ", got " + Arrays.toString(input));
        int classes = o.integer("classes");
        if (classes < 1 || classes > 1 << 20) throw o.error("classes", "must be in 1.." + (1 << 20) + ", got " + classes);
        List<String> names = null;
        if (o.has("class_names")) {
            names = new ArrayList<>();
            List<Object> a = o.array("class_names");
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof String s)) throw o.error("class_names", "entry " + i + " is " + Json.kind(a.get(i)) + ", expected a string");
                names.add(s);
            }
            if (names.size() != classes) throw o.error("class_names", names.size() + " names for " + classes + " classes");
        }
        float[] mean = null, std = null;
        if (o.has("normalize")) {
            Json.Obj n = o.obj("normalize");
            n.allowOnly(List.of("mean", "std"));
            mean = floats(n, "mean");
            std = floats(n, "std");
            if (mean.length != std.length || (mean.length != 1 && mean.length != input[0])) {
                throw o.error("normalize", "mean and std need 1 or " + input[0] + " values each, got " + mean.length + " and " + std.length);
            }
            for (float s : std) if (!(s > 0)) throw n.error("std", "must be positive, got " + s);
        }
        Init.Scheme init = Init.Scheme.TORCH_DEFAULT;
        if (o.has("init")) {
            String s = o.str("init");
            try {
                init = Init.Scheme.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw o.error("init", "unknown scheme \"" + s + "\"; expected one of torch_default, kaiming_normal, "
                        + "kaiming_uniform, xavier_uniform, xavier_normal");
            }
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        Map<String, Object> graph = null;
        if (o.has("graph")) {
            if (o.has("layers")) throw o.error("graph", "a spec has \"layers\" (a sequence) or \"graph\", not both");
            graph = o.obj("graph").map();
        } else {
            for (Json.Obj l : o.objects("layers")) layers.add(l.map());
            if (layers.isEmpty()) throw o.error("layers", "a network needs at least one layer");
        }
        NetworkSpec spec = new NetworkSpec(o.str("name", null), input, classes, names, mean, std, init, layers, graph);
        spec.build(new Rng(0), o.path()); // validates every layer and the shapes now, with paths in the messages
        return spec;
    }

    private static float[] floats(Json.Obj o, String key) throws FormatException {
        List<Object> a = o.array(key);
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(a.get(i) instanceof Json.Num n)) throw o.error(key, "entry " + i + " is " + Json.kind(a.get(i)) + ", expected a number");
            r[i] = n.floatValue();
            if (!Float.isFinite(r[i])) throw o.error(key, "entry " + i + " is not a finite float");
        }
        return r;
    }

    /** {@return the JSON tree of this spec (maps, lists, numbers, strings)} */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        if (name != null) m.put("name", name);
        m.put("input", input);
        m.put("classes", classes);
        if (classNames != null) m.put("class_names", classNames);
        if (mean != null) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("mean", boxed(mean));
            n.put("std", boxed(std));
            m.put("normalize", n);
        }
        if (init != Init.Scheme.TORCH_DEFAULT) m.put("init", init.name().toLowerCase(Locale.ROOT));
        if (graph != null) m.put("graph", graph);
        else m.put("layers", layers);
        return m;
    }

    private static List<Float> boxed(float[] a) {
        List<Float> l = new ArrayList<>(a.length);
        for (float f : a) l.add(f);
        return l;
    }

    /** {@return the spec as pretty-printed JSON text, which {@link #parse} reads back} */
    public String toJsonText() { return Json.pretty(toJson()); }

    // ---------------------------------------------------------------- building

    /**
     * Builds the network with weights initialised from {@link Rng#torch Rng.torch(seed)}: for layers that
     * torch.nn also has, declared in the same order, the same weights as {@code torch.manual_seed(seed)}
     * followed by building the torch.nn twin.
     *
     * @param seed the torch seed of the initial weights
     * @return a new model
     */
    public Model build(long seed) { return build(Rng.torch(seed)); }

    /**
     * Builds the network, drawing its initial weights from {@code rng}, layer after layer, weight before bias.
     * The generator is left after the last draw, so training can continue the stream as torch's global
     * generator does ({@link org.conv4j.train.Trainer#Trainer(Model, org.conv4j.train.TrainConfig, Rng)}).
     *
     * @param rng the generator of the initial weights
     * @return a new model
     * @throws IllegalArgumentException naming the layer if the network cannot be built from the spec
     */
    public Model build(Rng rng) {
        try {
            return build(rng, name == null ? "spec" : name);
        } catch (FormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private Model build(Rng rng, String where) throws FormatException {
        LayerContext ctx = LayerRegistry.context(rng);
        if (graph != null) return buildGraph(ctx, rng, where);
        if (layers.isEmpty()) {
            throw new FormatException(where + ": the spec describes no layers (Model.of made it for a network with a "
                    + "layer no registered type describes), so it cannot build the network");
        }
        List<Layer> built = new ArrayList<>();
        int[] shape = input.clone();
        for (int i = 0; i < layers.size(); i++) {
            Json.Obj lo = new Json.Obj(where + ".layers[" + i + "]", layers.get(i));
            Layer l = LayerRegistry.read(lo, ctx);
            try {
                shape = l.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new FormatException(lo.path() + " (" + l.describe() + "): input of shape " + Arrays.toString(shape)
                        + " does not fit: " + e.getMessage(), e);
            }
            built.add(l);
        }
        if (shape.length != 1 || shape[0] != classes) {
            throw new FormatException(where + ": the last layer outputs " + Arrays.toString(shape)
                    + " per image but the spec declares " + classes + " classes (expected [" + classes + "])");
        }
        Sequential net = new Sequential(built);
        if (init != Init.Scheme.TORCH_DEFAULT) reinitialise(net, init, rng);
        return new Model(this, net);
    }

    private Model buildGraph(LayerContext ctx, Rng rng, String where) throws FormatException {
        Json.Obj go = new Json.Obj(where + ".graph", graph);
        go.allowOnly(GraphSpec.KEYS);
        Graph g = GraphSpec.read(go, ctx);
        int[] shape;
        try {
            shape = g.outputShape(input.clone());
        } catch (IllegalArgumentException e) {
            throw new FormatException(go.path() + ": input of shape " + Arrays.toString(input) + " does not fit: " + e.getMessage(), e);
        }
        if (shape.length != 1 || shape[0] != classes) {
            throw new FormatException(where + ": the graph's output '" + g.output() + "' is " + Arrays.toString(shape)
                    + " per image but the spec declares " + classes + " classes (expected [" + classes + "])");
        }
        if (init != Init.Scheme.TORCH_DEFAULT) reinitialise(g, init, rng);
        return new Model(this, g);
    }

    /** Re-draws every conv and linear weight, and zeroes its bias, under {@code scheme}, in walk order. */
    static void reinitialise(Layer root, Init.Scheme scheme, Rng rng) {
        Layers.walk(root, (path, layer) -> {
            if (layer instanceof SchemeInitialised s) s.reinitialise(scheme, rng);
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && Json.write(toJson()).equals(Json.write(s.toJson()));
    }

    @Override
    public int hashCode() { return Json.write(toJson()).hashCode(); }

    @Override
    public String toString() { return "NetworkSpec" + Json.write(toJson()); }

    /** Shape check used by readers of nested containers. */
    static void requireShape(String where, int[] actual, int[] expected) {
        if (!Arrays.equals(actual, expected)) throw new ShapeException(where, "output", actual, expected);
    }
}
