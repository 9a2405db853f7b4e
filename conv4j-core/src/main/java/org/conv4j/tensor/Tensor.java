package org.conv4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order; image batches are NCHW.
 *
 * <p>The data array is exposed on purpose: kernels work on flat arrays. A tensor never changes its
 * size, but {@link #reshape} returns a view that shares the data. Not thread-safe for writes.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    /**
     * A zero-filled tensor of the given shape.
     *
     * @param shape the dimensions, copied; none for a scalar
     * @throws IllegalArgumentException if a dimension is negative or the size exceeds an int array
     */
    public Tensor(int... shape) {
        this.shape = shape.clone();
        this.data = new float[Shapes.size(this.shape)];
    }

    private Tensor(float[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
    }

    /**
     * Wraps {@code data} (not copied) as a tensor of {@code shape}; sizes must agree.
     *
     * @param data  the values, row-major; the tensor shares this array
     * @param shape the dimensions, copied
     * @return the tensor
     * @throws IllegalArgumentException if the product of {@code shape} is not {@code data.length}
     */
    public static Tensor wrap(float[] data, int... shape) {
        long n = Shapes.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        return new Tensor(data, shape.clone());
    }

    /**
     * A tensor of the same shape, zero-filled.
     *
     * @param t the tensor whose shape to take
     * @return a new zero-filled tensor
     */
    public static Tensor zerosLike(Tensor t) {
        return new Tensor(t.shape);
    }

    /** {@return the values in row-major order; the array itself, not a copy, so writes change the tensor} */
    public float[] data() { return data; }

    /**
     * A copy of the shape.
     *
     * @return a new array; changing it does not change the tensor
     */
    public int[] shape() { return shape.clone(); }

    /** {@return the number of dimensions} */
    public int rank() { return shape.length; }

    /**
     * Size of dimension {@code i}; negative {@code i} counts from the end.
     *
     * @param i the dimension, 0 to rank − 1, or −rank to −1 from the end
     * @return the size of that dimension
     * @throws ArrayIndexOutOfBoundsException if {@code i} is outside −rank to rank − 1
     */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    /** {@return the number of values, the product of the shape} */
    public int size() { return data.length; }

    /**
     * Number of values per item of the leading (batch) dimension.
     *
     * @return {@code size() / dim(0)}, or 1 for a scalar
     */
    public int itemSize() { return shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]); }

    /**
     * A view with another shape of the same size, sharing data.
     *
     * @param newShape the dimensions of the view
     * @return a tensor that shares this one's data
     * @throws IllegalArgumentException if {@code newShape} does not have the same number of values
     */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(data, newShape.clone());
    }

    /** {@return a new tensor with the same shape and a copy of the data} */
    public Tensor copy() { return new Tensor(data.clone(), shape.clone()); }

    /**
     * Sets every value to {@code v}.
     *
     * @param v the value
     * @return this tensor
     */
    public Tensor fill(float v) { Arrays.fill(data, v); return this; }

    /**
     * Sets every value to zero.
     *
     * @return this tensor
     */
    public Tensor zero() { return fill(0f); }

    /**
     * {@return whether {@code o} has exactly this tensor's shape}
     *
     * @param o the other tensor
     */
    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    /**
     * {@return whether the shape is exactly {@code s}}
     *
     * @param s the dimensions to compare with
     */
    public boolean hasShape(int... s) { return Arrays.equals(shape, s); }

    /**
     * The value at an index.
     *
     * @param idx one index per dimension
     * @return the value
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public float get(int... idx) { return data[offset(idx)]; }

    /**
     * Sets the value at an index.
     *
     * @param v   the value
     * @param idx one index per dimension
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is outside its dimension
     */
    public void set(float v, int... idx) { data[offset(idx)] = v; }

    private int offset(int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index rank " + idx.length + " for shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            }
            off = off * shape[i] + idx[i];
        }
        return off;
    }

    @Override
    public String toString() { return "Tensor" + Arrays.toString(shape); }
}
