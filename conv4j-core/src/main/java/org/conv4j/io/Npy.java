package org.conv4j.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.conv4j.tensor.Tensor;

/**
 * Reads and writes numpy's .npy files (format documented in {@code numpy.lib.format}).
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0; writes 1.0 (2.0 only if a header could not fit 1.0's
 * 16-bit length). Dtypes: float32 {@code '<f4'}, float64 {@code '<f8'}, uint8 {@code '|u1'} and int64
 * {@code '<i8'}; C order only. Anything else (Fortran order, big-endian, other dtypes, structured
 * arrays, pickled objects) is rejected with a {@link FormatException} naming the file and the header field.
 *
 * <p>Hostile files are safe to read: the header length and the declared shape are checked with
 * overflow-safe arithmetic against the file's real length and against a ceiling
 * ({@link #DEFAULT_MAX_DATA_BYTES} unless the caller passes another) before anything is allocated,
 * and the data is converted in fixed-size chunks, so reading never needs more than the array itself
 * plus 64 KiB. Nothing in a .npy file is ever executed ({@code allow_pickle} has no equivalent here).
 */
public final class Npy {
    /** The dtypes conv4j reads and writes, with numpy's descr strings. */
    public enum DType {
        /** Little-endian 32-bit IEEE float, numpy's float32. */
        FLOAT32("<f4", 4),
        /** Little-endian 64-bit IEEE float, numpy's float64. */
        FLOAT64("<f8", 8),
        /** Unsigned byte, numpy's uint8 (image pixels, labels). */
        UINT8("|u1", 1),
        /** Little-endian 64-bit signed integer, numpy's int64. */
        INT64("<i8", 8);

        private final String descr;
        private final int itemSize;

        DType(String descr, int itemSize) { this.descr = descr; this.itemSize = itemSize; }

        /** {@return numpy's type string, e.g. {@code "<f4"}} */
        public String descr() { return descr; }

        /** {@return the bytes per element} */
        public int itemSize() { return itemSize; }

        static DType ofDescr(String d) {
            return switch (d) {
                case "<f4" -> FLOAT32;
                case "<f8" -> FLOAT64;
                case "|u1", "<u1", "u1" -> UINT8;
                case "<i8" -> INT64;
                default -> null;
            };
        }
    }

    /** Largest array {@link #read(Path)} accepts: 1 GiB of data. */
    public static final long DEFAULT_MAX_DATA_BYTES = 1L << 30;
    /** Largest header accepted; numpy's own reader stops at 10 000 characters by default. */
    public static final int MAX_HEADER_BYTES = 1 << 16;
    /** Java arrays hold at most this many values. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK = 1 << 16;

    private Npy() {}

    /**
     * Reads a .npy file of at most {@link #DEFAULT_MAX_DATA_BYTES} bytes of data.
     *
     * @param file the .npy file
     * @return the array
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is not a .npy file conv4j
     *                     reads (bad magic or header, unsupported dtype or order, truncated, or data beyond the ceiling)
     */
    public static NpyArray read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_DATA_BYTES);
    }

    /**
     * Reads a .npy file whose data may be at most {@code maxDataBytes} long.
     *
     * @param file         the .npy file
     * @param maxDataBytes the ceiling on the declared data size
     * @return the array
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is not a .npy file conv4j
     *                     reads (bad magic or header, unsupported dtype or order, truncated, or data beyond the ceiling)
     */
    public static NpyArray read(Path file, long maxDataBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), file.toString(), maxDataBytes);
        }
    }

    /**
     * Parses the bytes of a .npy file, with the ceiling {@link #DEFAULT_MAX_DATA_BYTES}.
     *
     * @param bytes  the whole file
     * @param source names it in error messages
     * @return the array
     * @throws IOException a {@link FormatException} if the bytes are not a .npy file conv4j reads
     */
    public static NpyArray read(byte[] bytes, String source) throws IOException {
        return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, source, DEFAULT_MAX_DATA_BYTES);
    }

    /**
     * Reads a float32 tensor; float64, uint8 and int64 files are converted to float32.
     *
     * @param file the .npy file
     * @return a tensor of the file's shape
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is not a .npy file conv4j
     *                     reads (bad magic or header, unsupported dtype or order, truncated, or data beyond the ceiling)
     */
    public static Tensor readTensor(Path file) throws IOException {
        return read(file).toTensor();
    }

    /**
     * Reads a .npy stream of exactly {@code length} bytes.
     *
     * @param ch           the stream, positioned at the file's first byte
     * @param length       the stream's length in bytes
     * @param source       names the stream in error messages
     * @param maxDataBytes the ceiling on the declared data size
     * @return the array
     * @throws IOException if reading fails; a {@link FormatException} if the bytes are not a .npy file conv4j reads
     */
    public static NpyArray read(ReadableByteChannel ch, long length, String source, long maxDataBytes) throws IOException {
        // Preamble: magic (6), version (2), header length (2 for 1.0, 4 for 2.0 and 3.0).
        if (length < 10) throw new FormatException(source, "file is " + length + " bytes, too short for an NPY preamble (at least 10)");
        ByteBuffer pre = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, source, "the preamble");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) throw new FormatException(source, "not an NPY file: it does not start with \\x93NUMPY");
        }
        int major = pre.get(6) & 0xFF, minor = pre.get(7) & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new FormatException(source, "NPY format version " + major + "." + minor + " is not supported (reads 1.0, 2.0 and 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer lb = ByteBuffer.allocate(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lb, source, "the header length");
        long headerLen = major == 1 ? (lb.getShort(0) & 0xFFFFL) : (lb.getInt(0) & 0xFFFFFFFFL);
        long preamble = 8L + lenBytes;
        if (headerLen > MAX_HEADER_BYTES) {
            throw new FormatException(source, "header length " + headerLen + " is above the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLen > length - preamble) {
            throw new FormatException(source, "header length " + headerLen + " runs past the end of the file ("
                    + (length - preamble) + " bytes after the preamble)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, source, "the header");
        hb.flip();
        String header = decodeHeader(hb, major == 3, source);
        Header h = HeaderParser.parse(header, source);

        // Sizes, all in overflow-checked long arithmetic, before allocating anything.
        long count = 1;
        for (long d : h.shape) {
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new FormatException(source, "header field 'shape' " + h.shapeText() + " overflows a 64-bit element count");
            }
        }
        long dataBytes;
        try {
            dataBytes = Math.multiplyExact(count, (long) h.dtype.itemSize());
        } catch (ArithmeticException e) {
            throw new FormatException(source, "header field 'shape' " + h.shapeText() + " overflows a 64-bit byte count");
        }
        long available = length - preamble - headerLen;
        if (dataBytes > available) {
            throw new FormatException(source, "header field 'shape' " + h.shapeText() + " of " + h.dtype.descr() + " needs "
                    + dataBytes + " data bytes but the file has only " + available);
        }
        if (dataBytes > maxDataBytes || count > MAX_ELEMENTS) {
            throw new FormatException(source, "header field 'shape' " + h.shapeText() + " declares " + dataBytes
                    + " data bytes, above the ceiling of " + Math.min(maxDataBytes, MAX_ELEMENTS * h.dtype.itemSize()) + " bytes");
        }
        if (dataBytes < available) {
            throw new FormatException(source, "file has " + (available - dataBytes) + " bytes after the data that header field 'shape' "
                    + h.shapeText() + " of " + h.dtype.descr() + " declares");
        }
        // An empty array may still declare dimensions whose product (skipping the zero) no tensor can hold.
        long nonZero = 1;
        for (long d : h.shape) {
            if (d != 0) nonZero = nonZero > MAX_ELEMENTS / d ? MAX_ELEMENTS + 1 : nonZero * d;
        }
        if (nonZero > MAX_ELEMENTS) {
            throw new FormatException(source, "header field 'shape' " + h.shapeText() + " has more elements than a Java array can hold");
        }
        ReadLimits.fitsHeap(source, "header field 'shape' " + h.shapeText() + " of " + h.dtype.descr(), dataBytes);
        int n = (int) count;
        int[] shape = new int[h.shape.length];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) h.shape[i];
        return switch (h.dtype) {
            case FLOAT32 -> NpyArray.ofFloat32(readFloats(ch, n, source), shape);
            case FLOAT64 -> NpyArray.ofFloat64(readDoubles(ch, n, source), shape);
            case UINT8 -> NpyArray.ofUint8(readBytes(ch, n, source), shape);
            case INT64 -> NpyArray.ofInt64(readLongs(ch, n, source), shape);
        };
    }

    private static String decodeHeader(ByteBuffer hb, boolean utf8, String source) throws FormatException {
        if (!utf8) return StandardCharsets.ISO_8859_1.decode(hb).toString();
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb);
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source, "version 3.0 header is not valid UTF-8");
        }
    }

    private static void readFully(ReadableByteChannel ch, ByteBuffer b, String source, String what) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new FormatException(source, "file ended inside " + what);
        }
    }

    /** Fills {@code chunk} (cleared) with up to {@code bytes} bytes and flips it for reading. */
    private static void nextChunk(ReadableByteChannel ch, ByteBuffer chunk, long bytes, String source) throws IOException {
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), bytes));
        readFully(ch, chunk, source, "the data");
        chunk.flip();
    }

    private static float[] readFloats(ReadableByteChannel ch, int n, String source) throws IOException {
        float[] out = new float[n];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; ) {
            nextChunk(ch, chunk, 4L * (n - i), source);
            int k = chunk.remaining() / 4;
            chunk.asFloatBuffer().get(out, i, k);
            i += k;
        }
        return out;
    }

    private static double[] readDoubles(ReadableByteChannel ch, int n, String source) throws IOException {
        double[] out = new double[n];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; ) {
            nextChunk(ch, chunk, 8L * (n - i), source);
            int k = chunk.remaining() / 8;
            chunk.asDoubleBuffer().get(out, i, k);
            i += k;
        }
        return out;
    }

    private static long[] readLongs(ReadableByteChannel ch, int n, String source) throws IOException {
        long[] out = new long[n];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; ) {
            nextChunk(ch, chunk, 8L * (n - i), source);
            int k = chunk.remaining() / 8;
            chunk.asLongBuffer().get(out, i, k);
            i += k;
        }
        return out;
    }

    private static byte[] readBytes(ReadableByteChannel ch, int n, String source) throws IOException {
        byte[] out = new byte[n];
        readFully(ch, ByteBuffer.wrap(out), source, "the data");
        return out;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code t} as a float32 .npy file (format 1.0), replacing the file atomically.
     *
     * @param file the file to write
     * @param t    the tensor
     * @throws IOException if the file cannot be written; it is then unchanged
     */
    public static void write(Path file, Tensor t) throws IOException {
        write(file, NpyArray.of(t));
    }

    /**
     * Writes {@code a} as a .npy file (format 1.0), via a temporary file renamed into place.
     *
     * @param file the file to write
     * @param a    the array
     * @throws IOException if the file cannot be written; it is then unchanged
     */
    public static void write(Path file, NpyArray a) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                write(ch, a);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@return the bytes of {@code a} as a .npy file}
     *
     * @param a the array
     */
    public static byte[] toBytes(NpyArray a) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(Channels.newChannel(bos), a);
        } catch (IOException e) {
            throw new AssertionError("in-memory write failed", e);
        }
        return bos.toByteArray();
    }

    /**
     * Writes {@code a} as .npy to {@code ch}.
     *
     * @param ch the stream; not closed
     * @param a  the array
     * @throws IOException if writing fails
     */
    public static void write(WritableByteChannel ch, NpyArray a) throws IOException {
        writeAll(ch, ByteBuffer.wrap(header(a)));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int n = a.size();
        Object data = a.rawData();
        switch (a.dtype()) {
            case FLOAT32 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < n; ) { int k = Math.min(n - i, CHUNK / 4); chunk.clear(); chunk.asFloatBuffer().put(f, i, k); chunk.limit(4 * k); writeAll(ch, chunk); i += k; }
            }
            case FLOAT64 -> {
                double[] d = (double[]) data;
                for (int i = 0; i < n; ) { int k = Math.min(n - i, CHUNK / 8); chunk.clear(); chunk.asDoubleBuffer().put(d, i, k); chunk.limit(8 * k); writeAll(ch, chunk); i += k; }
            }
            case INT64 -> {
                long[] l = (long[]) data;
                for (int i = 0; i < n; ) { int k = Math.min(n - i, CHUNK / 8); chunk.clear(); chunk.asLongBuffer().put(l, i, k); chunk.limit(8 * k); writeAll(ch, chunk); i += k; }
            }
            case UINT8 -> writeAll(ch, ByteBuffer.wrap((byte[]) data, 0, n));
        }
    }

    private static void writeAll(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Preamble and header, padded with spaces and a final newline to a multiple of 64 bytes as numpy does. */
    static byte[] header(NpyArray a) {
        int[] shape = a.shape();
        StringBuilder s = new StringBuilder("{'descr': '").append(a.dtype().descr()).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) s.append(", ");
            s.append(shape[i]);
        }
        if (shape.length == 1) s.append(',');
        s.append("), }");
        int lenBytes = s.length() + 1 + 10 <= 0xFFFF ? 2 : 4;
        int preamble = 8 + lenBytes;
        int total = preamble + s.length() + 1;
        int padded = (total + 63) / 64 * 64;
        s.append(" ".repeat(padded - total)).append('\n');
        byte[] h = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(preamble + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (lenBytes == 2 ? 1 : 2)).put((byte) 0);
        if (lenBytes == 2) b.putShort((short) h.length); else b.putInt(h.length);
        b.put(h);
        return b.array();
    }

    // ------------------------------------------------------------------ header parsing

    /** The three fields numpy requires, and nothing else. */
    private record Header(DType dtype, long[] shape) {
        String shapeText() {
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) b.append(i > 0 ? ", " : "").append(shape[i]);
            return b.append(shape.length == 1 ? ",)" : ")").toString();
        }
    }

    /**
     * A strict parser for the Python dict literal numpy writes, e.g.
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. It accepts only string
     * keys, and string, boolean and integer-tuple values: never evaluates anything.
     */
    private static final class HeaderParser {
        private static final int MAX_DIMS = 64;
        private final String s;
        private final String source;
        private int pos;

        private HeaderParser(String s, String source) { this.s = s; this.source = source; }

        static Header parse(String text, String source) throws FormatException {
            return new HeaderParser(text, source).header();
        }

        private Header header() throws FormatException {
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            ws();
            expect('{');
            ws();
            while (peek() != '}') {
                String key = string("a key");
                ws();
                expect(':');
                ws();
                switch (key) {
                    case "descr" -> {
                        if (descr != null) fail("field 'descr' appears twice");
                        if (peek() == '[') fail("field 'descr' is a structured dtype; conv4j reads only <f4, <f8, |u1 and <i8");
                        descr = string("the value of 'descr'");
                    }
                    case "fortran_order" -> {
                        if (fortran != null) fail("field 'fortran_order' appears twice");
                        fortran = bool("fortran_order");
                    }
                    case "shape" -> {
                        if (shape != null) fail("field 'shape' appears twice");
                        shape = tuple();
                    }
                    default -> fail("unexpected header field '" + clip(key) + "' (expected descr, fortran_order, shape)");
                }
                ws();
                if (peek() == ',') { pos++; ws(); } else if (peek() != '}') fail("expected ',' or '}' at header offset " + pos);
            }
            pos++;
            ws();
            if (pos != s.length()) fail("unexpected text after the header dict at offset " + pos);
            if (descr == null) fail("header has no 'descr' field");
            if (fortran == null) fail("header has no 'fortran_order' field");
            if (shape == null) fail("header has no 'shape' field");
            DType dtype = DType.ofDescr(descr);
            if (dtype == null) {
                if (descr.startsWith(">") && DType.ofDescr("<" + descr.substring(1)) != null) {
                    fail("field 'descr' is big-endian '" + clip(descr) + "'; conv4j reads little-endian only (save a.astype('<"
                            + descr.substring(1) + "'))");
                }
                fail("field 'descr' is '" + clip(descr) + "'; conv4j reads only <f4 (float32), <f8 (float64), |u1 (uint8) and <i8 (int64)");
            }
            if (fortran) fail("field 'fortran_order' is True; conv4j reads C-order arrays only (save np.ascontiguousarray(a))");
            return new Header(dtype, shape);
        }

        private long[] tuple() throws FormatException {
            expect('(');
            ws();
            List<Long> dims = new ArrayList<>();
            while (peek() != ')') {
                if (dims.size() == MAX_DIMS) fail("field 'shape' has more than " + MAX_DIMS + " dimensions");
                dims.add(dimension());
                ws();
                if (peek() == ',') { pos++; ws(); } else if (peek() != ')') fail("field 'shape' is not a tuple of integers (offset " + pos + ")");
            }
            pos++;
            long[] r = new long[dims.size()];
            for (int i = 0; i < r.length; i++) r[i] = dims.get(i);
            return r;
        }

        private long dimension() throws FormatException {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) pos++;
            if (pos == start) fail("field 'shape' must hold non-negative integers (offset " + start + ")");
            if (pos - start > 10) fail("field 'shape' has dimension " + clip(s.substring(start, pos)) + ", larger than an int");
            long v = Long.parseLong(s.substring(start, pos));
            if (v > Integer.MAX_VALUE) fail("field 'shape' has dimension " + v + ", larger than an int");
            if (peek() == 'L') pos++; // Python 2 long literal, as very old numpy wrote
            return v;
        }

        private boolean bool(String field) throws FormatException {
            if (s.startsWith("True", pos)) { pos += 4; return true; }
            if (s.startsWith("False", pos)) { pos += 5; return false; }
            fail("field '" + field + "' must be True or False");
            return false;
        }

        private String string(String what) throws FormatException {
            char q = peek();
            if (q != '\'' && q != '"') fail("expected a quoted string for " + what + " at header offset " + pos);
            int end = s.indexOf(q, pos + 1);
            if (end < 0) fail("unterminated string in the header at offset " + pos);
            String v = s.substring(pos + 1, end);
            if (v.indexOf('\\') >= 0) fail("escape sequences are not allowed in header strings (offset " + pos + ")");
            pos = end + 1;
            return v;
        }

        private void expect(char c) throws FormatException {
            if (peek() != c) fail("expected '" + c + "' at header offset " + pos);
            pos++;
        }

        private char peek() throws FormatException {
            if (pos >= s.length()) fail("header ends early (is it truncated?)");
            return s.charAt(pos);
        }

        private void ws() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) pos++;
        }

        private static String clip(String v) { return v.length() > 40 ? v.substring(0, 40) + "..." : v; }

        private void fail(String msg) throws FormatException { throw new FormatException(source, msg); }
    }
}
