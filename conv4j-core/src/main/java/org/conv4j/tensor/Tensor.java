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

    /** A zero-filled tensor of the given shape. */
    public Tensor(int... shape) {
        this.shape = shape.clone();
        this.data = new float[Shapes.size(this.shape)];
    }

    private Tensor(float[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data} (not copied) as a tensor of {@code shape}; sizes must agree. */
    public static Tensor wrap(float[] data, int... shape) {
        long n = Shapes.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor of the same shape, zero-filled. */
    public static Tensor zerosLike(Tensor t) {
        return new Tensor(t.shape);
    }

    public float[] data() { return data; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int size() { return data.length; }

    /** Number of values per item of the leading (batch) dimension. */
    public int itemSize() { return shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]); }

    /** A view with another shape of the same size, sharing data. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(data, newShape.clone());
    }

    public Tensor copy() { return new Tensor(data.clone(), shape.clone()); }

    public Tensor fill(float v) { Arrays.fill(data, v); return this; }

    public Tensor zero() { return fill(0f); }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    public boolean hasShape(int... s) { return Arrays.equals(shape, s); }

    public float get(int... idx) { return data[offset(idx)]; }

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
