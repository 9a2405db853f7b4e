package org.conv4j.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.layers.LayerState;
import org.conv4j.layers.NamedParam;
import org.conv4j.layers.Param;
import org.conv4j.train.Checkpoint;
import org.conv4j.model.Model;

/**
 * A model's numbers as flat arrays for the wire: every parameter and buffer value, or the buffers alone, each in
 * {@link NamedParam#of} order (the trainable gradients travel as {@code ShardFold.gradients} lays them out).
 * Copies are exact (no arithmetic).
 */
final class ModelState {
    private ModelState() {}

    /** Total values of the parameters (trainable or all). */
    static int size(List<NamedParam> params, boolean trainableOnly, boolean buffersOnly) {
        long n = 0;
        for (NamedParam p : params) if (selected(p.param(), trainableOnly, buffersOnly)) n += p.param().value().size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("the model has " + n + " values, more than one array holds");
        return (int) n;
    }

    private static boolean selected(Param p, boolean trainableOnly, boolean buffersOnly) {
        return trainableOnly ? p.isTrainable() : !buffersOnly || !p.isTrainable();
    }

    /** Every value (parameters and buffers), in order. */
    static float[] values(List<NamedParam> params) { return gather(params, false); }

    /** The buffers' values, in order. */
    static float[] buffers(List<NamedParam> params) { return gather(params, true); }

    /** Puts {@link #values} back into the parameters. */
    static void setValues(List<NamedParam> params, float[] v) { scatter(params, v, false); }

    /** Puts {@link #buffers} back into the buffers. */
    static void setBuffers(List<NamedParam> params, float[] v) { scatter(params, v, true); }

    private static float[] gather(List<NamedParam> params, boolean buffersOnly) {
        float[] out = new float[size(params, false, buffersOnly)];
        int at = 0;
        for (NamedParam p : params) {
            if (!selected(p.param(), false, buffersOnly)) continue;
            float[] src = p.param().value().data();
            System.arraycopy(src, 0, out, at, src.length);
            at += src.length;
        }
        return out;
    }

    private static void scatter(List<NamedParam> params, float[] v, boolean buffersOnly) {
        int at = 0;
        for (NamedParam p : params) {
            if (!selected(p.param(), false, buffersOnly)) continue;
            float[] dst = p.param().value().data();
            System.arraycopy(v, at, dst, 0, dst.length);
            at += dst.length;
        }
        if (at != v.length) throw new IllegalStateException("expected " + at + " values, got " + v.length);
    }

    /** Every layer state, saved, by checkpoint name. */
    static Map<String, long[]> layerStates(Model model) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, LayerState> e : Checkpoint.layerStates(model.network()).entrySet()) m.put(e.getKey(), e.getValue().save());
        return m;
    }

    /** Restores the layer states saved by {@link #layerStates}. */
    static void setLayerStates(Model model, Map<String, long[]> saved) {
        Map<String, LayerState> live = Checkpoint.layerStates(model.network());
        for (Map.Entry<String, long[]> e : saved.entrySet()) {
            LayerState s = live.get(e.getKey());
            if (s == null) throw new IllegalStateException("no layer state " + e.getKey() + " in the model");
            s.restore(e.getValue());
        }
    }
}
