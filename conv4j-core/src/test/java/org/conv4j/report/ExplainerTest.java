package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainerTest {
    @TempDir Path dir;

    /** A small reference-CNN-shaped model: conv(1->4) pool conv(4->8) pool flatten linear(392->10). */
    static List<Layer> smallModel() {
        Rng rng = new Rng(42);
        return List.of(new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng), new MaxPool2d(2),
                new Conv2d(Conv2dConfig.of(4, 8, 3).withPadding(1), rng), new MaxPool2d(2), new Flatten(),
                new Linear(LinearConfig.of(8 * 7 * 7, 10), rng));
    }

    static Tensor image(long seed) {
        java.util.Random r = new java.util.Random(seed);
        Tensor x = new Tensor(1, 1, 28, 28);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat();
        return x;
    }

    @Test
    void writesAFeatureMapGridAfterEveryConvAndPoolLayerAndThePrediction() throws Exception {
        List<Layer> model = smallModel();
        Tensor x = image(1);
        Explainer.Result res = Explainer.explain(model, x, ReportFixtures.FASHION, dir, false);

        List<String> names = res.files().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("input.png", "layer00_conv2d.png", "layer01_maxpool2d.png", "layer02_conv2d.png",
                "layer03_maxpool2d.png", "explain.html"), names);
        // 4 maps of 28x28 at 2x, one row of 4; 8 maps of 7x7 at 8x, one row of 8
        BufferedImage conv1 = ImageIO.read(dir.resolve("layer00_conv2d.png").toFile());
        assertEquals(Math.max(360, 10 + 4 * 56 + 3 * 6 + 10), conv1.getWidth());
        assertEquals(30 + 10 + 56 + 10, conv1.getHeight());
        BufferedImage pool2 = ImageIO.read(dir.resolve("layer03_maxpool2d.png").toFile());
        assertEquals(10 + 8 * 56 + 7 * 6 + 10, pool2.getWidth());
        assertEquals(30 + 10 + 56 + 10, pool2.getHeight());

        // probabilities are the softmax of the model's own inference output
        Tensor y = x;
        for (Layer l : model) y = l.infer(y);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : y.data()) max = Math.max(max, v);
        for (float v : y.data()) sum += Math.exp(v - max);
        for (int k = 0; k < 10; k++) assertEquals(Math.exp(y.data()[k] - max) / sum, res.probabilities()[k], 1e-9);
        for (int i = 1; i < 10; i++) assertTrue(res.probabilities()[res.ranking()[i - 1]] >= res.probabilities()[res.ranking()[i]]);
        String html = Files.readString(dir.resolve("explain.html"));
        assertTrue(html.contains(ReportFixtures.FASHION.get(res.ranking()[0])), "top class named on the page");
    }

    @Test
    void featureMapsAreTheLayerOutputs() {
        List<Layer> model = smallModel();
        Tensor x = image(2);
        FeatureMaps.Trace t = FeatureMaps.trace(model, x);
        assertEquals(4, t.stages().size());
        Tensor afterConv = model.get(0).infer(x);
        assertArrayEquals(afterConv.data(), t.stages().get(0).output().data());
        assertArrayEquals(new int[] {1, 8, 7, 7}, t.stages().get(3).output().shape());
        assertThrows(IllegalArgumentException.class, () -> FeatureMaps.trace(model, new Tensor(2, 1, 28, 28)));
    }

    @Test
    void im2colPictureUsesTheFirstConvWindowOnATinyInput() throws Exception {
        Explainer.Result res = Explainer.explain(smallModel(), image(3), List.of(), dir, true);
        assertTrue(res.files().contains(dir.resolve(Explainer.IM2COL_PNG)));
        BufferedImage img = ImageIO.read(dir.resolve(Explainer.IM2COL_PNG).toFile());
        // 3x3 kernel, pad 1 on 6x6: 36 columns of 20 px after a 70 px label gutter
        assertTrue(img.getWidth() >= Im2colFigure.PAD + 70 + 36 * Im2colFigure.COL_CELL_W + Im2colFigure.PAD);
        WindowGeometry g = Explainer.tinyGeometry(Conv2dConfig.of(1, 4, 3).withPadding(1));
        assertEquals(6, g.outH());
        assertEquals(6, g.outW());
        // a 7x7 kernel is too big to draw: the default 3x3 is used
        assertEquals(3, Explainer.tinyGeometry(Conv2dConfig.of(1, 4, 7)).kH());
    }

    @Test
    void nestedSequentialsAreWalkedIntoAndResidualBlocksCaptured() throws Exception {
        Rng rng = new Rng(5);
        org.conv4j.model.Sequential stem = new org.conv4j.model.Sequential(
                new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng), new MaxPool2d(2));
        org.conv4j.model.Residual block = new org.conv4j.model.Residual(
                new org.conv4j.model.Sequential(new Conv2d(Conv2dConfig.of(4, 4, 3).withPadding(1), rng)), null);
        List<Layer> model = List.of(stem, block, new org.conv4j.pool.GlobalAvgPool2d(), new Flatten(),
                new Linear(LinearConfig.of(4, 3), rng));
        FeatureMaps.Trace t = FeatureMaps.trace(model, image(6));
        assertEquals(List.of("0.0", "0.1", "1", "2"), t.stages().stream().map(FeatureMaps.Stage::path).toList());
        assertTrue(FeatureMaps.firstConv(model) == stem.get(0));
        Explainer.Result r = Explainer.explain(model, image(6), List.of("a", "b", "c"), dir, true);
        assertTrue(Files.exists(dir.resolve("layer00-00_conv2d.png")));
        // global pooling gives 4 values: one strip of 4 squares of 14 px (12 * 4 / 1 = 48 -> at least 56 -> 56 / 4)
        BufferedImage gap = ImageIO.read(dir.resolve("layer02_globalavgpool2d.png").toFile());
        assertEquals(30 + 10 + 14 + 10, gap.getHeight());
        assertEquals(3, r.probabilities().length);
    }

    @Test
    void shrinkAveragesBlocks() {
        Tensor x = new Tensor(1, 1, 4, 4);
        for (int i = 0; i < 16; i++) x.data()[i] = i;
        float[] s = Explainer.shrink(x, 2);
        assertArrayEquals(new float[] {(0 + 1 + 4 + 5) / 4f, (2 + 3 + 6 + 7) / 4f, (8 + 9 + 12 + 13) / 4f, (10 + 11 + 14 + 15) / 4f}, s);
    }

    @Test
    void classNamesMustMatchTheModelOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Explainer.explain(smallModel(), image(4), List.of("a", "b"), dir, false));
        assertTrue(e.getMessage().contains("10 scores"), e.getMessage());
    }
}
