package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.conv4j.data.Augmentation;
import org.conv4j.data.Datasets;
import org.conv4j.io.ImageSpec;
import org.conv4j.data.TrainTest;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.FrozenPart;
import org.conv4j.model.Graph;
import org.conv4j.model.Head;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Normalization;
import org.conv4j.model.Sequential;
import org.conv4j.model.Zoo;
import org.conv4j.optim.Optimizer;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a graph model saved as a model file (as {@code conv4j import} writes one): a new head for an image
 * folder's classes, a frozen stem and branches (with BatchNorm), separate rates for backbone and head, ImageNet-style
 * augmentation; accuracy rises, the frozen part does not move, and resume is exact.
 */
public class FineTuneTest {
    @TempDir Path dir;

    /**
     * A torchvision-like little net on 16x16 RGB: conv-BN-ReLU stem, an Inception-style fork into a 1x1 and a 3x3
     * branch (each conv-BN-ReLU) joined by Concat, a conv-BN-ReLU after the join, global pooling and a 10-class fc.
     */
    public static final String GRAPH_SPEC = """
            {"name": "branchy", "input": [3, 16, 16], "classes": 10,
             "graph": {"nodes": [
               {"name": "stem.conv", "type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1, "bias": false},
               {"name": "stem.bn", "type": "BatchNorm2d", "num_features": 8},
               {"name": "stem.relu", "type": "ReLU"},
               {"name": "b1.conv", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 1, "bias": false},
               {"name": "b1.bn", "type": "BatchNorm2d", "num_features": 8},
               {"name": "b1.relu", "type": "ReLU"},
               {"name": "b2.conv", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 3, "padding": 1,
                "bias": false, "inputs": ["stem.relu"]},
               {"name": "b2.bn", "type": "BatchNorm2d", "num_features": 8},
               {"name": "b2.relu", "type": "ReLU"},
               {"name": "cat", "type": "Concat", "inputs": ["b1.relu", "b2.relu"], "dim": 1},
               {"name": "mix.conv", "type": "Conv2d", "in_channels": 16, "out_channels": 16, "kernel_size": 3, "padding": 1, "bias": false},
               {"name": "mix.bn", "type": "BatchNorm2d", "num_features": 16},
               {"name": "mix.relu", "type": "ReLU"},
               {"name": "pool", "type": "GlobalAvgPool2d"},
               {"name": "flatten", "type": "Flatten"},
               {"name": "fc", "type": "Linear", "in_features": 16, "out_features": 10}]}}""";

    static final List<String> CLASSES = List.of("disk", "square", "bar");

    /** dir/train/CLASS/*.png and dir/test/CLASS/*.png, 16x16: a reddish disk, a greenish square or a bluish bar on grey noise. */
    public static void writeShapes(Path root, int trainPer, int testPer, long seed) throws Exception {
        writeShapes(root, 16, trainPer, testPer, seed);
    }

    /** As {@link #writeShapes(Path, int, int, long)} with {@code size}x{@code size} images; the shapes scale with the size. */
    public static void writeShapes(Path root, int size, int trainPer, int testPer, long seed) throws Exception {
        Random r = new Random(seed);
        int k = size / 16;
        for (String split : List.of("train", "test")) {
            int per = split.equals("train") ? trainPer : testPer;
            for (int c = 0; c < CLASSES.size(); c++) {
                Path d = Files.createDirectories(root.resolve(split).resolve(CLASSES.get(c)));
                for (int i = 0; i < per; i++) {
                    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < size; y++)
                        for (int x = 0; x < size; x++) {
                            int g = 90 + r.nextInt(60);
                            img.setRGB(x, y, new Color(g, g, g).getRGB());
                        }
                    Graphics2D gr = img.createGraphics();
                    int v = 170 + r.nextInt(80), lo = r.nextInt(70);
                    int s = k * (6 + r.nextInt(5)), x0 = r.nextInt(size - s), y0 = r.nextInt(size - s);
                    switch (c) {
                        case 0 -> { gr.setColor(new Color(v, lo, lo)); gr.fillOval(x0, y0, s, s); }
                        case 1 -> { gr.setColor(new Color(lo, v, lo)); gr.fillRect(x0, y0, s, s); }
                        default -> { gr.setColor(new Color(lo, lo, v)); gr.fillRect(x0, 0, 3 * k, size); }
                    }
                    gr.dispose();
                    ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        }
    }

    /** The "imported" model: built from seed 1, with running statistics moved off their initial values, saved and reloaded. */
    Path pretrained() throws Exception {
        Path f = dir.resolve("branchy.safetensors");
        if (Files.exists(f)) return f;
        Model m = NetworkSpec.parse(GRAPH_SPEC, "branchy").build(1);
        m = new Model(m.spec().withNormalize(Normalization.IMAGENET.mean(), Normalization.IMAGENET.std()), m.network());
        Rng rng = new Rng(5);
        org.conv4j.tensor.Tensor x = new org.conv4j.tensor.Tensor(4, 3, 16, 16);
        for (int i = 0; i < x.size(); i++) x.data()[i] = rng.nextFloat();
        m.network().setTraining(true);
        m.network().forward(x);
        m.network().setTraining(false);
        ModelFile.save(m, f, true);
        return f;
    }

    TrainTest data() throws Exception {
        Path d = dir.resolve("shapes");
        if (!Files.isDirectory(d)) writeShapes(d, 40, 20, 7);
        return Datasets.load(d, ImageSpec.of(3, 16, 16));
    }

    static TrainConfig config(int epochs) {
        return TrainConfig.defaults().withEpochs(epochs).withBatchSize(16).withOptimizer("adam", 0.02, 0).withSeed(3)
                .withAugmentation(true, 0).withResizedCrop(true).withFineTuning("cat", 0.005);
    }

    /** The model file with a new 3-class head drawn from the run's generator, which then goes on to shuffle. */
    Trainer trainer(TrainConfig cfg, List<String> names) throws Exception {
        Rng generator = Rng.torch(cfg.seed());
        Model m = Head.replace(ModelFile.load(pretrained()), 3, names, generator);
        return new Trainer(m, cfg, generator);
    }

    static Map<String, float[]> snapshot(Model m) {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (NamedParam p : NamedParam.of(m.network())) s.put(p.name(), p.param().value().data().clone());
        return s;
    }

    @Test
    void fineTunesAGraphModelLeavingTheFrozenPartBitwiseAlone() throws Exception {
        TrainTest set = data();
        Trainer t = trainer(config(6), set.train().classNames());
        Model m = t.model();
        assertEquals(3, m.classes());
        assertEquals(set.train().classNames(), m.spec().classNames());
        assertEquals(3, ((Linear) Head.child(m.network(), "fc")).config().outFeatures());
        assertEquals(List.of("stem.conv", "stem.bn", "stem.relu", "b1.conv", "b1.bn", "b1.relu", "b2.conv", "b2.bn", "b2.relu"),
                t.frozen().children(), "cat's ancestors, not the nodes after it");
        Optimizer opt = t.optimizer();
        assertEquals(List.of("backbone", "head"), opt.groups().stream().map(g -> g.name()).toList());
        assertTrue(opt.params().stream().noneMatch(p -> p.name().startsWith("stem") || p.name().startsWith("b1") || p.name().startsWith("b2")));

        double before = Evaluation.of(m, set.test(), 100, 1).accuracy();
        Map<String, float[]> start = snapshot(m);
        TrainResult r = t.fit(set.train(), set.test());
        double after = r.last().testAcc();
        assertTrue(after >= 0.85 && after > before + 0.3, "test accuracy " + before + " -> " + after);

        Map<String, float[]> end = snapshot(m);
        for (Map.Entry<String, float[]> e : start.entrySet()) {
            String n = e.getKey();
            boolean frozen = n.startsWith("stem.") || n.startsWith("b1.") || n.startsWith("b2.");
            boolean same = Arrays.equals(e.getValue(), end.get(n));
            if (n.endsWith("num_batches_tracked")) continue;
            if (frozen) assertTrue(same, n + " is frozen but moved");
            else assertFalse(same, n + " trains but did not move");
        }
        assertEquals(0.005, opt.lr("backbone"), 0);
        assertEquals(0.02, opt.lr("head"), 0);
    }

    @Test
    void resumeWithParameterGroupsIsExact() throws Exception {
        TrainTest set = data();
        Trainer whole = trainer(config(2).withSchedule("cosine"), set.train().classNames());
        whole.setRunDir(dir.resolve("whole")).fit(set.train(), set.test());

        Trainer first = trainer(config(2).withSchedule("cosine"), set.train().classNames());
        first.setRunDir(dir.resolve("split")).requestStop();   // stops after the first step
        assertTrue(first.fit(set.train(), set.test()).interrupted());
        Checkpoint c = Checkpoint.load(dir.resolve("split/checkpoint.safetensors"));
        assertEquals(Map.of("backbone", first.optimizer().lr("backbone"), "head", first.optimizer().lr("head")), c.optimizer().groupLrs());
        assertEquals("cat", c.config().freezeUntil());
        assertTrue(c.config().resizedCrop());
        Trainer rest = Trainer.resume(c, 0);
        rest.setRunDir(dir.resolve("split")).fit(set.train(), set.test());

        Map<String, float[]> a = snapshot(whole.model()), b = snapshot(rest.model());
        assertEquals(a.keySet(), b.keySet());
        for (String n : a.keySet()) assertArrayEquals(a.get(n), b.get(n), n);
        assertEquals(whole.optimizer().lr("backbone"), rest.optimizer().lr("backbone"), 0);
        assertEquals(whole.optimizer().state().slots().keySet(), rest.optimizer().state().slots().keySet());
        for (String k : whole.optimizer().state().slots().keySet()) {
            assertArrayEquals(whole.optimizer().state().slots().get(k), rest.optimizer().state().slots().get(k), k);
        }
    }

    @Test
    void sequentialHeadIsTorchsNewLinearAndFreezeCountsIndices() {
        Model ref = Zoo.spec("reference").build(0);
        Model m = Head.replace(ref, 4, List.of("a", "b", "c", "d"), Rng.torch(9));
        Sequential s = m.sequential();
        int last = s.size() - 1;
        assertEquals(Integer.toString(last), Head.name(s));
        Linear fc = (Linear) s.get(last);
        Linear fresh = new Linear(LinearConfig.of(fc.config().inFeatures(), 4), Rng.torch(9));
        assertArrayEquals(fresh.weight().value().data(), fc.weight().value().data());
        assertArrayEquals(fresh.bias().value().data(), fc.bias().value().data());
        assertEquals(4, m.spec().classes());
        assertEquals(4, ((Number) m.spec().layers().get(last).get("out_features")).intValue());
        assertEquals(List.of("a", "b", "c", "d"), m.spec().classNames());
        assertSame(ref.sequential().get(0), s.get(0), "the backbone is shared, weights and all");

        FrozenPart f = FrozenPart.of(s, "2");
        assertEquals(List.of("0", "1", "2"), f.children());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrozenPart.of(s, "conv9"));
        assertTrue(e.getMessage().contains("conv9"), e.getMessage());
        TrainConfig all = TrainConfig.defaults().withFineTuning(Integer.toString(last), Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(m, all));
        assertTrue(e.getMessage().contains("head"), e.getMessage());
    }

    @Test
    void graphFreezeByModulePrefixTakesAncestorsOnly() throws Exception {
        Graph g = (Graph) NetworkSpec.parse(GRAPH_SPEC, "branchy").build(1).network();
        assertEquals(List.of("stem.conv", "stem.bn", "stem.relu", "b2.conv", "b2.bn"), FrozenPart.of(g, "b2.bn").children());
        assertEquals(List.of("stem.conv", "stem.bn", "stem.relu", "b1.conv", "b1.bn", "b1.relu"), FrozenPart.of(g, "b1").children());
    }

    @Test
    void resizedCropMatchesTorchvisionGeometry() {
        // A full-image box is the image itself; a 2x2 box enlarged to 4x4 is F.interpolate(bilinear, align_corners=False).
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) img[i] = i * 0.5f;
        float[] out = new float[16];
        org.conv4j.data.AugmentationAccess.resizeCrop(img, out, 1, 4, 4, new Augmentation.Box(0, 0, 4, 4));
        assertArrayEquals(img, out);
        float[] two = {0, 1, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        org.conv4j.data.AugmentationAccess.resizeCrop(two, out, 1, 4, 4, new Augmentation.Box(0, 0, 2, 2));
        // torch.nn.functional.interpolate(torch.tensor([[[[0.,1],[2,3]]]]), size=(4,4), mode="bilinear")
        float[] torch = {0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f, 2.25f, 2.75f, 3f};
        assertArrayEquals(torch, out, 1e-6f);
        Rng rng = new Rng(1);
        for (int i = 0; i < 2000; i++) {
            Augmentation.Box b = Augmentation.cropBox(24, 40, rng);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= 24 && b.left() + b.width() <= 40, b.toString());
            double area = (double) b.height() * b.width() / (24 * 40), ratio = (double) b.width() / b.height();
            boolean fallback = b.height() == 24 && b.width() == 32;   // the centre crop clamped to ratio 4/3
            assertTrue(fallback || (area >= 0.07 && area <= 1.01 && ratio > 0.65 && ratio < 1.5), b + " area " + area + " ratio " + ratio);
        }
    }
}
