package org.conv4j.model;

import static org.conv4j.model.BuiltinLayers.add;
import static org.conv4j.model.LayerType.elements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptiveMaxPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.shape.ChannelShuffle;
import org.conv4j.shape.ChannelShuffleConfig;
import org.conv4j.shape.Pad2d;
import org.conv4j.shape.PadConfig;
import org.conv4j.shape.Slice;
import org.conv4j.shape.SliceConfig;
import org.conv4j.shape.Upsample;
import org.conv4j.shape.UpsampleConfig;

/**
 * Registers the spatial layers (Pad2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, Upsample, ChannelShuffle,
 * Slice) as {@link LayerType} values; {@link BuiltinLayers#types} lists them after its own. Keys are torch.nn's
 * argument names, omitted keys take the config records' defaults, and writers emit every setting.
 */
final class SpatialLayers {
    private SpatialLayers() {}

    static void addAll(List<LayerType<?>> t) {
        add(t, "Pad2d", Pad2d.class, List.of("padding", "mode", "value"),
                (c, ctx) -> new Pad2d(padConfig(c)),
                (l, out) -> {
                    PadConfig k = l.config();
                    boolean same = k.left() == k.right() && k.left() == k.top() && k.left() == k.bottom();
                    out.put("padding", same ? (Object) k.left() : List.of(k.left(), k.right(), k.top(), k.bottom()));
                    out.put("mode", k.mode().torchName());
                    out.put("value", k.value());
                },
                (l, in, out) -> 0);
        add(t, "AdaptiveAvgPool2d", AdaptiveAvgPool2d.class, List.of("output_size"),
                (c, ctx) -> new AdaptiveAvgPool2d(adaptiveConfig(c)),
                (l, out) -> writeOutputSize(l.config(), out),
                (l, in, out) -> binCells(l.config(), in) + elements(out));
        add(t, "AdaptiveMaxPool2d", AdaptiveMaxPool2d.class, List.of("output_size"),
                (c, ctx) -> new AdaptiveMaxPool2d(adaptiveConfig(c)),
                (l, out) -> writeOutputSize(l.config(), out),
                (l, in, out) -> binCells(l.config(), in));
        add(t, "Upsample", Upsample.class,
                List.of("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"),
                (c, ctx) -> new Upsample(upsampleConfig(c)),
                (l, out) -> writeUpsample(l.config(), out),
                // bilinear: a 2-tap lerp along each of two rows, then one across them: 6 multiplies, 3 adds
                (l, in, out) -> l.config().mode() == UpsampleConfig.Mode.BILINEAR ? 9 * elements(out) : 0);
        add(t, "ChannelShuffle", ChannelShuffle.class, List.of("groups"),
                (c, ctx) -> new ChannelShuffle(ChannelShuffleConfig.of(c.integer("groups"))),
                (l, out) -> out.put("groups", l.config().groups()),
                (l, in, out) -> 0);
        add(t, "Slice", Slice.class, List.of("dim", "start", "end", "step"),
                (c, ctx) -> {
                    SliceConfig d = SliceConfig.of(c.integer("dim"));
                    return new Slice(d.withStart(c.integer("start", d.start())).withEnd(c.integer("end", d.end()))
                            .withStep(c.integer("step", d.step())));
                },
                (l, out) -> {
                    SliceConfig k = l.config();
                    out.put("dim", k.dim());
                    out.put("start", k.start());
                    if (k.end() != SliceConfig.TO_END) out.put("end", k.end());  // omitted (or null): to the end
                    out.put("step", k.step());
                },
                (l, in, out) -> 0);
    }

    // ---------------------------------------------------------------- Pad2d

    static PadConfig padConfig(Json.Obj c) throws FormatException {
        int[] p;
        if (c.map().get("padding") instanceof List<?>) {
            p = c.intArray("padding");
            if (p.length != 4) throw c.error("padding", "expected an integer or [left, right, top, bottom], got " + p.length + " values");
        } else {
            int n = c.integer("padding");
            p = new int[] {n, n, n, n};
        }
        PadConfig d = PadConfig.of(p[0], p[1], p[2], p[3]);
        String mode = c.str("mode", d.mode().torchName());
        try {
            d = d.withMode(PadConfig.Mode.of(mode));
        } catch (IllegalArgumentException e) {
            throw c.error("mode", e.getMessage());
        }
        return d.withValue(c.float32("value", d.value()));
    }

    // ---------------------------------------------------------------- adaptive pools

    static AdaptivePoolConfig adaptiveConfig(Json.Obj c) throws FormatException {
        int[] s = c.intOrPair("output_size");
        return AdaptivePoolConfig.of(s[0], s[1]);
    }

    static void writeOutputSize(AdaptivePoolConfig k, Map<String, Object> out) {
        out.put("output_size", k.outH() == k.outW() ? (Object) k.outH() : List.of(k.outH(), k.outW()));
    }

    /** Input cells read over all bins of one item [C, H, W] (bins overlap when the sizes do not divide). */
    static long binCells(AdaptivePoolConfig k, int[] in) {
        long rows = 0, cols = 0;
        for (int i = 0; i < k.outH(); i++) rows += AdaptivePoolConfig.binEnd(i, in[1], k.outH()) - AdaptivePoolConfig.binStart(i, in[1], k.outH());
        for (int j = 0; j < k.outW(); j++) cols += AdaptivePoolConfig.binEnd(j, in[2], k.outW()) - AdaptivePoolConfig.binStart(j, in[2], k.outW());
        return in[0] * rows * cols;
    }

    // ---------------------------------------------------------------- Upsample

    static UpsampleConfig upsampleConfig(Json.Obj c) throws FormatException {
        UpsampleConfig k;
        if (c.has("size") && c.has("scale_factor")) throw c.error("scale_factor", "give only one of size and scale_factor");
        if (c.has("size")) {
            int[] s = c.intOrPair("size");
            k = UpsampleConfig.size(s[0], s[1]);
        } else if (c.has("scale_factor")) {
            double[] s = numberOrPair(c, "scale_factor");
            k = UpsampleConfig.scale(s[0], s[1]);
        } else {
            throw c.error("size", "Upsample needs size or scale_factor");
        }
        if (c.has("mode")) {
            try {
                k = k.withMode(UpsampleConfig.Mode.of(c.str("mode")));
            } catch (IllegalArgumentException e) {
                throw c.error("mode", e.getMessage());
            }
        }
        if (c.has("align_corners")) {
            if (k.mode() != UpsampleConfig.Mode.BILINEAR) {
                throw c.error("align_corners", "can only be set with mode bilinear (as in torch), not " + k.mode().torchName());
            }
            k = k.withAlignCorners(c.bool("align_corners"));
        }
        return k.withRecomputeScaleFactor(c.bool("recompute_scale_factor", k.recomputeScaleFactor()));
    }

    static void writeUpsample(UpsampleConfig k, Map<String, Object> out) {
        if (k.hasSize()) {
            out.put("size", k.sizeH() == k.sizeW() ? (Object) k.sizeH() : List.of(k.sizeH(), k.sizeW()));
        } else {
            out.put("scale_factor", k.scaleH() == k.scaleW() ? (Object) k.scaleH() : List.of(k.scaleH(), k.scaleW()));
            out.put("recompute_scale_factor", k.recomputeScaleFactor());
        }
        out.put("mode", k.mode().torchName());
        if (k.mode() == UpsampleConfig.Mode.BILINEAR) out.put("align_corners", k.alignCorners());
    }

    /** A number or an array of two numbers (torch's {@code scale_factor=1.5} or {@code (2.0, 1.5)}). */
    static double[] numberOrPair(Json.Obj c, String key) throws FormatException {
        if (!(c.map().get(key) instanceof List<?>)) {
            double s = c.number(key);
            return new double[] {s, s};
        }
        List<Double> r = new ArrayList<>();
        for (Object v : c.array(key)) {
            if (!(v instanceof Json.Num n)) throw c.error(key, "expected a number or a pair of numbers, got " + Json.kind(v) + " inside");
            r.add(n.doubleValue());
        }
        if (r.size() != 2) throw c.error(key, "expected a number or a pair of numbers, got " + r.size() + " values");
        return new double[] {r.get(0), r.get(1)};
    }
}
