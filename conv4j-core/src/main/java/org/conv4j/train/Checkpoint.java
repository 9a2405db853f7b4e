package org.conv4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.data.LoaderState;
import org.conv4j.io.AtomicFile;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.Layer;
import org.conv4j.layers.LayerState;
import org.conv4j.layers.Layers;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.optim.Optimizer;
import org.conv4j.tensor.Tensor;

/**
 * Everything needed to continue a training run exactly where it stopped, in one safetensors file:
 * <ul>
 *   <li>{@code model.<name>}: weights and buffers, as in a {@link ModelFile} (same spec metadata);</li>
 *   <li>{@code optimizer.<param>/<slot>}: momentum / moment buffers; step count and lr in metadata (and each
 *       parameter group's lr, {@code optimizer_group_lrs}, when there are several);</li>
 *   <li>{@code loader.state}: the data loader's position, this epoch's order and its generator (U8 bytes);</li>
 *   <li>{@code <state>.<layer path>}: each {@link Layer#state() layer state} (I64), e.g. {@code rng.5} for the
 *       generator of the dropout layer at path "5";</li>
 *   <li>metadata {@code trainer}: train config, optimizer step and lr, and the {@link TrainingState} as JSON.</li>
 * </ul>
 * Written atomically ({@link AtomicFile}), so a crash leaves the previous checkpoint intact.
 *
 * <p>The model's layer state is read from the model when saving and written into it when loading, so the
 * model of a loaded checkpoint is ready to continue.
 *
 * @param model     the model, with its layer state
 * @param config    the run's training settings
 * @param optimizer the optimizer's state
 * @param loader    the data loader's position
 * @param state     the rest of the run's state
 */
public record Checkpoint(Model model, TrainConfig config, Optimizer.State optimizer, LoaderState loader, TrainingState state) {

    public static final String FORMAT = "conv4j-checkpoint";
    public static final int VERSION = 1;

    /** {@return the number of finished epochs} */
    public int epochsDone() { return state.epochsDone(); }

    /** {@return the number of optimizer steps taken} */
    public long globalStep() { return state.globalStep(); }

    /** {@return the metrics of the finished epochs} */
    public List<EpochMetrics> history() { return state.history(); }

    /**
     * {@return every layer state under {@code root} by its tensor name in a checkpoint ({@code "rng.5"}), in walk
     * order}
     *
     * @param root the network
     * @throws IllegalStateException if two layer states get the same name
     */
    public static Map<String, LayerState> layerStates(Layer root) {
        Map<String, LayerState> m = new LinkedHashMap<>();
        Layers.walk(root, (path, layer) -> {
            for (LayerState s : layer.state()) {
                if (m.put(s.name() + "." + path, s) != null) throw new IllegalStateException("two layer states are named " + s.name() + "." + path);
            }
        });
        return m;
    }

    /**
     * Writes the checkpoint atomically: the model's spec and weights, the config, the optimizer's step, rates and
     * slot buffers, the loader's position and every layer state.
     *
     * @param file the safetensors file to write; replaced if it exists
     * @throws IOException              on a write error
     * @throws IllegalArgumentException if the model's spec cannot describe its network
     */
    public void save(Path file) throws IOException {
        ModelFile.checkSavable(model);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("spec", Json.write(model.spec().toJson()));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("config", config.toJson());
        t.put("optimizer", optimizer.type());
        t.put("optimizer_step", optimizer.step());
        t.put("optimizer_lr", optimizer.lr());
        // Only an optimizer with several parameter groups writes each group's rate, so a plain run's file is unchanged.
        if (optimizer.groupLrs().size() > 1) t.put("optimizer_group_lrs", new LinkedHashMap<String, Object>(optimizer.groupLrs()));
        state.writeJson(t);
        meta.put("trainer", Json.write(t));

        List<SafeTensors.Entry> tensors = new ArrayList<>(ModelFile.tensors(model, "model."));
        for (Map.Entry<String, float[]> e : optimizer.slots().entrySet()) {
            tensors.add(SafeTensors.Entry.of("optimizer." + e.getKey(), Tensor.wrap(e.getValue(), e.getValue().length)));
        }
        byte[] ls = loader.encode();
        tensors.add(new SafeTensors.Entry("loader.state", SafeTensors.DType.U8, new long[] {ls.length}, ls));
        for (Map.Entry<String, LayerState> e : layerStates(model.network()).entrySet()) {
            tensors.add(SafeTensors.Entry.ofLongs(e.getKey(), e.getValue().save()));
        }
        AtomicFile.write(file, out -> SafeTensors.write(out, meta, tensors));
    }

    /**
     * Reads a checkpoint written by {@link #save}.
     *
     * @param file the checkpoint file
     * @return the checkpoint, with the model rebuilt and its weights loaded
     * @throws IOException on a read error, or a {@link FormatException} naming the file and entry if it is not a
     *                     conv4j checkpoint or a tensor or the trainer state is missing or malformed
     */
    public static Checkpoint load(Path file) throws IOException {
        String src = file.toString();
        SafeTensors.Contents c = SafeTensors.read(file);
        if (!FORMAT.equals(c.metadata().get("format"))) {
            throw new FormatException(src + ": not a conv4j checkpoint (metadata format is " + c.metadata().get("format") + ")");
        }
        Model model = ModelFile.fromContents(c, src, "model.");
        String tj = c.metadata().get("trainer");
        if (tj == null) throw new FormatException(src + ": metadata has no \"trainer\" state");
        Json.Obj t = Json.parseObject(tj, src + " trainer");
        TrainConfig config = TrainConfig.fromJson(t.obj("config"));
        Map<String, LayerState> expected = layerStates(model.network());
        Map<String, float[]> slots = new LinkedHashMap<>();
        Map<String, long[]> saved = new LinkedHashMap<>();
        LoaderState loader = null;
        for (SafeTensors.Entry e : c.tensors().values()) {
            if (e.name().startsWith("optimizer.")) {
                if (e.dtype() != SafeTensors.DType.F32) throw new FormatException(src + ": " + e.name() + " must be F32");
                slots.put(e.name().substring("optimizer.".length()), e.floats());
            } else if (e.name().equals("loader.state")) {
                if (e.dtype() != SafeTensors.DType.U8) throw new FormatException(src + ": loader.state must be U8");
                loader = LoaderState.decode(e.data(), src + " loader.state");
            } else if (expected.containsKey(e.name())) {
                if (e.dtype() != SafeTensors.DType.I64 || e.shape().length != 1) throw new FormatException(src + ": " + e.name() + " must be a vector of I64");
                saved.put(e.name(), e.longs());
            } else if (!e.name().startsWith("model.")) {
                throw new FormatException(src + ": unexpected tensor " + e.name() + " (the model's layer states are " + expected.keySet() + ")");
            }
        }
        if (loader == null) throw new FormatException(src + ": tensor loader.state is missing");
        if (!saved.keySet().equals(expected.keySet())) {
            throw new FormatException(src + ": layer states " + saved.keySet() + " do not match the model's " + expected.keySet());
        }
        for (Map.Entry<String, long[]> e : saved.entrySet()) {
            try {
                expected.get(e.getKey()).restore(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new FormatException(src + ": " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        Map<String, Double> groupLrs = new LinkedHashMap<>();
        if (t.has("optimizer_group_lrs")) {
            Json.Obj g = t.obj("optimizer_group_lrs");
            for (String k : g.map().keySet()) groupLrs.put(k, g.number(k));
        }
        Optimizer.State opt = new Optimizer.State(t.str("optimizer"), t.longValue("optimizer_step"), t.number("optimizer_lr"), slots, groupLrs);
        return new Checkpoint(model, config, opt, loader, TrainingState.fromJson(t));
    }
}
