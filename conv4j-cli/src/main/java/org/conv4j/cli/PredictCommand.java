package org.conv4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.data.Idx;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.Json;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.tensor.Tensor;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conv4j predict}: top-k classes with probabilities for image files, folders, globs or IDX image files. */
@picocli.CommandLine.Command(name = "predict", sortOptions = false,
        customSynopsis = "conv4j predict --model=FILE [--format=text|json|csv] [--top=K] [--limit=N] INPUT...",
        description = {
            "classify images (files, folders, globs) or an IDX image file with a saved model",
            "",
            "Prints the K most probable classes with their probabilities for each image. An INPUT is a PNG/JPEG/BMP/GIF file "
                    + "(converted to the model's channels and resized to its input, as in training), a folder (every image file "
                    + "under it, sorted), a quoted glob such as 'shoes/*.png' or 'data/**.jpg' (sorted), or an IDX image file "
                    + "(e.g. t10k-images-idx3-ubyte.gz; --limit N takes its first N).",
            "",
            "--format text: one line per image, \"INPUT:  label 97.12%%  label 1.03%% ...\".",
            "--format json: an array [{\"input\": ..., \"predictions\": [{\"class\": 9, \"label\": \"Ankle boot\", "
                    + "\"probability\": 0.97}, ...]}, ...].",
            "--format csv: a header, then one row per image: path,class,label,probability,top_k where top_k is "
                    + "\"label:probability\" pairs joined by ';', most probable first."})
final class PredictCommand extends Command {
    /** Output formats. */
    enum Format { TEXT, JSON, CSV }

    /** Images per forward pass: bounds memory for a large folder. */
    private static final int BATCH = 500;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model file (.safetensors)")
    Path modelFile;
    /** The names shell completion offers for --format, as typed (picocli would offer the constants' upper case). */
    static final class FormatNames implements Iterable<String> {
        @Override public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Format.values()).map(PredictCommand::name).iterator();
        }
    }

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = FormatNames.class, description = "text | json | csv (default text)")
    Format format;
    @Option(names = "--json", description = "the same as --format json")
    boolean json;
    @Option(names = "--top", paramLabel = "K", description = "classes per image (default ${DEFAULT-VALUE})")
    int top = 3;
    @Option(names = "--limit", paramLabel = "N", description = "images taken from each IDX file (default: all)")
    int limit = Integer.MAX_VALUE;
    @Option(names = "--threads", paramLabel = "T", description = "compute threads (default: all processors)")
    Integer threads;
    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "image files, folders, quoted globs or an IDX image file")
    List<String> inputs = new ArrayList<>();

    private record Item(String name, float[] pixels) {}

    @Override
    protected int run() throws Exception {
        if (threads != null) Parallel.setThreads(positive("--threads", threads));
        positive("--top", top);
        positive("--limit", limit);
        if (json && format != null && format != Format.JSON) throw new UsageException("--json and --format " + name(format) + " disagree");
        Format f = json ? Format.JSON : format == null ? Format.TEXT : format;
        if (inputs.isEmpty()) throw new UsageException("give at least one image file, folder, glob or IDX image file");
        Model m = loadModel(modelFile).prepareInference();
        List<Path> files = PredictInputs.expand(inputs);
        int[] in = m.spec().input();
        ImageSpec spec = ImageSpec.of(in[0], in[1], in[2]);
        int k = Math.min(top, m.classes());
        List<Object> results = new ArrayList<>();
        if (f == Format.CSV) out.println("path,class,label,probability,top_k");
        List<Item> batch = new ArrayList<>();
        for (Path p : files) {
            String fn = p.getFileName().toString();
            if (fn.contains("idx3") || fn.endsWith("-ubyte") || fn.endsWith("-ubyte.gz")) {
                Idx.Images im = Idx.readImages(p);
                if (in[0] != 1 || im.height() != in[1] || im.width() != in[2]) {
                    throw new BadInputException(p + " holds " + im.height() + "x" + im.width() + " grey images but the model takes "
                            + java.util.Arrays.toString(in));
                }
                int hw = im.height() * im.width();
                for (int i = 0; i < Math.min(im.count(), limit); i++) {
                    float[] px = new float[hw];
                    for (int j = 0; j < hw; j++) px[j] = (im.pixels()[i * hw + j] & 0xFF) / 255f;
                    batch.add(new Item(p + "[" + i + "]", px));
                    if (batch.size() == BATCH) classify(m, batch, k, f, results);
                }
            } else {
                batch.add(new Item(p.toString(), ImageFiles.read(p, spec)));
                if (batch.size() == BATCH) classify(m, batch, k, f, results);
            }
        }
        classify(m, batch, k, f, results);
        if (f == Format.JSON) out.print(Json.pretty(results));
        return OK;
    }

    /** Predicts the batch, prints (text, csv) or collects (json) its rows, and empties it. */
    private void classify(Model m, List<Item> batch, int k, Format f, List<Object> results) {
        if (batch.isEmpty()) return;
        int[] in = m.spec().input();
        int item = in[0] * in[1] * in[2], n = batch.size();
        Tensor x = new Tensor(n, in[0], in[1], in[2]);
        for (int i = 0; i < n; i++) System.arraycopy(batch.get(i).pixels(), 0, x.data(), i * item, item);
        Tensor probs = m.predict(x);
        for (int i = 0; i < n; i++) {
            int[] order = topK(probs, i, k);
            String name = batch.get(i).name();
            switch (f) {
                case JSON -> {
                    List<Object> preds = new ArrayList<>();
                    for (int c : order) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("class", c);
                        e.put("label", m.className(c));
                        e.put("probability", probs.get(i, c));
                        preds.add(e);
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("input", name);
                    r.put("predictions", preds);
                    results.add(r);
                }
                case CSV -> {
                    StringBuilder topText = new StringBuilder();
                    for (int c : order) {
                        if (!topText.isEmpty()) topText.append(';');
                        topText.append(m.className(c)).append(':').append(probability(probs.get(i, c)));
                    }
                    out.println(csv(name) + "," + order[0] + "," + csv(m.className(order[0])) + "," + probability(probs.get(i, order[0]))
                            + "," + csv(topText.toString()));
                }
                case TEXT -> {
                    StringBuilder b = new StringBuilder(name).append(':');
                    for (int c : order) b.append(String.format(Locale.ROOT, "  %s %.2f%%", m.className(c), 100 * probs.get(i, c)));
                    out.println(b);
                }
            }
        }
        batch.clear();
    }

    private static String probability(float p) { return String.format(Locale.ROOT, "%.6f", p); }

    /** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String name(Format f) { return f.name().toLowerCase(Locale.ROOT); }

    /** Indices of the k largest values of row i, largest first (lower index first on ties). */
    static int[] topK(Tensor probs, int i, int k) {
        int c = probs.dim(1);
        Integer[] idx = new Integer[c];
        for (int j = 0; j < c; j++) idx[j] = j;
        java.util.Arrays.sort(idx, (x, y) -> {
            int cmp = Float.compare(probs.get(i, y), probs.get(i, x));
            return cmp != 0 ? cmp : Integer.compare(x, y);
        });
        int[] r = new int[k];
        for (int j = 0; j < k; j++) r[j] = idx[j];
        return r;
    }
}
