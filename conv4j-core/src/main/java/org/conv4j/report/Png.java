package org.conv4j.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.conv4j.io.AtomicFile;

/** Writes report images as PNG files, atomically ({@link AtomicFile}). */
final class Png {
    private Png() {}

    /**
     * Encodes through an in-memory image stream: ImageIO's default file cache registers a JVM shutdown hook
     * on first use, which fails while the JVM is shutting down (the report written after Ctrl-C stops a run).
     */
    static void write(Path target, BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) throw new IOException("no PNG writer available for " + target);
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(image);
        } finally {
            writer.dispose();
        }
        AtomicFile.write(target, out.toByteArray());
    }
}
