package org.conv4j.io;

import java.util.Arrays;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * An n-dimensional array as stored in a .npy file: a dtype, a C-order shape and the values in one flat
 * primitive array ({@code float[]}, {@code double[]}, {@code byte[]} or {@code long[]} per dtype).
 * The arrays are not copied on the way in or out; treat them as owned by this object.
 */
public final class NpyArray {
    private final Npy.DType dtype;
    private final int[] shape;
    private final Object data;

    private NpyArray(Npy.DType dtype, int[] shape, Object data, int length) {
        int n = Shapes.size(shape);
        if (n != length) {
            throw new IllegalArgumentException(dtype + " array has " + length + " values but shape "
                    + Shapes.show(shape) + " needs " + n);
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * A float32 array over {@code data} (not copied).
     *
     * @param data  the values in C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the array
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
     */
    public static NpyArray ofFloat32(float[] data, int... shape) { return new NpyArray(Npy.DType.FLOAT32, shape, data, data.length); }

    /**
     * A float64 array over {@code data} (not copied).
     *
     * @param data  the values in C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the array
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
     */
    public static NpyArray ofFloat64(double[] data, int... shape) { return new NpyArray(Npy.DType.FLOAT64, shape, data, data.length); }

    /**
     * A uint8 array over {@code data} (not copied); Java's signed byte b stands for {@code b & 0xFF}.
     *
     * @param data  the values in C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the array
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
     */
    public static NpyArray ofUint8(byte[] data, int... shape) { return new NpyArray(Npy.DType.UINT8, shape, data, data.length); }

    /**
     * A int64 array over {@code data} (not copied).
     *
     * @param data  the values in C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the array
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
     */
    public static NpyArray ofInt64(long[] data, int... shape) { return new NpyArray(Npy.DType.INT64, shape, data, data.length); }

    /**
     * Integer labels as int64, numpy's default integer type (copied).
     *
     * @param data  the values in C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the array
     * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
     */
    public static NpyArray ofInts(int[] data, int... shape) {
        long[] l = new long[data.length];
        for (int i = 0; i < data.length; i++) l[i] = data[i];
        return ofInt64(l, shape);
    }

    /**
     * {@return a float32 array of the tensor's shape, sharing its data}
     *
     * @param t the tensor
     */
    public static NpyArray of(Tensor t) { return ofFloat32(t.data(), t.shape()); }

    /** {@return the element type, which says which of float32(), float64(), uint8() and int64() holds the values} */
    public Npy.DType dtype() { return dtype; }

    /** {@return a copy of the shape} */
    public int[] shape() { return shape.clone(); }

    /** {@return the number of values, the product of the shape} */
    public int size() { return Shapes.size(shape); }

    /**
     * {@return the raw values, not copied}
     *
     * @throws IllegalStateException unless the dtype is FLOAT32
     */
    public float[] float32() { return (float[]) expect(Npy.DType.FLOAT32); }

    /**
     * {@return the raw values, not copied}
     *
     * @throws IllegalStateException unless the dtype is FLOAT64
     */
    public double[] float64() { return (double[]) expect(Npy.DType.FLOAT64); }

    /**
     * {@return the raw values, not copied}
     *
     * @throws IllegalStateException unless the dtype is UINT8
     */
    public byte[] uint8() { return (byte[]) expect(Npy.DType.UINT8); }

    /**
     * {@return the raw values, not copied}
     *
     * @throws IllegalStateException unless the dtype is INT64
     */
    public long[] int64() { return (long[]) expect(Npy.DType.INT64); }

    private Object expect(Npy.DType want) {
        if (dtype != want) throw new IllegalStateException("array has dtype " + dtype + ", not " + want);
        return data;
    }

    /** {@return a new array of the values converted to double (exact for float32, uint8 and int64 up to 2^53)} */
    public double[] toDoubles() {
        int n = size();
        double[] d = new double[n];
        switch (dtype) {
            case FLOAT32 -> { float[] a = (float[]) data; for (int i = 0; i < n; i++) d[i] = a[i]; }
            case FLOAT64 -> System.arraycopy(data, 0, d, 0, n);
            case UINT8 -> { byte[] a = (byte[]) data; for (int i = 0; i < n; i++) d[i] = a[i] & 0xFF; }
            case INT64 -> { long[] a = (long[]) data; for (int i = 0; i < n; i++) d[i] = a[i]; }
        }
        return d;
    }

    /** {@return a new array of the values converted to float32 (rounding float64 and large int64 values)} */
    public float[] toFloats() {
        if (dtype == Npy.DType.FLOAT32) return ((float[]) data).clone();
        double[] d = toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** {@return a float32 tensor of this shape; it shares the data when the dtype is float32 and converts otherwise} */
    public Tensor toTensor() {
        float[] f = dtype == Npy.DType.FLOAT32 ? (float[]) data : toFloats();
        return Tensor.wrap(f, shape);
    }

    /**
     * {@return the integer values (labels) of an int64 or uint8 array, in a new array}
     *
     * @throws IllegalStateException if the dtype is a float type or an int64 value is outside the int range
     */
    public int[] toInts() {
        int n = size();
        int[] r = new int[n];
        switch (dtype) {
            case UINT8 -> { byte[] a = (byte[]) data; for (int i = 0; i < n; i++) r[i] = a[i] & 0xFF; }
            case INT64 -> {
                long[] a = (long[]) data;
                for (int i = 0; i < n; i++) {
                    if (a[i] != (int) a[i]) throw new IllegalStateException("int64 value " + a[i] + " at index " + i + " does not fit an int");
                    r[i] = (int) a[i];
                }
            }
            default -> throw new IllegalStateException("array has dtype " + dtype + "; integer values need int64 or uint8");
        }
        return r;
    }

    /** The flat primitive array, whichever its type (package use: the writer). */
    Object rawData() { return data; }

    @Override
    public String toString() { return "NpyArray(" + dtype.descr() + ", " + Arrays.toString(shape) + ")"; }
}
