package org.conv4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conv4j.layers.Layer;

/**
 * Registers conv4j's own layer types with {@link LayerRegistry}. JSON keys follow torch.nn:
 * see the README's "Network spec" section for every type and its keys.
 */
final class BuiltinLayers {
    private BuiltinLayers() {}

    static void registerAll() {
        LayerRegistry.register("Residual", Residual.class, List.of("block", "shortcut"),
                (c, ctx) -> new Residual(ctx.sequential(c, "block"), c.has("shortcut") ? ctx.sequential(c, "shortcut") : null),
                (l, out) -> {
                    out.put("block", writeAll(l.block()));
                    if (l.shortcut() != null) out.put("shortcut", writeAll(l.shortcut()));
                },
                (l, in, out) -> {
                    long f = Summary.flopsOf(l.block(), in) + LayerRegistry.elements(out);
                    return l.shortcut() == null ? f : f + Summary.flopsOf(l.shortcut(), in);
                });
    }

    static List<Map<String, Object>> writeAll(Sequential s) {
        List<Map<String, Object>> r = new ArrayList<>();
        for (Layer l : s.layers()) r.add(LayerRegistry.write(l));
        return r;
    }
}
