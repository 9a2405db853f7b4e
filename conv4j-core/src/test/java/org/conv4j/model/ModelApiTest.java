package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.io.FormatException;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.NamedParam;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model.of, load, save with options, and classify from a file, a stream, a BufferedImage and a tensor. */
class ModelApiTest {
    @TempDir Path dir;

    static final List<String> NAMES = List.of("circle", "square", "line");

    /** A small CNN for [1, 12, 12] grey images and three classes. */
    static Sequential cnn(long seed) {
        Rng rng = Rng.torch(seed);
        return new Sequential(
                new Conv2d(Conv2dConfig.of(1, 4, 3).withPadding(1), rng),   // [4, 12, 12]
                new ReLU(),
                new MaxPool2d(2),                                           // [4, 6, 6]
                new Flatten(),                                              // [144]
                new Linear(LinearConfig.of(144, 3), rng));                  // [3]
    }

    /** A colour picture at its own size (40 x 30), so classify has to convert and resize it. */
    static BufferedImage picture() {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 60, 200));
        g.fillRect(0, 0, 40, 30);
        g.setColor(new Color(250, 220, 10));
        g.fillOval(8, 4, 22, 20);
        g.dispose();
        return img;
    }

    @Test
    void ofDescribesAHandBuiltNetworkAndTheSavedFileRebuildsIt() throws Exception {
        Sequential net = cnn(3);
        Model m = Model.of(net, new int[] {1, 12, 12}, NAMES);
        assertSame(net, m.network(), "the network is used as it is");
        assertEquals(3, m.classes());
        assertEquals(NAMES, m.spec().classNames());
        assertTrue(m.spec().describesLayers());
        assertEquals(List.of("Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"),
                m.spec().layers().stream().map(l -> (String) l.get("type")).toList());

        Path f = dir.resolve("cnn.safetensors");
        m.save(f);
        Model back = Model.load(f);
        assertEquals(m.spec(), back.spec());
        Tensor x = ModelFileTest.randomImages(4, m.spec().input(), 9);
        assertArrayEquals(m.logits(x).data(), back.logits(x).data(), "the same weights, bitwise");
    }

    /** A classifier head that is a container but not a Sequential: flatten, then one linear layer. */
    static final class Head implements org.conv4j.layers.Container {
        final Flatten flat = new Flatten();
        final Linear fc;

        Head(int in, int out) { fc = new Linear(LinearConfig.of(in, out), Rng.torch(0)); }

        @Override public List<Child> children() { return List.of(new Child("flat", flat), new Child("fc", fc)); }
        @Override public Tensor forward(Tensor x) { return fc.forward(flat.forward(x)); }
        @Override public Tensor backward(Tensor dOut) { return flat.backward(fc.backward(dOut)); }
        @Override public Tensor infer(Tensor x) { return fc.infer(flat.infer(x)); }
        @Override public int[] outputShape(int[] in) { return fc.outputShape(flat.outputShape(in)); }
        @Override public List<org.conv4j.layers.Param> params() { return fc.params(); }
        @Override public String describe() { return "Head"; }
    }

    @Test
    void ofWrapsALayerThatIsNotASequential() {
        Head head = new Head(12, 2);
        Model m = Model.of(head, new int[] {1, 3, 4}, 2);
        assertEquals(1, m.sequential().size());
        assertSame(head, m.sequential().get(0));
        assertEquals(List.of("0.fc.weight", "0.fc.bias"), NamedParam.of(m.network()).stream().map(NamedParam::name).toList());
        assertEquals("1", m.className(1), "classes without names are named by their index");
        assertNull(m.spec().classNames());
    }

    @Test
    void ofRefusesANetworkWhoseOutputIsNotTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.of(cnn(0), new int[] {1, 12, 12}, List.of("a", "b")));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("2 classes need [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.of(cnn(0), new int[] {12, 12}, NAMES));
        assertTrue(e.getMessage().contains("[C, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Model.of(cnn(0), new int[] {3, 12, 12}, NAMES));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Model.of(cnn(0), new int[] {1, 12, 12}, List.of()));
    }

    /** A layer no registered type describes: doubles its input. */
    static final class Doubler implements Layer {
        @Override public Tensor forward(Tensor x) { return infer(x); }

        @Override public Tensor backward(Tensor dOut) {
            Tensor d = dOut.copy();
            for (int i = 0; i < d.size(); i++) d.data()[i] *= 2;
            return d;
        }

        @Override public Tensor infer(Tensor x) {
            Tensor y = x.copy();
            for (int i = 0; i < y.size(); i++) y.data()[i] *= 2;
            return y;
        }

        @Override public int[] outputShape(int[] in) { return in; }

        @Override public String describe() { return "Doubler"; }
    }

    @Test
    void aNetworkTheSpecCannotDescribePredictsButRefusesToBeSavedNamingTheLayer() throws Exception {
        Rng rng = Rng.torch(1);
        Sequential net = new Sequential(new Flatten(), new Doubler(), new Linear(LinearConfig.of(12, 2), rng));
        Model m = Model.of(net, new int[] {1, 3, 4}, List.of("no", "yes"));
        assertFalse(m.spec().describesLayers());
        Tensor x = ModelFileTest.randomImages(2, m.spec().input(), 4);
        assertEquals(2, m.predict(x).dim(1));
        Path f = dir.resolve("custom.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.save(f));
        assertTrue(e.getMessage().contains("Doubler") && e.getMessage().contains("LayerRegistry.register"), e.getMessage());
        assertFalse(Files.exists(f), "nothing is written");
        e = assertThrows(IllegalArgumentException.class, () -> m.spec().build(0));
        assertTrue(e.getMessage().contains("describes no layers"), e.getMessage());
    }

    @Test
    void saveRefusesAnExistingFileUnlessToldToReplaceIt() throws Exception {
        Path f = dir.resolve("m.safetensors");
        Model a = Model.of(cnn(1), new int[] {1, 12, 12}, NAMES), b = Model.of(cnn(2), new int[] {1, 12, 12}, NAMES);
        ModelFile.save(a, f);
        byte[] first = Files.readAllBytes(f);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> ModelFile.save(b, f));
        assertTrue(e.getMessage().contains("REPLACE_EXISTING"), e.getMessage());
        assertArrayEquals(first, Files.readAllBytes(f), "the refused save left the file alone");
        ModelFile.save(b, f, SaveOption.REPLACE_EXISTING);
        assertFalse(Arrays.equals(first, Files.readAllBytes(f)), "replaced by the other model");
        Tensor x = ModelFileTest.randomImages(2, b.spec().input(), 5);
        assertArrayEquals(b.logits(x).data(), Model.load(f).logits(x).data());
    }

    @Test
    @SuppressWarnings("deprecation")
    void theBooleanSaveStillWorks() throws Exception {
        Path f = dir.resolve("old.safetensors");
        Model m = Model.of(cnn(1), new int[] {1, 12, 12}, NAMES);
        ModelFile.save(m, f, false);
        assertThrows(FileAlreadyExistsException.class, () -> ModelFile.save(m, f, false));
        ModelFile.save(m, f, true);
    }

    @Test
    void classifyOfAReloadedModelIsPredictOnTheSameTensor() throws Exception {
        Path f = dir.resolve("cnn.safetensors");
        Model.of(cnn(5), new int[] {1, 12, 12}, NAMES).save(f);
        Model m = Model.load(f);
        BufferedImage img = picture();

        // What classify must compute: the loaders' decoding, grey conversion and resize, then predict.
        float[] pixels = ImageFiles.toSpec(ImageFiles.decode(img, "picture"), ImageSpec.of(1, 12, 12));
        float[] probs = m.predict(Tensor.wrap(pixels, 1, 1, 12, 12)).data();

        List<Prediction> top = m.classify(img, 3);
        assertEquals(3, top.size());
        for (Prediction p : top) {
            assertEquals(probs[p.classIndex()], p.probability(), "bitwise predict's probability");
            assertEquals(NAMES.get(p.classIndex()), p.label());
        }
        assertTrue(top.get(0).probability() >= top.get(1).probability() && top.get(1).probability() >= top.get(2).probability());
        assertEquals(List.of(0, 1, 2), top.stream().map(Prediction::classIndex).sorted().toList());
        assertEquals(top.subList(0, 2), m.classify(img, 2), "top 2 is a prefix of top 3");
        assertEquals(top, m.classify(Tensor.wrap(pixels, 1, 12, 12), 3), "a [C, H, W] tensor");

        // The same picture as a PNG file and as a stream: PNG is lossless, so the same pixels and result.
        Path png = dir.resolve("picture.png");
        ImageIO.write(img, "png", png.toFile());
        assertEquals(top, m.classify(png, 3));
        try (InputStream in = Files.newInputStream(png)) {
            assertEquals(top, m.classify(in, 3));
        }
        // and as what predict reads from the file (the path predict and the loaders share)
        assertArrayEquals(pixels, ImageFiles.read(png, ImageSpec.of(1, 12, 12)));
    }

    @Test
    void tiesAreOrderedByClassIndex() {
        // A zero last layer gives equal logits: every class 1/3, so the order is the class order.
        Sequential net = cnn(0);
        Linear last = (Linear) net.get(4);
        last.weight().value().zero();
        last.bias().value().zero();
        Model m = Model.of(net, new int[] {1, 12, 12}, NAMES);
        List<Prediction> top = m.classify(picture(), 3);
        assertEquals(List.of(0, 1, 2), top.stream().map(Prediction::classIndex).toList());
        assertEquals(List.of("circle", "square", "line"), top.stream().map(Prediction::label).toList());
        // with a larger bias on class 2 it comes first and the tie below keeps class order
        last.bias().value().data()[2] = 1f;
        assertEquals(List.of(2, 0, 1), m.classify(picture(), 3).stream().map(Prediction::classIndex).toList());
    }

    @Test
    void classifyConvertsColourToTheModelsChannels() throws Exception {
        // An RGB model given a grey image: the grey channel is copied to R, G and B.
        Rng rng = Rng.torch(2);
        Model rgb = Model.of(new Sequential(new Flatten(), new Linear(LinearConfig.of(3 * 5 * 5, 2), rng)), new int[] {3, 5, 5}, 2);
        BufferedImage grey = new BufferedImage(5, 5, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 5; y++) for (int x = 0; x < 5; x++) grey.getRaster().setSample(x, y, 0, 40 * x + y);
        float[] expected = new float[75];
        for (int c = 0; c < 3; c++) for (int y = 0; y < 5; y++) for (int x = 0; x < 5; x++) expected[c * 25 + y * 5 + x] = (40 * x + y) / 255f;
        float[] probs = rgb.predict(Tensor.wrap(expected, 1, 3, 5, 5)).data();
        for (Prediction p : rgb.classify(grey, 2)) assertEquals(probs[p.classIndex()], p.probability());
        assertEquals("1", rgb.classify(grey, 2).stream().filter(p -> p.classIndex() == 1).findFirst().orElseThrow().label(),
                "classes without names are named by their index");
    }

    @Test
    void classifyRefusesABadKAndNamesAnUnreadableImage() throws Exception {
        Model m = Model.of(cnn(0), new int[] {1, 12, 12}, NAMES);
        for (int k : new int[] {0, -1, 4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.classify(picture(), k));
            assertTrue(e.getMessage().contains("1..3") && e.getMessage().contains("got " + k), e.getMessage());
        }
        Path txt = dir.resolve("notes.png");
        Files.writeString(txt, "not an image");
        FormatException fe = assertThrows(FormatException.class, () -> m.classify(txt, 1));
        assertTrue(fe.getMessage().startsWith(txt.toString()) && fe.getMessage().contains("not a PNG, JPEG or BMP"), fe.getMessage());
        fe = assertThrows(FormatException.class, () -> m.classify(new ByteArrayInputStream(new byte[] {1, 2, 3}), 1));
        assertTrue(fe.getMessage().startsWith("image stream"), fe.getMessage());
        Path missing = dir.resolve("missing.png");
        Exception io = assertThrows(java.io.IOException.class, () -> m.classify(missing, 1));
        assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
        var se = assertThrows(org.conv4j.tensor.ShapeException.class, () -> m.classify(new Tensor(1, 10, 12), 1));
        assertTrue(se.getMessage().contains("classify"), se.getMessage());
    }

    @Test
    void classifyNeedsGreyOrRgbInput() {
        Model four = Model.of(new Sequential(new Flatten(), new Linear(LinearConfig.of(4 * 2 * 2, 2), Rng.torch(0))), new int[] {4, 2, 2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> four.classify(picture(), 1));
        assertTrue(e.getMessage().contains("4-channel") && e.getMessage().contains("predict"), e.getMessage());
        assertEquals(1, four.classify(new Tensor(4, 2, 2), 1).size(), "a tensor at the input shape still works");
    }

    /** Adds a learned bias per feature; registered below with a writer that forgets the feature count. */
    static final class AddBias implements Layer {
        final org.conv4j.layers.Param bias;

        AddBias(int features) { bias = org.conv4j.layers.Param.trainable("bias", new Tensor(features)); }

        @Override public Tensor forward(Tensor x) { return infer(x); }
        @Override public Tensor backward(Tensor dOut) { return dOut; }
        @Override public Tensor infer(Tensor x) { return x; }
        @Override public int[] outputShape(int[] in) { return in; }
        @Override public List<org.conv4j.layers.Param> params() { return List.of(bias); }
        @Override public String describe() { return "AddBias(" + bias.value().size() + ")"; }
    }

    @Test
    void aRegisteredTypeWhoseDescriptionRebuildsOtherParametersIsNotSavable() {
        LayerRegistry.register("TestForgetfulAddBias", AddBias.class, List.of(), (config, ctx) -> new AddBias(1),
                (layer, out) -> {}, (layer, in, out) -> 0);
        Sequential net = new Sequential(new Flatten(), new Linear(LinearConfig.of(12, 2), Rng.torch(0)), new AddBias(2));
        Model m = Model.of(net, new int[] {1, 3, 4}, 2);
        assertFalse(m.spec().describesLayers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.save(dir.resolve("x.safetensors")));
        assertTrue(e.getMessage().contains("2.bias[1]") && e.getMessage().contains("AddBias(2) has 2.bias[2]"), e.getMessage());
    }

    @Test
    void theTrainerTrainsAnUndescribableNetworkInMemoryButRefusesARunFolder() throws Exception {
        Sequential net = new Sequential(new Flatten(), new Doubler(), new Linear(LinearConfig.of(12, 2), Rng.torch(1)));
        Model m = Model.of(net, new int[] {1, 3, 4}, List.of("no", "yes"));
        float[][] images = new float[8][12];
        int[] labels = new int[8];
        for (int i = 0; i < 8; i++) { labels[i] = i % 2; Arrays.fill(images[i], labels[i] == 1 ? 0.9f : 0.1f); }
        org.conv4j.data.Dataset data = org.conv4j.data.Dataset.of(images, labels, new int[] {1, 3, 4}, List.of("no", "yes"));
        org.conv4j.train.TrainConfig config = org.conv4j.train.TrainConfig.defaults().withEpochs(1).withBatchSize(4);
        float[] before = net.get(2).params().get(0).value().data().clone();
        var result = new org.conv4j.train.Trainer(m, config).fit(data, null);
        assertEquals(2, result.steps());
        assertFalse(Arrays.equals(before, net.get(2).params().get(0).value().data()), "the weights moved");

        Path run = dir.resolve("run");
        var t = new org.conv4j.train.Trainer(m, config).setRunDir(run);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(data, null));
        assertTrue(e.getMessage().contains("Doubler"), e.getMessage());
        assertFalse(Files.exists(run), "refused before anything was written");
    }
}
