package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding, channel conversion and resizing, against PIL (fixtures/data/make_resize_fixtures.py). */
class ImageFilesTest {
    @TempDir Path dir;

    static Path fixture(Path dir, String name) throws IOException {
        try (InputStream in = ImageFilesTest.class.getResourceAsStream("/fixtures/data/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    /** PIL's 8-bit output as [C, H, W] floats, read straight from the raster. */
    static float[] pilPixels(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        int c = img.getRaster().getNumBands(), h = img.getHeight(), w = img.getWidth();
        float[] out = new float[c * h * w];
        for (int b = 0; b < c; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) out[(b * h + y) * w + x] = img.getRaster().getSample(x, y, b) / 255f;
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, float tol) {
        assertEquals(expected.length, actual.length);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= tol, "max difference " + worst * 255 + "/255 above " + tol * 255 + "/255");
    }

    @Test
    void pngDecodesExactly() throws IOException {
        Path p = fixture(dir, "rgb_13x17.png");
        ImageFiles.Decoded d = ImageFiles.decode(p);
        assertEquals(3, d.channels());
        assertEquals(13, d.height());
        assertEquals(17, d.width());
        assertArrayEquals(pilPixels(p), d.pixels());
        assertArrayEquals(d.pixels(), ImageFiles.read(p, ImageSpec.of(3, 13, 17)));
    }

    @Test
    void resizeMatchesPilBilinearDownAndUp() throws IOException {
        Path p = fixture(dir, "rgb_13x17.png");
        // PIL rounds each pass to 8 bits; we keep floats: within one grey level
        assertClose(pilPixels(fixture(dir, "rgb_13x17_to_8x6.png")), ImageFiles.read(p, ImageSpec.of(3, 8, 6)), 1.01f / 255);
        assertClose(pilPixels(fixture(dir, "rgb_13x17_to_20x30.png")), ImageFiles.read(p, ImageSpec.of(3, 20, 30)), 1.01f / 255);
    }

    @Test
    void greyConversionMatchesPil() throws IOException {
        Path p = fixture(dir, "rgb_13x17.png");
        assertClose(pilPixels(fixture(dir, "rgb_13x17_grey.png")), ImageFiles.read(p, ImageSpec.of(1, 13, 17)), 0.51f / 255);
        assertClose(pilPixels(fixture(dir, "rgb_13x17_grey_to_8x6.png")), ImageFiles.read(p, ImageSpec.of(1, 8, 6)), 1.51f / 255);
    }

    @Test
    void greyPngIsReadWithoutGammaShiftAndReplicatedToRgb() throws IOException {
        Path p = fixture(dir, "rgb_13x17_grey.png");
        ImageFiles.Decoded d = ImageFiles.decode(p);
        assertEquals(1, d.channels());
        assertArrayEquals(pilPixels(p), d.pixels());
        float[] rgb = ImageFiles.read(p, ImageSpec.of(3, 13, 17));
        for (int c = 0; c < 3; c++) assertEquals(d.pixels()[40], rgb[c * 13 * 17 + 40], 0f);

        BufferedImage g16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(1, 1, 0, 65535);
        g16.getRaster().setSample(2, 0, 0, 13107);
        Path p16 = dir.resolve("g16.png");
        ImageIO.write(g16, "png", p16.toFile());
        float[] v = ImageFiles.decode(p16).pixels();
        assertEquals(1f, v[4], 0f);
        assertEquals(0.2f, v[2], 1e-6f);
    }

    @Test
    void bmpAndJpegDecode() throws IOException {
        BufferedImage img = new BufferedImage(9, 7, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 7; y++) for (int x = 0; x < 9; x++) img.setRGB(x, y, (x * 28) << 16 | (y * 36) << 8 | 200);
        Path bmp = dir.resolve("a.bmp"), jpg = dir.resolve("a.jpg");
        ImageIO.write(img, "bmp", bmp.toFile());
        ImageIO.write(img, "jpeg", jpg.toFile());
        ImageFiles.Decoded b = ImageFiles.decode(bmp);
        assertEquals(8 * 28 / 255f, b.pixels()[8], 0f);               // red of (x=8, y=0)
        assertEquals(6 * 36 / 255f, b.pixels()[63 + 6 * 9], 0f);      // green of (x=0, y=6)
        assertEquals(200 / 255f, b.pixels()[126 + 30], 0f);           // blue anywhere
        float[] j = ImageFiles.decode(jpg).pixels();
        assertEquals(9 * 7 * 3, j.length);
        assertEquals(200 / 255f, j[126 + 30], 0.1f);                  // lossy, but close
    }

    @Test
    void nonImagesAndDamagedImagesAreNamed() throws IOException {
        Path txt = dir.resolve("notes.png");
        Files.writeString(txt, "hello, world");
        FormatException e = assertThrows(FormatException.class, () -> ImageFiles.decode(txt));
        assertTrue(e.getMessage().startsWith(txt.toString()) && e.getMessage().contains("not a PNG, JPEG or BMP"), e.getMessage());
        Path empty = dir.resolve("empty.jpg");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(FormatException.class, () -> ImageFiles.decode(empty)).getMessage().contains("empty"));
        byte[] png = Files.readAllBytes(fixture(dir, "rgb_13x17.png"));
        Path cut = dir.resolve("cut.png");
        Files.write(cut, java.util.Arrays.copyOf(png, png.length / 2));
        e = assertThrows(FormatException.class, () -> ImageFiles.decode(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
    }
}
