package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Sequential;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
    @TempDir Path dir;

    static final String TINY_SPEC = """
            {"format": "conv4j-network", "version": 1, "name": "tiny", "input": [1, 8, 8], "classes": 3,
             "class_names": ["row", "column", "diagonal"],
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "ReLU"},
               {"type": "MaxPool2d", "kernel_size": 2},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 64, "out_features": 3}
             ]}""";

    static Model smallModel() {
        Rng rng = new Rng(8);
        Sequential net = new Sequential(new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(LinearConfig.of(4 * 14 * 14, 3), rng));
        // the spec's layer list is only read when building a network from it; this model is built by hand
        NetworkSpec spec = new NetworkSpec("tiny", new int[] {1, 28, 28}, 3, List.of("cat", "dog", "owl"),
                new float[] {0.5f}, new float[] {0.25f}, null, List.of());
        return new Model(spec, net);
    }

    @Test
    void printsThePredictionAndWritesTheFeatureMaps() throws Exception {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillOval(8, 8, 24, 24);
        g.dispose();
        Path image = dir.resolve("owl.png");
        ImageIO.write(img, "png", image.toFile());
        Model model = smallModel();
        Path out = dir.resolve("ex");
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        ExplainCommand cmd = new ExplainCommand(f -> {
            assertEquals(dir.resolve("m.safetensors"), f);
            return model;
        });
        int code = Main.run(List.of(cmd), new String[] {"explain", "--model", dir.resolve("m.safetensors").toString(), "--out",
                out.toString(), "--im2col", "--top", "3", image.toString()}, new PrintStream(o), new PrintStream(e));
        assertEquals(Command.OK, code, e.toString(StandardCharsets.UTF_8));
        String text = o.toString(StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("prediction for"), text);
        double sum = 0;
        for (int i = 1; i <= 3; i++) {
            String[] parts = lines[i].trim().split("\\s+");
            assertTrue(List.of("cat", "dog", "owl").contains(parts[0]), lines[i]);
            sum += Double.parseDouble(parts[1].replace("%", ""));
        }
        assertEquals(100, sum, 0.02, "the three probabilities add up to 100%");
        for (String f : List.of("input.png", "layer00_conv2d.png", "layer02_maxpool2d.png", "im2col.png", "explain.html")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
    }

    @Test
    void explainsASavedModelFileThroughTheCli() throws Exception {
        Model model = NetworkSpec.parse(TINY_SPEC, "tiny.json").build(1);
        Path file = dir.resolve("tiny.safetensors");
        org.conv4j.model.ModelFile.save(model, file, false);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xffffff);
        Path image = dir.resolve("dot.bmp");
        ImageIO.write(img, "bmp", image.toFile());
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"explain", "--model", file.toString(), "--out", dir.resolve("x").toString(), image.toString()},
                new PrintStream(o), new PrintStream(e));
        assertEquals(Command.OK, code, e.toString(StandardCharsets.UTF_8));
        // the model reloaded from disk predicts what the in-memory model predicts
        org.conv4j.tensor.Tensor x = org.conv4j.report.ImageInput.read(image, 1, 8, 8);
        double[] p = org.conv4j.report.FeatureMaps.softmax(model.logits(x));
        int best = 0;
        for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
        String first = o.toString(StandardCharsets.UTF_8).split("\n")[1].trim();
        assertTrue(first.startsWith(model.className(best) + " "), first);
        assertTrue(Files.exists(dir.resolve("x").resolve("layer00_conv2d.png")));
        // a missing model file is an I/O error naming it
        int missing = Main.run(new String[] {"explain", "--model", dir.resolve("nope.safetensors").toString(), image.toString()},
                new PrintStream(o), new PrintStream(e));
        assertEquals(Command.IO_ERROR, missing);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("model file not found: " + dir.resolve("nope.safetensors")
                + " (expected a .safetensors model"), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void needsExactlyOneImage() {
        ExplainCommand cmd = new ExplainCommand(f -> smallModel());
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(List.of(cmd), new String[] {"explain", "--model", "m", "a.png", "b.png"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(e));
        assertEquals(Command.USAGE, code);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("exactly one IMAGE"), e.toString(StandardCharsets.UTF_8));
    }
}
