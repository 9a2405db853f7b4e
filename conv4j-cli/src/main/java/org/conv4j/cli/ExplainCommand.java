package org.conv4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.conv4j.model.Model;
import org.conv4j.report.Explainer;
import org.conv4j.report.ImageInput;
import org.conv4j.tensor.Tensor;

/**
 * {@code conv4j explain --model FILE IMAGE [--out DIR] [--im2col]}: what a trained model sees in one
 * image. Writes the feature maps after every conv and pooling layer as PNG grids and explain.html, and
 * prints the prediction with probabilities.
 */
public final class ExplainCommand implements Main.FlagCommand {
    /** Reads a model file; the model-file format lives with the trainer. */
    @FunctionalInterface
    public interface ModelLoader {
        Model load(Path file) throws IOException;
    }

    private final ModelLoader loader;

    public ExplainCommand(ModelLoader loader) { this.loader = loader; }

    @Override public String name() { return "explain"; }

    @Override public String summary() { return "feature maps of every conv/pool layer for one image, and the prediction"; }

    @Override public Set<String> flags() { return Set.of("im2col"); }

    @Override
    public String help() {
        return """
                usage: conv4j explain --model FILE IMAGE [--out DIR] [--im2col] [--top K]

                Runs one image (PNG, JPEG, BMP or GIF; resized to the model's input, grey or RGB as the
                model expects, pixels scaled to [0, 1] and normalised as in training) through the model and
                writes into DIR (default: explain):
                  input.png                 the image as the model sees it
                  layerNN_<kind>.png        a grid of feature maps after every conv and pooling layer,
                                            each map scaled to its own min..max
                  im2col.png                (--im2col) im2col on a tiny 6x6 version of the image with the
                                            first conv layer's kernel: one receptive field and its column
                  explain.html              all of the above with the prediction; open it in a browser
                and prints the top K classes (default 5) with their probabilities.

                exit codes: 0 done, 2 bad usage or unreadable image/model, 3 I/O error""";
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        Path modelFile = Path.of(args.required("model"));
        Path dir = Path.of(args.string("out", "explain"));
        boolean im2col = args.flag("im2col");
        int top = args.positiveInt("top", 5);
        args.finish();
        List<String> images = args.positional();
        if (images.size() != 1) {
            throw new Args.UsageException("expects exactly one IMAGE, got " + images.size() + (images.isEmpty() ? "" : ": " + images));
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
