package org.conv4j.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.conv4j.io.FormatException;
import org.conv4j.onnx.proto.OnnxProto.StringStringEntryProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.tensor.Tensor;

/**
 * Decodes {@code onnx.TensorProto} values (initializers, Constant attributes) into conv4j tensors, and
 * encodes tensors for export.
 *
 * <p>Every declared size is checked before anything is allocated: each dim must be non-negative, their
 * product is computed with overflow-checked arithmetic and must stay under the fixed ceiling {@link #MAX_ELEMENTS}, and the
 * data actually present (raw bytes, the typed repeated field, or the external file's real length) must
 * hold exactly that many elements. External data must live in a file inside the model's folder: an
 * absolute location, {@code ..} or a symbolic link leading elsewhere is refused.
 */
public final class OnnxTensors {
    /**
     * Most elements one tensor may declare: 2^28 (1 GiB of float32), far beyond any CNN layer, so that a
     * sparse external-data file cannot make the reader allocate gigabytes it does not need.
     */
    public static final long MAX_ELEMENTS = 1L << 28;

    private OnnxTensors() {}

    /**
     * Where a tensor came from, for messages, and the folder external data is resolved against.
     *
     * @param file   the model's name that messages start with
     * @param folder the folder of external data files, or null if the model may have none
     */
    public record Source(String file, Path folder) {
        String at(String tensor) { return file + ": tensor '" + tensor + "'"; }
    }

    /**
     * Shape of a tensor, validated; a scalar has shape {@code []}.
     *
     * @param t   the tensor
     * @param src where it came from
     * @return its dims as ints
     * @throws FormatException if a dim is negative or they declare more than {@link #MAX_ELEMENTS} elements
     */
    public static int[] shape(TensorProto t, Source src) throws FormatException {
        int[] shape = new int[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0) throw new FormatException(src.at(t.getName()), "dims[" + i + "] is " + d + "; dims must be non-negative");
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new FormatException(src.at(t.getName()), "dims " + t.getDimsList() + " overflow a 64-bit element count");
            }
            if (count > MAX_ELEMENTS) {
                throw new FormatException(src.at(t.getName()), "dims " + t.getDimsList() + " declare more than " + MAX_ELEMENTS + " elements");
            }
            shape[i] = (int) d;
        }
        return shape;
    }

    static int count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return (int) n;
    }

    /**
     * A FLOAT (or DOUBLE, narrowed) tensor as a conv4j tensor of the same shape; a scalar becomes shape [1].
     *
     * @param t   the tensor, its data inline or in an external file
     * @param src where it came from, and where external data is resolved
     * @return the values
     * @throws IOException if external data cannot be read; a {@link FormatException} if the type is not a float
     *                     type or the data does not match the shape
     */
    public static Tensor toFloat(TensorProto t, Source src) throws IOException {
        int[] shape = shape(t, src);
        int n = count(shape);
        String where = src.at(t.getName());
        int type = t.getDataType();
        float[] out;
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            ByteBuffer raw = rawBytes(t, n, 4, src);
            if (raw != null) {
                out = new float[n];
                raw.asFloatBuffer().get(out);
            } else {
                if (t.getFloatDataCount() != n) {
                    throw new FormatException(where, "holds " + t.getFloatDataCount() + " float_data values but dims " + t.getDimsList() + " need " + n);
                }
                out = new float[n];
                for (int i = 0; i < n; i++) out[i] = t.getFloatData(i);
            }
        } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
            ByteBuffer raw = rawBytes(t, n, 8, src);
            out = new float[n];
            if (raw != null) {
                for (int i = 0; i < n; i++) out[i] = (float) raw.getDouble();
            } else {
                if (t.getDoubleDataCount() != n) {
                    throw new FormatException(where, "holds " + t.getDoubleDataCount() + " double_data values but dims " + t.getDimsList() + " need " + n);
                }
                for (int i = 0; i < n; i++) out[i] = (float) t.getDoubleData(i);
            }
        } else {
            throw new FormatException(where, "data_type is " + typeName(type) + "; expected FLOAT");
        }
        return Tensor.wrap(out, shape.length == 0 ? new int[] {1} : shape);
    }

    /**
     * An INT64 (or INT32) tensor's values, e.g. a Reshape target shape or axes.
     *
     * @param t   the tensor, its data inline or in an external file
     * @param src where it came from, and where external data is resolved
     * @return the values in C order
     * @throws IOException if external data cannot be read; a {@link FormatException} if the type is not an integer
     *                     type or the data does not match the shape
     */
    public static long[] toLongs(TensorProto t, Source src) throws IOException {
        int[] shape = shape(t, src);
        int n = count(shape);
        String where = src.at(t.getName());
        int type = t.getDataType();
        long[] out = new long[n];
        if (type == TensorProto.DataType.INT64_VALUE) {
            ByteBuffer raw = rawBytes(t, n, 8, src);
            if (raw != null) {
                raw.asLongBuffer().get(out);
            } else {
                if (t.getInt64DataCount() != n) {
                    throw new FormatException(where, "holds " + t.getInt64DataCount() + " int64_data values but dims " + t.getDimsList() + " need " + n);
                }
                for (int i = 0; i < n; i++) out[i] = t.getInt64Data(i);
            }
        } else if (type == TensorProto.DataType.INT32_VALUE) {
            ByteBuffer raw = rawBytes(t, n, 4, src);
            if (raw != null) {
                for (int i = 0; i < n; i++) out[i] = raw.getInt();
            } else {
                if (t.getInt32DataCount() != n) {
                    throw new FormatException(where, "holds " + t.getInt32DataCount() + " int32_data values but dims " + t.getDimsList() + " need " + n);
                }
                for (int i = 0; i < n; i++) out[i] = t.getInt32Data(i);
            }
        } else {
            throw new FormatException(where, "data_type is " + typeName(type) + "; expected INT64");
        }
        return out;
    }

    /**
     * {@return whether the tensor holds integers (INT64/INT32) rather than floats}
     *
     * @param t the tensor
     */
    public static boolean isInteger(TensorProto t) {
        return t.getDataType() == TensorProto.DataType.INT64_VALUE || t.getDataType() == TensorProto.DataType.INT32_VALUE;
    }

    /**
     * The little-endian bytes of the tensor when stored as raw_data or external data, checked to be
     * exactly {@code n * width} long; null when the values are in a typed repeated field.
     */
    private static ByteBuffer rawBytes(TensorProto t, int n, int width, Source src) throws IOException {
        String where = src.at(t.getName());
        long need = (long) n * width;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(t, need, src).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (!t.hasRawData()) return null;
        ByteString raw = t.getRawData();
        if (raw.size() != need) {
            throw new FormatException(where, "raw_data holds " + raw.size() + " bytes but dims " + t.getDimsList() + " of "
                    + typeName(t.getDataType()) + " need " + need);
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer external(TensorProto t, long need, Source src) throws IOException {
        String where = src.at(t.getName());
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseNonNegative(e.getValue(), "offset", where);
                case "length" -> length = parseNonNegative(e.getValue(), "length", where);
                default -> { } // "checksum" and future keys do not change where the bytes are
            }
        }
        if (location == null || location.isEmpty()) throw new FormatException(where, "external data has no 'location'");
        if (src.folder() == null) throw new FormatException(where, "external data '" + location + "' but the model was not read from a folder");
        if (length >= 0 && length != need) {
            throw new FormatException(where, "external data 'length' is " + length + " but dims " + t.getDimsList() + " need " + need + " bytes");
        }
        Path folder = src.folder().toAbsolutePath().normalize();
        Path target;
        try {
            Path rel = Path.of(location);
            if (rel.isAbsolute()) throw new FormatException(where, "external data location '" + location + "' is absolute; it must be relative to the model's folder");
            target = folder.resolve(rel).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new FormatException(where, "external data location '" + location + "' is not a valid path");
        }
        if (!target.startsWith(folder) || target.equals(folder)) {
            throw new FormatException(where, "external data location '" + location + "' leads outside the model's folder " + folder);
        }
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(target)) {
                Path real = target.toRealPath();
                if (!real.startsWith(folder.toRealPath())) {
                    throw new FormatException(where, "external data location '" + location + "' is a link leading outside the model's folder");
                }
            } else {
                throw new FormatException(where, "external data file '" + location + "' does not exist in " + folder);
            }
        }
        if (!target.toRealPath().startsWith(folder.toRealPath())) {
            throw new FormatException(where, "external data location '" + location + "' leads outside the model's folder " + folder);
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset > size || need > size - offset) {
                throw new FormatException(where, "external data needs bytes " + offset + ".." + (offset + need) + " of '" + location
                        + "', which is only " + size + " bytes long");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) need);
            long pos = offset;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos);
                if (r < 0) throw new FormatException(where, "external data file '" + location + "' ended early");
                pos += r;
            }
            buf.flip();
            return buf;
        }
    }

    private static long parseNonNegative(String s, String key, String where) throws FormatException {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new FormatException(where, "external data '" + key + "' is '" + s + "'; expected a non-negative integer");
        }
    }

    static String typeName(int type) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        return dt == null ? "unknown type " + type : dt.name();
    }

    /**
     * A FLOAT initializer holding {@code t}'s values as little-endian raw_data (copied).
     *
     * @param name  the initializer's name
     * @param t     the values
     * @param shape the dims written, holding as many values as {@code t}; none for {@code t}'s own shape
     * @return the initializer
     */
    public static TensorProto fromFloat(String name, Tensor t, int... shape) {
        float[] v = t.data();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(buf.array()));  // buf is ours alone: no second copy of big weights
        for (int d : (shape.length == 0 ? t.shape() : shape)) b.addDims(d);
        return b.build();
    }

    /**
     * A 1-D INT64 initializer, e.g. a Reshape target shape.
     *
     * @param name   the initializer's name
     * @param values the values, dims [values.length]
     * @return the initializer
     */
    public static TensorProto fromLongs(String name, long... values) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) b.addInt64Data(v);
        return b.build();
    }
}
