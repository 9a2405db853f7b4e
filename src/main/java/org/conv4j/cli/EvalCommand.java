package org.conv4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.conv4j.data.Dataset;
import org.conv4j.data.Datasets;
import org.conv4j.data.ImageSpec;
import org.conv4j.data.TrainTest;
import org.conv4j.io.Json;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.train.Evaluation;
import picocli.CommandLine.Option;

/** {@code conv4j eval}: a saved model's loss and accuracy on a test set. */
@picocli.CommandLine.Command(name = "eval", sortOptions = false,
        description = {
            "evaluate a saved model on a test set",
            "",
            "Prints the model's mean cross-entropy loss, accuracy, top-k accuracy and per-class accuracy on the test set of "
                    + "DIR (IDX files, CIFAR batches or image folders DIR/test/CLASS/*). Without --data: Fashion-MNIST (the full "
                    + "set if installed, else the shipped subset)."})
final class EvalCommand extends Command {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model file (.safetensors) written by train or import")
    Path modelFile;
    @Option(names = "--data", paramLabel = "DIR", description = "the test set (default: Fashion-MNIST)")
    String data;
    @Option(names = "--batch", paramLabel = "B", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch = 500;
    @Option(names = "--top-k", paramLabel = "K", description = "k of the top-k accuracy (default ${DEFAULT-VALUE})")
    int k = 5;
    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;
    @Option(names = "--threads", paramLabel = "T", description = "compute threads (default: all processors)")
    Integer threads;

    @Override
    protected int run() throws Exception {
        if (threads != null) Parallel.setThreads(positive("--threads", threads));
        positive("--batch", batch);
        positive("--top-k", k);
        Model m = loadModel(modelFile);
        int[] in = m.spec().input();
        TrainTest set = data == null ? Datasets.fashionMnist(null) : Datasets.load(Path.of(data), ImageSpec.of(in[0], in[1], in[2]));
        Dataset test = set.test();
        if (!java.util.Arrays.equals(test.itemShape(), in)) {
            throw new BadInputException(modelFile + " takes images of " + java.util.Arrays.toString(in) + " but "
                    + test.name() + " has " + java.util.Arrays.toString(test.itemShape()));
        }
        if (test.numClasses() > m.classes()) {
            throw new BadInputException(test.name() + " has " + test.numClasses() + " classes but the model outputs " + m.classes());
        }
        err.println("data: " + set.source());
        int top = Math.min(k, m.classes());
        Evaluation e = Evaluation.of(m, test, batch, top);
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
            r.put("top_k", top);
            r.put("top_k_accuracy", e.topK());
            Map<String, Object> per = new LinkedHashMap<>();
            for (int c = 0; c < total.length; c++) if (total[c] > 0) per.put(m.className(c), (double) right[c] / total[c]);
            r.put("per_class_accuracy", per);
            r.put("seconds", e.seconds());
            out.print(Json.pretty(r));
        } else {
            out.println(String.format(Locale.ROOT, "%s on %d images: loss %.4f  accuracy %.2f%%  top-%d %.2f%%  (%.1f s, %,.0f img/s)",
                    modelFile, e.size(), e.loss(), 100 * e.accuracy(), top, 100 * e.topK(), e.seconds(), e.size() / e.seconds()));
            for (int c = 0; c < total.length; c++) {
                if (total[c] > 0) out.println(String.format(Locale.ROOT, "  %-16s %6.2f%%  (%d/%d)", m.className(c), 100.0 * right[c] / total[c], right[c], total[c]));
            }
        }
        return OK;
    }
}
