package org.conv4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.tensor.Tensor;

/**
 * The safetensors format (as published by Hugging Face), read and written without executing anything.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON; then the data
 * buffer. The JSON maps each tensor name to {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}
 * (offsets relative to the data buffer, little-endian values, row-major) and may hold a
 * {@code "__metadata__"} object of string to string. The tensors must tile the data buffer exactly.
 *
 * <p>Reading checks everything against the file's real length before allocating: the header length must
 * fit in the file and under {@link #MAX_HEADER_BYTES}; at most {@link #MAX_TENSORS} tensors; each tensor's
 * byte size (element count × dtype size, computed with overflow checks) must equal its offsets; offsets
 * must be in range, contiguous and non-overlapping. Any violation is a {@link FormatException} naming the
 * file, the tensor and what is wrong. Writing pads the header with spaces to a multiple of 8 bytes, as the
 * reference implementation does.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Upper bound on the JSON header (the reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Upper bound on the number of tensors in one file. */
    public static final int MAX_TENSORS = 16_384;
    /** Upper bound on one tensor's rank. */
    public static final int MAX_RANK = 16;

    /** Element types conv4j reads. */
    public enum DType {
        /** 32-bit IEEE float. */
        F32(4),
        /** 64-bit IEEE float. */
        F64(8),
        /** 64-bit signed integer. */
        I64(8),
        /** 32-bit signed integer. */
        I32(4),
        /** Unsigned byte. */
        U8(1),
        /** 16-bit IEEE half float, read as float32. */
        F16(2),
        /** bfloat16 (the top half of a float32), read as float32. */
        BF16(2);

        /** Bytes per element. */
        public final int bytes;

        DType(int bytes) { this.bytes = bytes; }
    }

    /**
     * One tensor of a file: its type, shape and raw little-endian bytes.
     *
     * @param name  the tensor's key in the file, e.g. {@code "features.0.weight"}
     * @param dtype the element type
     * @param shape the dimensions (each ≥ 0)
     * @param data  {@code numel × dtype.bytes} bytes, little-endian
     */
    public record Entry(String name, DType dtype, long[] shape, byte[] data) {
        /** {@return the number of elements, the product of the shape (1 for a scalar)} */
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /**
         * {@return the shape as ints (conv4j tensors are int-indexed)}
         *
         * @throws ArithmeticException if a dimension exceeds the int range
         */
        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
            return s;
        }

        /** {@return a new array of the values as float32: F32 as is, F64 rounded, F16/BF16 widened, integer types converted} */
        public float[] floats() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) numel();
            float[] r = new float[n];
            switch (dtype) {
                case F32 -> b.asFloatBuffer().get(r);
                case F64 -> { for (int i = 0; i < n; i++) r[i] = (float) b.getDouble(i * 8); }
                case I64 -> { for (int i = 0; i < n; i++) r[i] = b.getLong(i * 8); }
                case I32 -> { for (int i = 0; i < n; i++) r[i] = b.getInt(i * 4); }
                case U8 -> { for (int i = 0; i < n; i++) r[i] = data[i] & 0xFF; }
                case F16 -> { for (int i = 0; i < n; i++) r[i] = Float.float16ToFloat(b.getShort(i * 2)); }
                case BF16 -> { for (int i = 0; i < n; i++) r[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16); }
            }
            return r;
        }

        /** {@return a new array of the values as doubles (F64 exactly)} */
        public double[] doubles() {
            if (dtype == DType.F64) {
                double[] r = new double[(int) numel()];
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(r);
                return r;
            }
            float[] f = floats();
            double[] r = new double[f.length];
            for (int i = 0; i < r.length; i++) r[i] = f[i];
            return r;
        }

        /**
         * {@return a new array of the values as longs}
         *
         * @throws IllegalStateException if the type is not an integer type
         */
        public long[] longs() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            long[] r = new long[(int) numel()];
            switch (dtype) {
                case I64 -> b.asLongBuffer().get(r);
                case I32 -> { for (int i = 0; i < r.length; i++) r[i] = b.getInt(i * 4); }
                case U8 -> { for (int i = 0; i < r.length; i++) r[i] = data[i] & 0xFF; }
                default -> throw new IllegalStateException("tensor " + name + " is " + dtype + ", not an integer type");
            }
            return r;
        }

        /** {@return a conv4j tensor of this shape with these values (converted to float32)} */
        public Tensor toTensor() { return Tensor.wrap(floats(), intShape()); }

        /**
         * A float32 entry with the tensor's shape and values (copied).
         *
         * @param name the key in the file
         * @param t    the tensor
         * @return the entry
         */
        public static Entry of(String name, Tensor t) {
            float[] v = t.data();
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            int[] s = t.shape();
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) shape[i] = s[i];
            return new Entry(name, DType.F32, shape, b.array());
        }

        /**
         * A one-dimensional I64 entry (copied).
         *
         * @param name   the key in the file
         * @param values the values, shape [values.length]
         * @return the entry
         */
        public static Entry ofLongs(String name, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Entry(name, DType.I64, new long[] {values.length}, b.array());
        }

        /**
         * A one-dimensional F64 entry (copied).
         *
         * @param name   the key in the file
         * @param values the values, shape [values.length]
         * @return the entry
         */
        public static Entry ofDoubles(String name, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(values);
            return new Entry(name, DType.F64, new long[] {values.length}, b.array());
        }
    }

    /**
     * A whole file: metadata and tensors, in the order of their offsets.
     *
     * @param metadata the header's {@code __metadata__} string pairs, empty if absent
     * @param tensors  the tensors by name
     */
    public record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {
        /**
         * {@return the tensor of that name, or null if the file has none}
         *
         * @param name the tensor's key in the file
         */
        public Entry get(String name) { return tensors.get(name); }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (in the given order) and {@code metadata} to {@code out}.
     *
     * @param out      the stream; not closed
     * @param metadata string pairs for the header's {@code __metadata__}; null or empty for none
     * @param tensors  the tensors, with distinct names
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if a name repeats or is {@code __metadata__}, or an entry's bytes do not
     *                                  match its shape and type
     */
    public static void write(OutputStream out, Map<String, String> metadata, List<Entry> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Entry e : tensors) {
            if (e.name().equals("__metadata__")) throw new IllegalArgumentException("a tensor may not be named __metadata__");
            long expect = Math.multiplyExact(e.numel(), e.dtype().bytes);
            if (expect != e.data().length) {
                throw new IllegalArgumentException("tensor " + e.name() + " has " + e.data().length + " bytes, shape needs " + expect);
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", e.dtype().name());
            t.put("shape", e.shape());
            t.put("data_offsets", new long[] {offset, offset + e.data().length});
            if (header.put(e.name(), t) != null) throw new IllegalArgumentException("tensor name " + e.name() + " appears twice");
            offset += e.data().length;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(len.array());
        out.write(head);
        for (Entry e : tensors) out.write(e.data());
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and validates a whole file.
     *
     * @param file the .safetensors file
     * @return the metadata and the tensors
     * @throws IOException if the file cannot be read; a {@link FormatException} if it is malformed or goes beyond
     *                     a limit
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file.toString());
        }
    }

    /**
     * Reads and validates safetensors bytes held in memory.
     *
     * @param bytes  the whole file
     * @param source names it in error messages
     * @return the metadata and the tensors
     * @throws FormatException if the bytes are malformed or go beyond a limit
     */
    public static Contents read(byte[] bytes, String source) throws FormatException {
        try {
            return read(new ByteArrayChannel(bytes), source);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(source + ": " + e.getMessage(), e);
        }
    }

    private interface Source {
        long size() throws IOException;

        void readFully(ByteBuffer dst, long position) throws IOException;
    }

    private record ByteArrayChannel(byte[] bytes) implements Source {
        public long size() { return bytes.length; }

        public void readFully(ByteBuffer dst, long position) {
            dst.put(bytes, (int) position, dst.remaining());
        }
    }

    private static Contents read(FileChannel ch, String source) throws IOException {
        return read(new Source() {
            public long size() throws IOException { return ch.size(); }

            public void readFully(ByteBuffer dst, long position) throws IOException {
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, position);
                    if (n < 0) throw new FormatException(source + ": file ended early (was it truncated while reading?)");
                    position += n;
                }
            }
        }, source);
    }

    private record Spec(String name, DType dtype, long[] shape, long begin, long end) {}

    private static Contents read(Source in, String source) throws IOException {
        long size = in.size();
        if (size < 8) throw new FormatException(source + ": " + size + " bytes is too short for a safetensors file (needs an 8-byte header length)");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        in.readFully(lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 2 || headerLen > size - 8) {
            throw new FormatException(source + ": header length " + Long.toUnsignedString(headerLen)
                    + " does not fit in the file (" + size + " bytes)");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new FormatException(source + ": header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer head = ByteBuffer.allocate((int) headerLen);
        in.readFully(head, 8);
        // Every tensor entry has the key "data_offsets", which cannot occur unescaped inside a JSON string:
        // counting it bounds the entry count before the JSON is parsed (a header of 100k entries fails in ms).
        int entries = countKey(head.array(), DATA_OFFSETS_KEY);
        if (entries > MAX_TENSORS + 1) {
            throw new FormatException(source + ": header declares about " + entries + " tensors, more than the limit of " + MAX_TENSORS);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(head.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": header is not valid UTF-8");
        }
        Json.Obj h = Json.parseObject(text, source + " header", new Json.Limits((int) headerLen, 8, MAX_TENSORS * 12 + 4096));

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Spec> specs = new ArrayList<>();
        for (String key : h.keys()) {
            if (key.equals("__metadata__")) {
                Json.Obj m = h.obj(key);
                for (String mk : m.keys()) metadata.put(mk, m.str(mk));
                continue;
            }
            if (specs.size() >= MAX_TENSORS) throw new FormatException(source + ": more than " + MAX_TENSORS + " tensors in the header");
            Json.Obj t = h.obj(key);
            t.allowOnly(List.of("dtype", "shape", "data_offsets"));
            String dt = t.str("dtype");
            DType dtype;
            try {
                dtype = DType.valueOf(dt);
            } catch (IllegalArgumentException e) {
                throw t.error("dtype", "unsupported dtype \"" + dt + "\"; conv4j reads " + Arrays.toString(DType.values()));
            }
            long[] shape = t.longArray("shape");
            if (shape.length > MAX_RANK) throw t.error("shape", "rank " + shape.length + " exceeds " + MAX_RANK);
            long numel = 1;
            for (long d : shape) {
                if (d < 0) throw t.error("shape", "negative dimension " + d);
                numel = multiplyOrFail(numel, d, t, "shape");
            }
            long bytes = multiplyOrFail(numel, dtype.bytes, t, "shape");
            long[] off = t.longArray("data_offsets");
            if (off.length != 2) throw t.error("data_offsets", "expected [begin, end], got " + off.length + " values");
            if (off[0] < 0 || off[1] < off[0]) throw t.error("data_offsets", "bad range [" + off[0] + ", " + off[1] + "]");
            if (off[1] - off[0] != bytes) {
                throw t.error("data_offsets", "range [" + off[0] + ", " + off[1] + "] holds " + (off[1] - off[0])
                        + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + bytes);
            }
            specs.add(new Spec(key, dtype, shape, off[0], off[1]));
        }
        long dataLen = size - 8 - headerLen;
        specs.sort(Comparator.comparingLong(Spec::begin).thenComparingLong(Spec::end));
        long cursor = 0;
        for (Spec s : specs) {
            if (s.begin() != cursor) {
                throw new FormatException(source + ": tensor " + s.name() + " starts at byte " + s.begin() + " of the data but "
                        + (s.begin() < cursor ? "overlaps the previous tensor" : "leaves a gap after byte " + cursor));
            }
            cursor = s.end();
        }
        if (cursor != dataLen) {
            throw new FormatException(source + ": tensors cover " + cursor + " bytes but the data buffer has " + dataLen
                    + (cursor > dataLen ? " (file truncated?)" : " (trailing bytes)"));
        }
        ReadLimits.fitsHeap(source, specs.size() + " tensors", cursor);
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Spec s : specs) {
            long n = s.end() - s.begin();
            if (n > Integer.MAX_VALUE - 8) throw new FormatException(source + ": tensor " + s.name() + " (" + n + " bytes) is too large for conv4j");
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            in.readFully(buf, 8 + headerLen + s.begin());
            tensors.put(s.name(), new Entry(s.name(), s.dtype(), s.shape(), buf.array()));
        }
        return new Contents(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    private static final byte[] DATA_OFFSETS_KEY = "\"data_offsets\"".getBytes(StandardCharsets.US_ASCII);

    /** Occurrences of {@code key} in {@code text}. */
    private static int countKey(byte[] text, byte[] key) {
        int count = 0;
        outer:
        for (int i = 0, last = text.length - key.length; i <= last; i++) {
            for (int k = 0; k < key.length; k++) if (text[i + k] != key[k]) continue outer;
            count++;
            i += key.length - 1;
        }
        return count;
    }

    private static long multiplyOrFail(long a, long b, Json.Obj t, String field) throws FormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw t.error(field, "element count overflows 64 bits");
        }
    }
}
