package org.conv4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.conv4j.io.FormatException;
import org.conv4j.io.ReadLimits;

/**
 * Opening data files that may be gzipped, and reading exactly a declared number of bytes from them
 * without trusting the declaration: raw files are checked against their real length first; gzipped
 * data is read into a buffer that grows only as bytes actually arrive.
 */
final class DataFiles {
    private DataFiles() {}

    /** An open data stream: decompressed if the file starts with the gzip magic. */
    record Opened(InputStream in, String source, boolean gzip, long fileLength) implements AutoCloseable {
        /**
         * Most bytes this stream can still yield after {@code consumed} bytes: what the file has left, or
         * for gzip the deflate expansion bound of the whole file.
         */
        long maxRemaining(long consumed) {
            if (!gzip) return Math.max(0, fileLength - consumed);
            return fileLength > Long.MAX_VALUE / ReadLimits.MAX_DEFLATE_RATIO ? Long.MAX_VALUE
                    : fileLength * ReadLimits.MAX_DEFLATE_RATIO;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    static Opened open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
            throw new FormatException(file, "is not a regular file");
        }
        long length = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return wrap(raw, file.toString(), length);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Wraps a stream of known (or, with -1, unknown) length, decompressing it if it is gzip. */
    static Opened wrap(InputStream buffered, String source, long length) throws IOException {
        if (!buffered.markSupported()) buffered = new BufferedInputStream(buffered);
        buffered.mark(2);
        int b0 = buffered.read(), b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new Opened(new GZIPInputStream(buffered, 1 << 16), source, true,
                        length < 0 ? Long.MAX_VALUE / ReadLimits.MAX_DEFLATE_RATIO : length);
            } catch (ZipException | EOFException e) {
                throw new FormatException(source, "corrupt gzip header: " + e.getMessage(), e);
            }
        }
        return new Opened(buffered, source, false, length < 0 ? Long.MAX_VALUE : length);
    }

    /** Reads exactly {@code dst.length} bytes or fails naming what was being read. */
    static void readFully(Opened o, byte[] dst, String what) throws IOException {
        int got = readUpTo(o, dst, 0, dst.length);
        if (got < dst.length) {
            throw new FormatException(o.source(), "ends after " + got + " of the " + dst.length + " bytes of the " + what);
        }
    }

    /**
     * Reads exactly {@code declared} bytes, {@code consumed} bytes into the (decompressed) stream. The buffer starts small and doubles as data arrives, so a
     * short file that declares gigabytes fails with "truncated" having allocated about what it holds.
     */
    static byte[] readPayload(Opened o, long consumed, long declared, String what) throws IOException {
        ReadLimits.atMost(o.source(), what + " size in bytes", declared, ReadLimits.MAX_ARRAY_LENGTH);
        long room = o.maxRemaining(consumed);
        if (declared > room) {
            throw new FormatException(o.source(), "declares " + declared + " bytes of " + what + " but the file "
                    + (o.gzip() ? "(gzip, " + o.fileLength() + " bytes compressed) can hold at most " + room
                                : "holds only " + room + " after its " + consumed + "-byte header"));
        }
        int n = (int) declared;
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int r = readUpTo(o, buf, filled, buf.length - filled);
            if (r == 0) {
                throw new FormatException(o.source(), "is truncated: declares " + n + " bytes of " + what
                        + " but ends after " + filled);
            }
            filled += r;
        }
        return buf;
    }

    /** Fails if the stream has bytes after the declared data. */
    static void expectEnd(Opened o, String what) throws IOException {
        int b;
        try {
            b = o.in().read();
        } catch (ZipException | EOFException e) {
            throw new FormatException(o.source(), "corrupt gzip data after the " + what + ": " + e.getMessage(), e);
        }
        if (b >= 0) throw new FormatException(o.source(), "has extra bytes after the " + what);
    }

    /** Reads up to {@code len} bytes, stopping only at end of data; corrupt gzip becomes a FormatException. */
    private static int readUpTo(Opened o, byte[] dst, int off, int len) throws IOException {
        int got = 0;
        try {
            while (got < len) {
                int r = o.in().read(dst, off + got, len - got);
                if (r < 0) break;
                got += r;
            }
        } catch (ZipException | EOFException e) {
            throw new FormatException(o.source(), "corrupt gzip data: " + e.getMessage(), e);
        }
        return got;
    }

    static int bigEndianInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
