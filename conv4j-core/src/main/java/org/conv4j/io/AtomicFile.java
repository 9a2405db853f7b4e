package org.conv4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-consistent file replacement: the content goes to a temporary file in the target's directory, is
 * forced to disk (fsync), then renamed over the target atomically, and the directory is synced. A crash at
 * any moment leaves either the old complete file or the new complete file, never a mix; a stray
 * {@code .<name>.tmp-*} file may remain and is ignored (and removed by the next write). A reader, such as a
 * browser refreshing a report while training runs, likewise sees either the old or the new file.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the content of one stream. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content; the stream is closed, forced to disk and renamed by the caller.
         *
         * @param out the temporary file's stream
         * @throws IOException if writing fails; the target is then left unchanged
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with {@code bytes}.
     *
     * @param target the file to replace or create; missing folders are created
     * @param bytes  the whole new content
     * @throws IOException if writing, syncing or renaming fails; the target is then unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with {@code text} in UTF-8.
     *
     * @param target the file to replace or create; missing folders are created
     * @param text   the whole new content
     * @throws IOException if writing, syncing or renaming fails; the target is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target} with what {@code content} writes.
     *
     * @param target  the file to replace or create; missing folders are created
     * @param content writes the whole new content
     * @throws IOException if {@code content}, syncing or renaming fails; the target is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        String prefix = "." + abs.getFileName() + ".tmp-";
        try (var old = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : old) Files.deleteIfExists(p);
        }
        Path tmp = Files.createTempFile(dir, prefix, "");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + abs + " atomically on this file system", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the rename itself is still atomic.
        }
    }
}
