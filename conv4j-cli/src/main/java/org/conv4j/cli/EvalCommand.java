package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.conv4j.data.Dataset;
import org.conv4j.data.Datasets;
import org.conv4j.data.TrainTest;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.Json;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.train.Evaluation;

/** {@code conv4j eval}: a saved model's loss and accuracy on a test set. */
public final class EvalCommand implements Main.FlagCommand {
    @Override public String name() { return "eval"; }

    @Override public String summary() { return "evaluate a saved model on a test set"; }

    @Override public Set<String> flags() { return Set.of("json"); }

    @Override
    public String help() {
        return """
                usage: conv4j eval --model FILE [--data DIR] [--batch B] [--top-k K] [--json] [--threads T]

                Prints the model's mean cross-entropy loss, accuracy, top-k accuracy and per-class accuracy on the
                test set of DIR (IDX files, CIFAR batches or image folders DIR/test/CLASS/*). Without --data:
                Fashion-MNIST (the full set if installed, else the shipped subset).

                exit codes: 0 done, 2 bad options or data, 3 I/O error
                """;
    }

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        if (a.has("threads")) Parallel.setThreads(a.positiveInt("threads", Parallel.threads()));
        Path modelFile = Path.of(a.required("model"));
        String dataDir = a.string("data", null);
        int batch = a.positiveInt("batch", 500), k = a.positiveInt("top-k", 5);
        boolean json = a.flag("json");
        a.finish();
        Model m = ModelFile.load(modelFile);
        int[] in = m.spec().input();
        TrainTest data = dataDir == null ? Datasets.fashionMnist(null) : Datasets.load(Path.of(dataDir), ImageSpec.of(in[0], in[1], in[2]));
        Dataset test = data.test();
        if (!java.util.Arrays.equals(test.itemShape(), in)) {
            throw new IllegalArgumentException(modelFile + " takes images of " + java.util.Arrays.toString(in) + " but "
                    + test.name() + " has " + java.util.Arrays.toString(test.itemShape()));
        }
        if (test.numClasses() > m.classes()) {
            throw new IllegalArgumentException(test.name() + " has " + test.numClasses() + " classes but the model outputs " + m.classes());
        }
        err.println("data: " + data.source());
        k = Math.min(k, m.classes());
        Evaluation e = Evaluation.of(m, test, batch, k);
        int[] total = new int[m.classes()], right = new int[m.classes()];
        int[] labels = test.labels();
        for (int i = 0; i < labels.length; i++) {
            total[labels[i]]++;
            if (e.predictions()[i] == labels[i]) right[labels[i]]++;
        }
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", modelFile.toString());
            r.put("images", e.size());
            r.put("loss", e.loss());
            r.put("accuracy", e.accuracy());
            r.put("top_k", k);
            r.put("top_k_accuracy", e.topK());
            Map<String, Object> per = new LinkedHashMap<>();
            for (int c = 0; c < total.length; c++) if (total[c] > 0) per.put(m.className(c), (double) right[c] / total[c]);
            r.put("per_class_accuracy", per);
            r.put("seconds", e.seconds());
            out.print(Json.pretty(r));
        } else {
            out.println(String.format(Locale.ROOT, "%s on %d images: loss %.4f  accuracy %.2f%%  top-%d %.2f%%  (%.1f s, %,.0f img/s)",
                    modelFile, e.size(), e.loss(), 100 * e.accuracy(), k, 100 * e.topK(), e.seconds(), e.size() / e.seconds()));
            for (int c = 0; c < total.length; c++) {
                if (total[c] > 0) out.println(String.format(Locale.ROOT, "  %-16s %6.2f%%  (%d/%d)", m.className(c), 100.0 * right[c] / total[c], right[c], total[c]));
            }
        }
        return OK;
    }
}
