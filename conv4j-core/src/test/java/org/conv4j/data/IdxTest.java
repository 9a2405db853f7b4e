package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.conv4j.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir Path dir;

    /** An idx3 ubyte file of n images h x w, pixel (i, k) = (i * 7 + k) % 256. */
    static byte[] images(int n, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w);
        b.putInt(0x00000803).putInt(n).putInt(h).putInt(w);
        for (int i = 0; i < n; i++) for (int k = 0; k < h * w; k++) b.put((byte) ((i * 7 + k) % 256));
        return b.array();
    }

    static byte[] labels(int... ys) {
        ByteBuffer b = ByteBuffer.allocate(8 + ys.length);
        b.putInt(0x00000801).putInt(ys.length);
        for (int y : ys) b.put((byte) y);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) { g.write(raw); }
        return out.toByteArray();
    }

    /** Writes a complete set (train 5 images, test 3) into dir, gzipped or raw. */
    static void writeSet(Path dir, String prefix, boolean gz) throws IOException {
        String ext = gz ? ".gz" : "";
        byte[][] files = {images(5, 4, 3), labels(0, 1, 2, 1, 0), images(3, 4, 3), labels(2, 2, 1)};
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        for (int i = 0; i < 4; i++) Files.write(dir.resolve(prefix + names[i] + ext), gz ? gzip(files[i]) : files[i]);
    }

    @Test
    void shippedSubsetIsBalancedAndMatchesTheFilesBytes() throws IOException {
        TrainTest t = Datasets.shippedFashionMnist();
        assertEquals(6000, t.train().size());
        assertEquals(1000, t.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, t.train().itemShape());
        for (int c : t.train().classCounts()) assertEquals(600, c);
        for (int c : t.test().classCounts()) assertEquals(100, c);
        assertEquals(ClassNames.FASHION_MNIST, t.train().classNames());
        assertTrue(t.source().contains("apt-get install dataset-fashion-mnist"), t.source());
        // pixel sums and labels computed by numpy from the same files
        assertEquals(84165, Math.round(sum(t.train(), 0) * 255));
        assertEquals(2, t.train().label(0));
        assertEquals(19139, Math.round(sum(t.train(), 5999) * 255));
        assertEquals(6, t.train().label(5999));
        assertEquals(85837, Math.round(sum(t.test(), 999) * 255));
        assertEquals(184 / 255f, t.train().image(0).get(0, 14, 14), 0f);
    }

    private static double sum(Dataset d, int i) {
        double s = 0;
        for (float v : d.image(i).data()) s += v;
        return s;
    }

    @Test
    void rawAndGzippedFilesLoadTheSame() throws IOException {
        Path raw = Files.createDirectory(dir.resolve("raw")), gz = Files.createDirectory(dir.resolve("gz"));
        writeSet(raw, "", false);
        writeSet(gz, "", true);
        TrainTest a = Idx.loadDir(raw, null), b = Idx.loadDir(gz, null);
        assertEquals(5, a.train().size());
        assertEquals(3, a.test().size());
        assertArrayEquals(a.train().images().data(), b.train().images().data());
        assertArrayEquals(new int[] {2, 2, 1}, b.test().labels());
        // image 1, pixel k = (7 + k) / 255
        assertEquals(8 / 255f, a.train().image(1).get(0, 0, 1), 0f);
        assertEquals(ClassNames.numbered(3), a.train().classNames()); // neutral folder name: numbered classes
    }

    @Test
    void emnistPrefixIsChosenAndImagesAreTransposed() throws IOException {
        Path e = Files.createDirectory(dir.resolve("emnist"));
        writeSet(e, "emnist-letters-", true);
        writeSet(e, "emnist-digits-", true);
        Files.writeString(e.resolve("emnist-letters-mapping.txt"), "0 65\n1 66\n2 67\n");
        FormatException many = assertThrows(FormatException.class, () -> Idx.loadDir(e, null));
        assertTrue(many.getMessage().contains("several IDX sets"), many.getMessage());
        TrainTest t = Idx.loadDir(e, "emnist-letters-");
        assertEquals(java.util.List.of("A", "B", "C"), t.train().classNames());
        // stored [W=4][H=3] -> upright [H=4][W=3]: dst[y][x] = src[x * 4 + y]
        Idx.Images raw = Idx.readImages(e.resolve("emnist-letters-train-images-idx3-ubyte.gz"));
        float[] img = t.train().image(2).data();
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 3; x++)
                assertEquals((raw.pixels()[2 * 12 + x * 4 + y] & 0xff) / 255f, img[y * 3 + x], 0f);
    }

    @Test
    void fullFashionMnistWhenInstalled() throws IOException {
        assumeTrue(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST), "dataset-fashion-mnist not installed");
        TrainTest t = Datasets.fashionMnist(null);
        assertEquals(60000, t.train().size());
        assertEquals(10000, t.test().size());
        for (int c : t.test().classCounts()) assertEquals(1000, c);
        assertTrue(t.source().contains("full set"), t.source());
    }

    private FormatException fails(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        FormatException e = assertThrows(FormatException.class,
                () -> { if (name.contains("labels")) Idx.readLabels(f); else Idx.readImages(f); });
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void malformedFilesAreNamedAndExplained() throws IOException {
        byte[] good = images(2, 3, 3);
        byte[] badMagic = good.clone(); badMagic[0] = 1;
        assertTrue(fails("a-images", badMagic).getMessage().contains("not an IDX file"));
        byte[] floatType = good.clone(); floatType[2] = 0x0D;
        assertTrue(fails("b-images", floatType).getMessage().contains("data type 0x0d"));
        byte[] rank2 = good.clone(); rank2[3] = 2;
        assertTrue(fails("c-images", rank2).getMessage().contains("2 dimensions"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertTrue(fails("d-images", truncated).getMessage().contains("holds only"));
        byte[] extra = java.util.Arrays.copyOf(good, good.length + 1);
        assertTrue(fails("e-images", extra).getMessage().contains("extra bytes"));
        assertTrue(fails("f-images", new byte[] {0, 0}).getMessage().contains("ends after 2"));
        byte[] zero = images(0, 3, 3);
        assertTrue(fails("g-images", zero).getMessage().contains("empty"));
        byte[] huge = ByteBuffer.allocate(16).putInt(0x803).putInt(-1).putInt(28).putInt(28).array();
        assertTrue(fails("h-images", huge).getMessage().contains("4294967295"));
        byte[] gzTruncated = java.util.Arrays.copyOf(gzip(good), 20);
        assertTrue(fails("i-images.gz", gzTruncated).getMessage().contains("gzip"));
        byte[] gzLies = gzip(ByteBuffer.allocate(16).putInt(0x803).putInt(1000).putInt(28).putInt(28).array());
        assertTrue(fails("j-images.gz", gzLies).getMessage().contains("can hold at most"));
    }

    @Test
    void labelsMustMatchImagesAndClasses() throws IOException {
        Path im = dir.resolve("im"), lb = dir.resolve("lb");
        Files.write(im, images(3, 2, 2));
        Files.write(lb, labels(0, 1));
        FormatException e = assertThrows(FormatException.class,
                () -> Idx.load(im, lb, "t", ClassNames.MNIST, false));
        assertTrue(e.getMessage().contains("2 labels but im has 3 images"), e.getMessage());
        Files.write(lb, labels(0, 1, 12));
        e = assertThrows(FormatException.class, () -> Idx.load(im, lb, "t", ClassNames.MNIST, false));
        assertTrue(e.getMessage().contains("label 12 of item 2"), e.getMessage());
    }
}
