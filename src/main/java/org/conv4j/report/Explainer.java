package org.conv4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.io.AtomicFile;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;

/**
 * {@code conv4j explain} without the command line: runs one image through a model and writes, into a
 * folder, the input, a grid of feature maps after every conv and pooling layer, optionally the im2col
 * picture, and explain.html tying them together with the prediction.
 */
public final class Explainer {
    /** Side of the tiny example image used for the im2col picture. */
    public static final int IM2COL_SIDE = 6;
    public static final String INPUT_PNG = "input.png", IM2COL_PNG = "im2col.png", HTML = "explain.html";

    /**
     * @param probabilities softmax of the model's output, index = class
     * @param ranking       class indices, most probable first
     * @param files         the files written, in the order explain.html shows them
     */
    public record Result(double[] probabilities, int[] ranking, List<Path> files) {}

    private Explainer() {}

    /**
     * @param layers     the model's layers in order; the last one outputs K scores
     * @param image      [1, C, H, W], preprocessed as in training
     * @param classNames K names, or empty to show indices
     * @param out        folder to write into (created)
     * @param im2col     also draw im2col on a tiny version of the image
     */
    public static Result explain(List<? extends Layer> layers, Tensor image, List<String> classNames, Path out, boolean im2col)
            throws IOException {
        return explain(FeatureMaps.trace(layers, image), FeatureMaps.firstConv(layers), image, classNames, out, im2col);
    }

    /** As {@link #explain(List, Tensor, List, Path, boolean)} for a whole network, a Sequential or a graph. */
    public static Result explain(org.conv4j.layers.Container network, Tensor image, List<String> classNames, Path out, boolean im2col)
            throws IOException {
        return explain(FeatureMaps.trace(network, image), FeatureMaps.firstConv(List.of(network)), image, classNames, out, im2col);
    }

    private static Result explain(FeatureMaps.Trace trace, Conv2d first, Tensor image, List<String> classNames, Path out,
                                  boolean im2col) throws IOException {
        double[] p = FeatureMaps.softmax(trace.output());
        if (!classNames.isEmpty() && classNames.size() != p.length) {
            throw new IllegalArgumentException("explain: the model outputs " + p.length + " scores but " + classNames.size() + " class names are known");
        }
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        int[] ranking = Arrays.stream(order).mapToInt(Integer::intValue).toArray();

        Files.createDirectories(out);
        List<Path> files = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int[] s = image.shape();
        files.add(write(out, INPUT_PNG, ImageGrid.render("input " + s[1] + "x" + s[2] + "x" + s[3], image, 112)));
        captions.add("The input as the model sees it (scaled to its min..max).");
        for (FeatureMaps.Stage st : trace.stages()) {
            int[] o = st.output().shape(); // [1, C, H, W]
            // 1x1 maps (global pooling) are drawn as one strip scaled together: per-map scaling would make them all grey
            boolean scalars = o[2] * o[3] == 1;
            Tensor maps = scalars ? st.output().reshape(1, 1, 1, o[1]) : st.output().reshape(o[1], 1, o[2], o[3]);
            String file = "layer" + pathForFile(st.path()) + "_" + kind(st.layer()) + ".png";
            files.add(write(out, file, ImageGrid.render("layer " + st.path() + ": " + st.layer(), maps, scalars ? Math.max(56, 12 * o[1]) : 56)));
            captions.add("After layer " + st.path() + " (" + st.layer() + "): " + o[1] + (scalars
                    ? " values, one per channel, scaled together (min black, max white)."
                    : " feature maps of " + o[2] + "x" + o[3] + ", each scaled to its own min..max."));
        }
        if (im2col) {
            float[] tiny = shrink(image, IM2COL_SIDE);
            WindowGeometry g = tinyGeometry(first == null ? null : first.config());
            int r = Math.min(1, g.outH() - 1), c = Math.min(2, g.outW() - 1);
            files.add(write(out, IM2COL_PNG, Im2colFigure.render(tiny, g, r, c)));
            captions.add("im2col on a " + IM2COL_SIDE + "x" + IM2COL_SIDE + " version of the input's first channel, with "
                    + (first == null ? "a 3x3 kernel (the model has no conv layer)" : "the first conv layer's kernel, stride and padding") + ".");
        }
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>conv4j explain</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222} img{border:1px solid #ddd;max-width:100%}"
                + " table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:3px 8px;text-align:right} td.name{text-align:left}"
                + " .top{font-size:22px;font-weight:700;color:#1f77b4} h2{font-size:15px;font-weight:600;margin:22px 0 6px}</style></head><body>\n<h1>What the model sees</h1>\n");
        b.append("<p>Prediction: <span class=\"top\" id=\"prediction\">").append(RunReport.esc(name(classNames, ranking[0])))
                .append(' ').append(RunReport.pct(p[ranking[0]])).append("</span></p>\n<table><tr><th>class</th><th>probability</th></tr>\n");
        for (int i = 0; i < Math.min(5, ranking.length); i++) {
            b.append("<tr><td class=\"name\">").append(RunReport.esc(name(classNames, ranking[i]))).append("</td><td>")
                    .append(RunReport.pct(p[ranking[i]])).append("</td></tr>\n");
        }
        b.append("</table>\n");
        for (int i = 0; i < files.size(); i++) {
            b.append("<h2>").append(RunReport.esc(captions.get(i))).append("</h2>\n<img src=\"")
                    .append(RunReport.esc(files.get(i).getFileName().toString())).append("\" alt=\"\">\n");
        }
        b.append("</body></html>\n");
        Path html = out.resolve(HTML);
        AtomicFile.writeString(html, b.toString());
        files.add(html);
        return new Result(p, ranking, files);
    }

    /**
     * Explains one image for a complete model: applies the model's normalisation and uses its class names.
     *
     * @param pixels [1, C, H, W] with values in [0, 1], the model's input size
     */
    public static Result explain(org.conv4j.model.Model model, Tensor pixels, Path out, boolean im2col) throws IOException {
        Tensor x = model.preprocess(pixels);
        List<String> names = model.spec().classNames() == null ? List.of() : model.spec().classNames();
        return explain(model.network(), x, names, out, im2col);
    }

    public static String name(List<String> classNames, int k) {
        return k < classNames.size() ? classNames.get(k) : "class " + k;
    }

    private static Path write(Path dir, String file, java.awt.image.BufferedImage img) throws IOException {
        Path p = dir.resolve(file);
        Png.write(p, img);
        return p;
    }

    /** "3" -> "03", "2.1" -> "02-01": file names that sort in layer order; a graph node's other characters become '_'. */
    private static String pathForFile(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.replaceAll("[^A-Za-z0-9_.-]", "_").split("\\.")) {
            if (b.length() > 0) b.append('-');
            b.append(part.length() < 2 ? "0" + part : part);
        }
        return b.toString();
    }

    /** "Conv2d(1->32, ...)" -> "conv2d": a file-name-safe word for the layer kind. */
    private static String kind(String describe) {
        int paren = describe.indexOf('(');
        String k = (paren > 0 ? describe.substring(0, paren) : describe).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
        return k.isEmpty() ? "layer" : k;
    }

    /** The first channel of [1, C, H, W] shrunk to side x side by averaging the pixels of each block. */
    static float[] shrink(Tensor image, int side) {
        int h = image.dim(2), w = image.dim(3);
        float[] d = image.data(), out = new float[side * side];
        for (int ty = 0; ty < side; ty++) {
            int y0 = ty * h / side, y1 = Math.max(y0 + 1, (ty + 1) * h / side);
            for (int tx = 0; tx < side; tx++) {
                int x0 = tx * w / side, x1 = Math.max(x0 + 1, (tx + 1) * w / side);
                double sum = 0;
                for (int y = y0; y < Math.min(y1, h); y++) for (int x = x0; x < Math.min(x1, w); x++) sum += d[y * w + x];
                out[ty * side + tx] = (float) (sum / ((Math.min(y1, h) - y0) * (Math.min(x1, w) - x0)));
            }
        }
        return out;
    }

    /** The first conv's window on the tiny input when it fits and is small enough to draw, else 3x3 stride 1 pad 1. */
    static WindowGeometry tinyGeometry(Conv2dConfig c) {
        if (c != null && c.kernelH() <= 5 && c.kernelW() <= 5) {
            try {
                return c.geometry(IM2COL_SIDE, IM2COL_SIDE);
            } catch (IllegalArgumentException tooBig) {
                // a dilated kernel larger than the tiny input: fall through to the default
            }
        }
        return WindowGeometry.of(IM2COL_SIDE, IM2COL_SIDE, 3, 3, 1, 1);
    }
}
