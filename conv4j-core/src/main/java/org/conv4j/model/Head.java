package org.conv4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.Container;
import org.conv4j.layers.Init;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.util.Rng;

/**
 * A classifier's head: the last top-level layer that holds parameters (ResNet's {@code fc}, MobileNet's
 * {@code classifier.1}, SqueezeNet's 1×1 {@code classifier.1} convolution), which maps features to class scores.
 * Fine-tuning on new classes {@link #replace replaces} it with a freshly initialised one of the same kind, sized
 * for the new classes; the layers after it (Flatten, pooling, an activation) keep working because they do not
 * depend on the number of channels.
 *
 * <p>The top-level layers are a {@link Sequential}'s children ("0", "1", ...) and a {@link Graph}'s layer nodes
 * (by node name).
 */
public final class Head {
    private Head() {}

    /**
     * The name of the head in {@code network}: the last top-level child that holds trainable parameters.
     *
     * @param network the network
     * @return the head's child name
     * @throws IllegalArgumentException when no child has trainable parameters
     */
    public static String name(Container network) {
        String last = null;
        for (Container.Child c : network.children()) {
            for (NamedParam p : NamedParam.of(c.layer())) {
                if (p.param().isTrainable()) { last = c.name(); break; }
            }
        }
        if (last == null) throw new IllegalArgumentException(network.describe() + " has no layer with trainable parameters, so no head");
        return last;
    }

    /**
     * A model whose head is a new layer of the same type and settings with {@code classes} outputs (a Linear's
     * out_features, a 1×1 or any ungrouped Conv2d's out_channels), initialised from {@code rng}'s next draws as
     * torch.nn initialises a new module (so {@code Rng.torch(seed)} gives {@code torch.manual_seed(seed);
     * model.fc = nn.Linear(...)}'s weights), then under the spec's init scheme if it names one. The spec follows:
     * its classes become {@code classes}, its class names {@code classNames} (may be null), and its layer list or
     * graph describes the new network; name, input, normalisation and init scheme are kept.
     *
     * <p>The returned model shares every other layer (weights included) with {@code model}, which must not be
     * used afterwards.
     *
     * @param model      the model whose head is replaced
     * @param classes    the new head's output count, at least 1
     * @param classNames one name per class, or null
     * @param rng        the generator of the new head's weights
     * @return the new model
     * @throws IllegalArgumentException if {@code classes} is below 1, the head is not a Linear or an ungrouped Conv2d,
     *                                  or the new network does not end in [classes]
     */
    public static Model replace(Model model, int classes, List<String> classNames, Rng rng) {
        if (classes < 1) throw new IllegalArgumentException("a new head needs at least 1 class, got " + classes);
        Container net = model.network();
        String head = name(net);
        Layer old = child(net, head);
        Map<String, Object> settings = new java.util.LinkedHashMap<>(LayerRegistry.write(old));
        String where = "head '" + head + "' (" + old.describe() + ")";
        if (settings.containsKey("out_features")) {
            settings.put("out_features", classes);
        } else if (settings.containsKey("out_channels") && settings.containsKey("kernel_size")
                && ((Number) settings.getOrDefault("groups", 1)).intValue() == 1) {
            settings.put("out_channels", classes);
        } else {
            throw new IllegalArgumentException(where + ": conv4j replaces a Linear or an ungrouped Conv2d head, not a "
                    + settings.get("type"));
        }
        Layer fresh;
        try {
            // through JSON text, so the settings have the number types a spec file's have
            fresh = LayerRegistry.read(Json.parseObject(Json.write(settings), where), LayerRegistry.context(rng));
        } catch (FormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        NetworkSpec spec = model.spec();
        if (spec.init() != Init.Scheme.TORCH_DEFAULT) NetworkSpec.reinitialise(fresh, spec.init(), rng);
        Container rebuilt = withChild(net, head, fresh);
        int[] out = rebuilt.outputShape(spec.input());
        if (out.length != 1 || out[0] != classes) {
            throw new IllegalArgumentException(where + ": with " + classes + " outputs the network ends in " + Arrays.toString(out)
                    + " per image, not [" + classes + "]; the layers after the head depend on its size");
        }
        NetworkSpec described = NetworkSpec.describe(spec.name(), rebuilt, spec.input(), classes);
        NetworkSpec s = new NetworkSpec(spec.name(), spec.input(), classes, classNames, spec.mean(), spec.std(), spec.init(),
                described.layers(), described.graph());
        return new Model(s, rebuilt);
    }

    /**
     * {@return the top-level child {@code name} of {@code net} (a Sequential index or a Graph layer node's name)}
     *
     * @param net  the network
     * @param name the child's name
     * @throws IllegalArgumentException if {@code net} has no such child
     */
    public static Layer child(Container net, String name) {
        for (Container.Child c : net.children()) if (c.name().equals(name)) return c.layer();
        throw new IllegalArgumentException(net.describe() + " has no layer " + name);
    }

    /** {@code net} with the top-level child {@code name} replaced by {@code layer}. */
    private static Container withChild(Container net, String name, Layer layer) {
        if (net instanceof Sequential s) {
            List<Layer> ls = new ArrayList<>(s.layers());
            ls.set(Integer.parseInt(name), layer);
            return new Sequential(ls);
        }
        if (net instanceof Graph g) {
            List<Graph.Node> nodes = new ArrayList<>(g.nodes().size());
            for (Graph.Node n : g.nodes()) nodes.add(n.name().equals(name) ? new Graph.Node(n.name(), n.inputs(), layer, null) : n);
            return new Graph(g.input(), nodes, g.output());
        }
        throw new IllegalArgumentException("a head can be replaced in a Sequential or a Graph, not in " + net.describe());
    }
}
