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
import org.conv4j.layers.Dropout;
import org.conv4j.layers.Layer;
import org.conv4j.model.Container;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.optim.Optimizer;

/**
 * Everything needed to continue a training run exactly where it stopped, in one safetensors file:
 * <ul>
 *   <li>{@code model.<name>}: weights and buffers, as in a {@link ModelFile} (same spec metadata);</li>
 *   <li>{@code optimizer.<param>/<slot>}: momentum / moment buffers; step count and lr in metadata;</li>
 *   <li>{@code loader.state}: the data loader's position, this epoch's order and its generator (U8 bytes);</li>
 *   <li>{@code rng.<layer>}: each dropout layer's generator state (I64);</li>
 *   <li>metadata {@code trainer}: train config, epoch, step, partial epoch sums, early-stopping state and
 *       the metrics of finished epochs, as JSON.</li>
 * </ul>
 * Written atomically ({@link AtomicFile}), so a crash leaves the previous checkpoint intact.
 *
 * @param epochsDone  finished epochs (the epoch in progress is {@code epochsDone + 1}, 1-based)
 * @param globalStep  optimizer steps taken
 * @param lossSum     sum over the epoch's batches so far of (mean batch loss × batch size)
 * @param elapsed     training seconds spent in the epoch so far
 */
public record Checkpoint(Model model, TrainConfig config, Optimizer.State optimizer, LoaderState loader,
                         Map<String, long[]> rngs, int epochsDone, long globalStep, double lossSum, long correct,
                         long topK, long seen, double elapsed, double bestLoss, int badEpochs,
                         List<EpochMetrics> history, int trainSize, int valSize) {

    public static final String FORMAT = "conv4j-checkpoint";
    public static final int VERSION = 1;

    /** Every dropout layer under {@code root} by its parameter-style path (e.g. "7", "4.block.2"). */
    public static Map<String, Dropout> dropouts(Layer root) {
        Map<String, Dropout> m = new LinkedHashMap<>();
        collect("", root, m);
        return m;
    }

    private static void collect(String prefix, Layer l, Map<String, Dropout> out) {
        if (l instanceof Container c) {
            for (Container.Child ch : c.children()) collect(prefix.isEmpty() ? ch.name() : prefix + "." + ch.name(), ch.layer(), out);
        } else if (l instanceof Dropout d) {
            out.put(prefix, d);
        }
    }

    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("spec", Json.write(model.spec().toJson()));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("config", config.toJson());
        t.put("optimizer", optimizer.type());
        t.put("optimizer_step", optimizer.step());
        t.put("optimizer_lr", optimizer.lr());
        t.put("epochs_done", epochsDone);
        t.put("global_step", globalStep);
        t.put("loss_sum", lossSum);
        t.put("correct", correct);
        t.put("top_k", topK);
        t.put("seen", seen);
        t.put("elapsed", elapsed);
        t.put("best_loss", Double.isInfinite(bestLoss) ? null : bestLoss);
        t.put("bad_epochs", badEpochs);
        t.put("train_size", trainSize);
        t.put("val_size", valSize);
        List<Object> h = new ArrayList<>();
        for (EpochMetrics e : history) h.add(metricsJson(e));
        t.put("history", h);
        meta.put("trainer", Json.write(t));

        List<SafeTensors.Entry> tensors = new ArrayList<>(ModelFile.tensors(model, "model."));
        for (Map.Entry<String, float[]> e : optimizer.slots().entrySet()) {
            tensors.add(SafeTensors.Entry.of("optimizer." + e.getKey(), org.conv4j.tensor.Tensor.wrap(e.getValue(), e.getValue().length)));
        }
        byte[] ls = loader.encode();
        tensors.add(new SafeTensors.Entry("loader.state", SafeTensors.DType.U8, new long[] {ls.length}, ls));
        for (Map.Entry<String, long[]> e : rngs.entrySet()) tensors.add(SafeTensors.Entry.ofLongs("rng." + e.getKey(), e.getValue()));
        AtomicFile.write(file, out -> SafeTensors.write(out, meta, tensors));
    }

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
        Map<String, float[]> slots = new LinkedHashMap<>();
        Map<String, long[]> rngs = new LinkedHashMap<>();
        LoaderState loader = null;
        for (SafeTensors.Entry e : c.tensors().values()) {
            if (e.name().startsWith("optimizer.")) {
                if (e.dtype() != SafeTensors.DType.F32) throw new FormatException(src + ": " + e.name() + " must be F32");
                slots.put(e.name().substring("optimizer.".length()), e.floats());
            } else if (e.name().startsWith("rng.")) {
                if (e.dtype() != SafeTensors.DType.I64 || e.numel() != 6) throw new FormatException(src + ": " + e.name() + " must be 6 I64 values");
                rngs.put(e.name().substring(4), e.longs());
            } else if (e.name().equals("loader.state")) {
                if (e.dtype() != SafeTensors.DType.U8) throw new FormatException(src + ": loader.state must be U8");
                loader = LoaderState.decode(e.data(), src + " loader.state");
            } else if (!e.name().startsWith("model.")) {
                throw new FormatException(src + ": unexpected tensor " + e.name());
            }
        }
        if (loader == null) throw new FormatException(src + ": tensor loader.state is missing");
        Map<String, Dropout> drops = dropouts(model.network());
        if (!drops.keySet().equals(rngs.keySet())) {
            throw new FormatException(src + ": generator states " + rngs.keySet() + " do not match the dropout layers " + drops.keySet());
        }
        Optimizer.State opt = new Optimizer.State(t.str("optimizer"), t.longValue("optimizer_step"), t.number("optimizer_lr"), slots);
        List<EpochMetrics> history = new ArrayList<>();
        for (Json.Obj h : t.objects("history")) history.add(metricsFromJson(h));
        double best = t.has("best_loss") ? t.number("best_loss") : Double.POSITIVE_INFINITY;
        return new Checkpoint(model, config, opt, loader, rngs, t.integer("epochs_done"), t.longValue("global_step"),
                t.number("loss_sum"), t.longValue("correct"), t.longValue("top_k"), t.longValue("seen"), t.number("elapsed"),
                best, t.integer("bad_epochs"), history, t.integer("train_size"), t.integer("val_size"));
    }

    private static Map<String, Object> metricsJson(EpochMetrics e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", e.epoch());
        put(m, "train_loss", e.trainLoss()); put(m, "train_acc", e.trainAcc()); put(m, "train_topk", e.trainTopK());
        put(m, "val_loss", e.valLoss()); put(m, "val_acc", e.valAcc());
        put(m, "test_loss", e.testLoss()); put(m, "test_acc", e.testAcc()); put(m, "test_topk", e.testTopK());
        put(m, "seconds", e.seconds()); put(m, "images_per_s", e.imagesPerSecond()); put(m, "lr", e.lr());
        return m;
    }

    private static void put(Map<String, Object> m, String k, double v) { m.put(k, Double.isFinite(v) ? (Object) v : null); }

    private static double get(Json.Obj o, String k) throws FormatException { return o.has(k) ? o.number(k) : Double.NaN; }

    private static EpochMetrics metricsFromJson(Json.Obj o) throws FormatException {
        return new EpochMetrics(o.integer("epoch"), get(o, "train_loss"), get(o, "train_acc"), get(o, "train_topk"),
                get(o, "val_loss"), get(o, "val_acc"), get(o, "test_loss"), get(o, "test_acc"), get(o, "test_topk"),
                get(o, "seconds"), get(o, "images_per_s"), get(o, "lr"));
    }
}
