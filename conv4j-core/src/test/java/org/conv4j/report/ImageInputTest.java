package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputTest {
    @TempDir Path dir;

    @Test
    void resizesToTheModelInputInGreyOrRgb() throws Exception {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 28, 56); // left half red, right half black
        g.dispose();
        Path f = dir.resolve("half.png");
        ImageIO.write(img, "png", f.toFile());

        Tensor grey = ImageInput.read(f, 1, 28, 28);
        assertEquals(4, grey.rank());
        assertEquals(0.299f, grey.get(0, 0, 10, 3), 1e-3f);
        assertEquals(0f, grey.get(0, 0, 10, 24), 1e-3f);
        Tensor rgb = ImageInput.read(f, 3, 14, 14);
        assertEquals(1f, rgb.get(0, 0, 5, 2), 1e-3f);
        assertEquals(0f, rgb.get(0, 1, 5, 2), 1e-3f);
        assertEquals(0f, rgb.get(0, 0, 5, 12), 1e-3f);
    }

    @Test
    void aTinyFileDeclaringAHugeImageFailsBeforeDecoding() throws Exception {
        // PNG signature + IHDR declaring 60000 x 60000 RGB + IEND: 45 bytes
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(60000).putInt(60000).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        chunk(b, "IEND", new byte[0]);
        Path f = dir.resolve("bomb.png");
        Files.write(f, b.toByteArray());
        long t0 = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageInput.read(f, 1, 28, 28));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "fails without hanging (HostileInputTest measures the sub-second figure)");
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @Test
    void notAnImageIsNamed() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageInput.read(f, 1, 28, 28));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertThrows(java.io.IOException.class, () -> ImageInput.read(dir.resolve("missing.png"), 1, 28, 28));
    }

    private static void chunk(ByteArrayOutputStream b, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        b.writeBytes(t);
        b.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
