package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.model.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 8-bit datasets are held as bytes and must read out as bitwise the floats the float32 store held:
 * byte v as {@code v / 255f}, image files as {@link ImageFiles#read} decodes them.
 */
class PixelStoreTest {
    @TempDir Path dir;

    /** The float32 the loaders stored for byte v before datasets kept bytes: {@code v / 255f}. */
    private static float oldValue(byte v) { return (v & 0xff) / 255f; }

    private static void assertBitwise(float expected, float actual, String where) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                where + ": expected " + expected + ", got " + actual);
    }

    @Test
    void everyByteHasExactlyOneFloatAndOtherFloatsNone() {
        for (int v = 0; v < 256; v++) {
            assertBitwise(v / 255f, PixelStore.UNIT[v], "UNIT[" + v + "]");
            assertEquals(v, PixelStore.exactByte(v / 255f));
        }
        for (float f : new float[] {0.5f, -0f, Float.NaN, -1 / 255f, 256 / 255f, Math.nextUp(1 / 255f), 0.299f}) {
            assertEquals(-1, PixelStore.exactByte(f), "no byte reads as " + f);
        }
    }

    @Test
    void idxImagesAreBytesThatReadAsTheOldFloats() throws IOException {
        Path d = Files.createDirectory(dir.resolve("plain"));
        IdxTest.writeSet(d, "", true);
        TrainTest t = Idx.loadDir(d, null);
        byte[] raw = Idx.readImages(d.resolve("train-images-idx3-ubyte.gz")).pixels();
        assertEquals(1, t.train().bytesPerValue());
        float[] all = t.train().images().data();
        assertEquals(raw.length, all.length);
        for (int k = 0; k < raw.length; k++) assertBitwise(oldValue(raw[k]), all[k], "value " + k);

        // EMNIST: transposed as bytes, the same floats as transposing the floats
        Path e = Files.createDirectory(dir.resolve("emnist"));
        IdxTest.writeSet(e, "emnist-letters-", false);
        Dataset emnist = Idx.loadDir(e, "emnist-letters-").train();
        byte[] stored = Idx.readImages(e.resolve("emnist-letters-train-images-idx3-ubyte")).pixels();
        assertEquals(1, emnist.bytesPerValue());
        for (int i = 0; i < emnist.size(); i++) {
            float[] img = emnist.image(i).data();
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 3; x++) assertBitwise(oldValue(stored[i * 12 + x * 4 + y]), img[y * 3 + x], "emnist " + i);
        }
    }

    @Test
    void shippedSubsetIsBytes() throws IOException {
        TrainTest t = Datasets.shippedFashionMnist();
        assertEquals(1, t.train().bytesPerValue());
        assertEquals(1, t.test().bytesPerValue());
        assertBitwise(184 / 255f, t.train().image(0).get(0, 14, 14), "train 0 (14, 14)");
    }

    @Test
    void cifarRecordsAreBytesThatReadAsTheOldFloats() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        byte[] first = CifarTest.records(3, 1, 0), second = CifarTest.records(2, 1, 3);
        Files.write(d.resolve("data_batch_1.bin"), first);
        Files.write(d.resolve("data_batch_2.bin"), second);
        Files.write(d.resolve("test_batch.bin"), CifarTest.records(2, 1, 200));
        Dataset train = Cifar.load10(dir).train();
        assertEquals(1, train.bytesPerValue());
        int rec = 1 + Cifar.PIXELS;
        for (int i = 0; i < 5; i++) {
            byte[] src = i < 3 ? first : second;
            int at = (i < 3 ? i : i - 3) * rec + 1;
            float[] img = train.image(i).data();
            for (int k = 0; k < Cifar.PIXELS; k++) assertBitwise(oldValue(src[at + k]), img[k], "image " + i + " value " + k);
        }
    }

    /** A w x h RGB PNG with varied pixel values. */
    private static Path png(Path file, int w, int h, int seed) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (seed * 7919 + y * 613 + x * 2671) & 0xffffff);
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        return file;
    }

    @Test
    void imageFoldersAreBytesWhenDecodingGivesBytesAndFloatsOtherwise() throws IOException {
        Path root = dir.resolve("imgs");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) files.add(png(root.resolve((i % 2 == 0 ? "a" : "b") + "/" + i + ".png"), 5, 4, i));
        List<Path> sorted = List.of(files.get(0), files.get(2), files.get(4), files.get(1), files.get(3), files.get(5));

        // at their own size and in RGB every value is some v / 255f
        ImageSpec own = ImageSpec.of(3, 4, 5);
        Dataset bytes = ImageFolder.load(root, own, null, "t");
        assertEquals(1, bytes.bytesPerValue());
        for (int i = 0; i < 6; i++) {
            float[] expected = ImageFiles.read(sorted.get(i), own), got = bytes.image(i).data();
            for (int k = 0; k < expected.length; k++) assertBitwise(expected[k], got[k], "own size, image " + i + " value " + k);
        }

        // grey by luma and resized values are not: float32, as decoded
        for (ImageSpec other : List.of(ImageSpec.of(1, 4, 5), ImageSpec.of(3, 7, 3))) {
            Dataset floats = ImageFolder.load(root, other, null, "t");
            assertEquals(4, floats.bytesPerValue(), other.toString());
            for (int i = 0; i < 6; i++) {
                float[] expected = ImageFiles.read(sorted.get(i), other), got = floats.image(i).data();
                for (int k = 0; k < expected.length; k++) assertBitwise(expected[k], got[k], other + " image " + i + " value " + k);
            }
        }

        // one image that needs resizing turns the whole set into float32, the others' values unchanged
        png(root.resolve("b/9.png"), 6, 4, 9);
        Dataset mixed = ImageFolder.load(root, own, null, "t");
        assertEquals(4, mixed.bytesPerValue());
        for (int i = 0; i < 6; i++) {
            float[] expected = ImageFiles.read(sorted.get(i), own), got = mixed.image(i).data();
            for (int k = 0; k < expected.length; k++) assertBitwise(expected[k], got[k], "mixed, image " + i + " value " + k);
        }
    }

    @Test
    void loaderGivesTheSameBatchesFromBytesAsFromTheirFloats() {
        int n = 50, c = 3, h = 6, w = 5, item = c * h * w;
        byte[] px = new byte[n * item];
        int[] y = new int[n];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37 + (i >> 3));
        for (int i = 0; i < n; i++) y[i] = i % 4;
        float[] fl = new float[px.length];
        for (int i = 0; i < px.length; i++) fl[i] = oldValue(px[i]);
        Dataset bytes = new Dataset("b", px, y, c, h, w, ClassNames.numbered(4));
        Dataset floats = new Dataset("f", fl, y, c, h, w, ClassNames.numbered(4));
        assertEquals(1, bytes.bytesPerValue());
        assertEquals(4, floats.bytesPerValue());
        LoaderConfig cfg = LoaderConfig.train(8, 3).withAugmentation(Augmentation.of(2, true))
                .withNormalization(new Normalization(new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.25f, 0.3f}));
        DataLoader a = new DataLoader(bytes.split(0.2, 1).train(), cfg), b = new DataLoader(floats.split(0.2, 1).train(), cfg);
        for (int epoch = 0; epoch < 2; epoch++) {
            while (a.hasNext()) {
                Batch x = a.next(), z = b.next();
                assertArrayEquals(z.labels(), x.labels());
                float[] xa = x.x().data(), xb = z.x().data();
                for (int k = 0; k < xb.length; k++) assertBitwise(xb[k], xa[k], "epoch " + epoch + " batch " + x.index() + " value " + k);
            }
            assertFalse(b.hasNext());
            a.nextEpoch();
            b.nextEpoch();
        }
    }

    /**
     * An epoch over 20,000 images of 28x28 (63 MB as float32) allocates only per batch: far less than the
     * float copy of the set a loader that materialised it would need.
     */
    @Test
    void anEpochDoesNotMaterialiseTheFloatDataset() {
        int n = 20_000, item = 28 * 28;
        byte[] px = new byte[n * item];
        for (int i = 0; i < px.length; i++) px[i] = (byte) i;
        Dataset d = new Dataset("big", px, new int[n], 1, 28, 28, ClassNames.numbered(10));
        LoaderConfig cfg = LoaderConfig.train(64, 0).withBackground(false)
                .withNormalization(Normalization.FASHION_MNIST);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        DataLoader loader = new DataLoader(d, cfg);
        long before = threads.getThreadAllocatedBytes(tid);
        double sum = 0;
        while (loader.hasNext()) sum += loader.next().x().data()[0];
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        long floatSet = 4L * n * item;
        assertTrue(allocated < floatSet / 8, "one epoch allocated " + allocated + " bytes; the float32 set is " + floatSet);
        assertTrue(Double.isFinite(sum));
    }

    /**
     * The full Fashion-MNIST (188 MB as float32) loads and goes through a loader epoch in a JVM whose heap
     * could not hold it as float32.
     */
    @Test
    void fullFashionMnistFitsASmallHeap() throws Exception {
        assumeTrue(Idx.isIdxDir(Datasets.DEBIAN_FASHION_MNIST), "dataset-fashion-mnist not installed");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                SmallHeapProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("60000 train, 10000 test, 938 batches"), out);
    }
}
