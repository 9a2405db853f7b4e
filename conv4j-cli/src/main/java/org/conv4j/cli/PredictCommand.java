package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.conv4j.data.Idx;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.Json;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.tensor.Tensor;

/** {@code conv4j predict}: top-k classes with probabilities for image files or an IDX image file. */
public final class PredictCommand implements Main.FlagCommand {
    @Override public String name() { return "predict"; }

    @Override public String summary() { return "classify image files or an IDX image file with a saved model"; }

    @Override public Set<String> flags() { return Set.of("json"); }

    @Override
    public String help() {
        return """
                usage: conv4j predict --model FILE [--json] [--top K] [--limit N] IMAGE... | IDXFILE

                Prints the K most probable classes (default 3) with their probabilities for each input.
                Inputs are PNG/JPEG/BMP files (converted to the model's channels and resized to its input, as in
                training) or an IDX image file (e.g. t10k-images-idx3-ubyte.gz; --limit N takes its first N).
                --json prints a JSON array: [{"input": ..., "predictions": [{"class": 9, "label": "Ankle boot",
                "probability": 0.97}, ...]}, ...].

                exit codes: 0 done, 2 bad options or unreadable input, 3 I/O error
                """;
    }

    private record Item(String name, float[] pixels) {}

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        if (a.has("threads")) Parallel.setThreads(a.positiveInt("threads", Parallel.threads()));
        Path modelFile = Path.of(a.required("model"));
        boolean json = a.flag("json");
        int top = a.positiveInt("top", 3), limit = a.positiveInt("limit", Integer.MAX_VALUE);
        List<String> inputs = a.positional();
        a.finish();
        if (inputs.isEmpty()) throw new Args.UsageException("give at least one image file or an IDX image file");
        Model m = ModelFile.load(modelFile);
        int[] in = m.spec().input();
        ImageSpec spec = ImageSpec.of(in[0], in[1], in[2]);
        List<Item> items = new ArrayList<>();
        for (String s : inputs) {
            Path p = Path.of(s);
            String f = p.getFileName().toString();
            if (f.contains("idx3") || f.endsWith("-ubyte") || f.endsWith("-ubyte.gz")) {
                Idx.Images im = Idx.readImages(p);
                if (in[0] != 1 || im.height() != in[1] || im.width() != in[2]) {
                    throw new IllegalArgumentException(s + " holds " + im.height() + "x" + im.width() + " grey images but the model takes "
                            + java.util.Arrays.toString(in));
                }
                int hw = im.height() * im.width();
                for (int i = 0; i < Math.min(im.count(), limit); i++) {
                    float[] px = new float[hw];
                    for (int k = 0; k < hw; k++) px[k] = (im.pixels()[i * hw + k] & 0xFF) / 255f;
                    items.add(new Item(s + "[" + i + "]", px));
                }
            } else {
                items.add(new Item(s, ImageFiles.read(p, spec)));
            }
        }
        top = Math.min(top, m.classes());
        int item = in[0] * in[1] * in[2];
        List<Object> results = new ArrayList<>();
        for (int start = 0; start < items.size(); start += 500) {
            int n = Math.min(500, items.size() - start);
            Tensor x = new Tensor(n, in[0], in[1], in[2]);
            for (int i = 0; i < n; i++) System.arraycopy(items.get(start + i).pixels(), 0, x.data(), i * item, item);
            Tensor probs = m.predict(x);
            for (int i = 0; i < n; i++) {
                int[] order = topK(probs, i, top);
                String name = items.get(start + i).name();
                if (json) {
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
                } else {
                    StringBuilder b = new StringBuilder(name).append(':');
                    for (int c : order) b.append(String.format(Locale.ROOT, "  %s %.2f%%", m.className(c), 100 * probs.get(i, c)));
                    out.println(b);
                }
            }
        }
        if (json) out.print(Json.pretty(results));
        return OK;
    }

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
