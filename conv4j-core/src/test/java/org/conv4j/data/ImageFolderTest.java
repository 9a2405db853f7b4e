package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.conv4j.io.FormatException;
import org.conv4j.io.ImageSpec;
import org.conv4j.kernels.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir Path dir;

    /** A w x h RGB image filled with one colour. */
    static void write(Path file, String format, int w, int h, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private Path sampleFolder(Path root) throws IOException {
        write(root.resolve("cat/1.png"), "png", 8, 6, 0xff0000);
        write(root.resolve("cat/deeper/2.BMP"), "bmp", 16, 12, 0x00ff00);
        write(root.resolve("dog/a.bmp"), "bmp", 4, 3, 0x0000ff);
        write(root.resolve("dog/b.png"), "png", 8, 6, 0xffffff);
        Files.writeString(root.resolve("dog/readme.txt"), "not an image");
        write(root.resolve("dog/.hidden.png"), "png", 2, 2, 0);
        write(root.resolve(".git/x.png"), "png", 2, 2, 0);
        return root;
    }

    @Test
    void classesAreSortedSubfoldersAndImagesAreResized() throws IOException {
        Path root = sampleFolder(dir.resolve("imgs"));
        Dataset d = ImageFolder.load(root, ImageSpec.of(3, 6, 8), null, "t");
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(4, d.size());
        assertArrayEquals(new int[] {0, 0, 1, 1}, d.labels());
        // cat/1.png red, cat/deeper/2.BMP green (downscaled), dog/a.bmp blue (upscaled), dog/b.png white
        float[][] rgb = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}};
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 3; c++) assertEquals(rgb[i][c], d.image(i).get(c, 5, 7), 1e-6f, "image " + i);
        Dataset grey = ImageFolder.load(root, ImageSpec.of(1, 6, 8), null, "t");
        assertEquals(0.299f, grey.image(0).get(0, 0, 0), 1e-6f);
        // spec null: the first image's own size, RGB
        assertArrayEquals(new int[] {3, 6, 8}, ImageFolder.load(root, null, null, "t").itemShape());
    }

    @Test
    void resultDoesNotDependOnThreadCount() throws IOException {
        Path root = dir.resolve("many");
        for (int i = 0; i < 40; i++) write(root.resolve("c" + (i % 3) + "/" + i + ".png"), "png", 5 + i % 4, 7, i * 0x050301);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = ImageFolder.load(root, ImageSpec.of(3, 6, 6), null, "t").images().data();
            Parallel.setThreads(3);
            float[] three = ImageFolder.load(root, ImageSpec.of(3, 6, 6), null, "t").images().data();
            assertArrayEquals(one, three);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void linksOutOfTheFolderAreRefusedAndLinksInsideFollowed() throws IOException {
        Path root = sampleFolder(dir.resolve("imgs"));
        Path outside = dir.resolve("secret");
        write(outside.resolve("s.png"), "png", 8, 6, 0x123456);
        Files.createSymbolicLink(root.resolve("cat/inner-link.png"), root.resolve("dog/b.png"));
        assertEquals(5, ImageFolder.load(root, ImageSpec.of(3, 6, 8), null, "t").size());

        Path fileLink = root.resolve("cat/escape.png");
        Files.createSymbolicLink(fileLink, outside.resolve("s.png"));
        FormatException e = assertThrows(FormatException.class, () -> ImageFolder.list(root));
        assertTrue(e.getMessage().startsWith(fileLink.toString()) && e.getMessage().contains("outside the image folder"),
                e.getMessage());
        Files.delete(fileLink);

        Path dirLink = root.resolve("dog/more");
        Files.createSymbolicLink(dirLink, outside);
        e = assertThrows(FormatException.class, () -> ImageFolder.list(root));
        assertTrue(e.getMessage().startsWith(dirLink.toString()), e.getMessage());
        Files.delete(dirLink);

        Path classLink = root.resolve("zebra");
        Files.createSymbolicLink(classLink, outside);
        assertThrows(FormatException.class, () -> ImageFolder.list(root));
        Files.delete(classLink);

        Path dotdot = root.resolve("cat/up");
        Files.createSymbolicLink(dotdot, Path.of("../../secret"));
        assertThrows(FormatException.class, () -> ImageFolder.list(root));
        Files.delete(dotdot);

        Path loop = root.resolve("cat/loop");
        Files.createSymbolicLink(loop, root.resolve("cat"));   // a cycle inside the folder: walked once
        assertEquals(5, ImageFolder.list(root).files().size());
    }

    @Test
    void trainAndTestFoldersShareTheTrainingClasses() throws IOException {
        write(dir.resolve("train/a/1.png"), "png", 4, 4, 0);
        write(dir.resolve("train/b/1.png"), "png", 4, 4, 0xffffff);
        write(dir.resolve("train/c/1.png"), "png", 4, 4, 0xffffff);
        write(dir.resolve("test/c/1.png"), "png", 4, 4, 0xffffff);
        TrainTest t = Datasets.load(dir, ImageSpec.of(1, 4, 4));
        assertEquals(List.of("a", "b", "c"), t.test().classNames());
        assertArrayEquals(new int[] {2}, t.test().labels());
        write(dir.resolve("test/zebra/1.png"), "png", 4, 4, 0);
        FormatException e = assertThrows(FormatException.class, () -> Datasets.load(dir, ImageSpec.of(1, 4, 4)));
        assertTrue(e.getMessage().contains("zebra"), e.getMessage());
    }

    @Test
    void aBadImageIsNamedAndEmptyFoldersExplained() throws IOException {
        Path root = sampleFolder(dir.resolve("imgs"));
        Path bad = root.resolve("dog/zz.jpg");
        Files.writeString(bad, "GIF89a...");
        FormatException e = assertThrows(FormatException.class, () -> ImageFolder.load(root, ImageSpec.of(3, 4, 4), null, "t"));
        assertTrue(e.getMessage().startsWith(bad.toRealPath().toString()), e.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(FormatException.class, () -> ImageFolder.list(empty)).getMessage().contains("no class subfolders"));
        Files.createDirectories(empty.resolve("x"));
        assertTrue(assertThrows(FormatException.class, () -> ImageFolder.list(empty)).getMessage().contains("no .png"));
        assertTrue(assertThrows(FormatException.class, () -> Datasets.load(empty, null)).getMessage().contains("not a dataset"));
    }
}
