package org.conv4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.conv4j.model.Model;
import org.conv4j.report.Explainer;
import org.conv4j.report.ImageInput;
import org.conv4j.tensor.Tensor;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conv4j explain --model FILE IMAGE [--out DIR] [--im2col]}: what a trained model sees in one
 * image. Writes the feature maps after every conv and pooling layer as PNG grids and explain.html, and
 * prints the prediction with probabilities.
 */
@picocli.CommandLine.Command(name = "explain", sortOptions = false,
        description = {
            "feature maps of every conv/pool layer for one image, and the prediction",
            "",
            "Runs one image (PNG, JPEG, BMP or GIF; resized to the model's input, grey or RGB as the model expects, pixels "
                    + "scaled to [0, 1] and normalised as in training) through the model and writes into DIR:",
            "  input.png                 the image as the model sees it",
            "  layerNN_<kind>.png        a grid of feature maps after every conv and pooling layer, each map scaled to its "
                    + "own min..max",
            "  im2col.png                (--im2col) im2col on a tiny 6x6 version of the image with the first conv layer's "
                    + "kernel: one receptive field and its column",
            "  explain.html              all of the above with the prediction; open it in a browser",
            "and prints the top K classes with their probabilities."})
final class ExplainCommand extends Command {
    /** Reads a model file; the model-file format lives with the trainer. */
    @FunctionalInterface
    interface ModelLoader {
        Model load(Path file) throws IOException;
    }

    private final ModelLoader loader;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model file (.safetensors)")
    Path modelFile;
    @Option(names = "--out", paramLabel = "DIR", description = "where to write the pictures (default ${DEFAULT-VALUE})")
    Path dir = Path.of("explain");
    @Option(names = "--im2col", description = "also draw im2col on the first conv layer")
    boolean im2col;
    @Option(names = "--top", paramLabel = "K", description = "classes to print (default ${DEFAULT-VALUE})")
    int top = 5;
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "the image")
    List<String> images = new java.util.ArrayList<>();

    ExplainCommand(ModelLoader loader) { this.loader = loader; }

    @Override
    protected int run() throws Exception {
        positive("--top", top);
        if (images.size() != 1) {
            throw new UsageException("expects exactly one IMAGE, got " + images.size() + (images.isEmpty() ? "" : ": " + images));
        }
        Model model = loader.load(modelFile);
        int[] in = model.spec().input(); // [C, H, W]
        Tensor pixels = ImageInput.read(Path.of(images.get(0)), in[0], in[1], in[2]);
        Explainer.Result r = Explainer.explain(model, pixels, dir, im2col);
        out.println("prediction for " + images.get(0) + ":");
        for (int i = 0; i < Math.min(top, r.ranking().length); i++) {
            int k = r.ranking()[i];
            out.printf(Locale.ROOT, "  %-20s %6.2f%%%n", model.className(k), 100 * r.probabilities()[k]);
        }
        out.println("wrote " + r.files().size() + " files to " + dir + " (open " + dir.resolve(Explainer.HTML) + ")");
        return OK;
    }
}
