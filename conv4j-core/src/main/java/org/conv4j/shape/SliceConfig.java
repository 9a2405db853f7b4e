package org.conv4j.shape;

/**
 * Settings of {@link Slice}: the Python slice {@code x[..., start:end:step]} along one dimension
 * {@code dim} of the batched tensor (0 is the batch, so 1 is the channels of [N, C, H, W]).
 *
 * <p>Indices follow Python: a negative dim counts from the last; a negative start or end counts from the
 * end of the dimension; both are then clamped to [0, size]. Defaults live in {@link #of(int, int, int)}
 * and {@link #of(int)}: step 1, and {@code end} = {@link #TO_END}. The batch dimension cannot be sliced
 * (a layer keeps N), and a slice that selects nothing is refused when it meets its input.
 *
 * @param dim   the dimension, counting the batch as 0; negative counts from the last
 * @param start first index (inclusive)
 * @param end   index to stop before (exclusive); {@link #TO_END} for Python's omitted end
 * @param step  stride between selected indices, at least 1
 */
public record SliceConfig(int dim, int start, int end, int step) {
    /** Python's omitted end: the slice runs to the end of the dimension. */
    public static final int TO_END = Integer.MAX_VALUE;

    /**
     * Validates the dimension and the step.
     *
     * @throws IllegalArgumentException if {@code dim} is 0 (the batch) or {@code step} is below 1
     */
    public SliceConfig {
        if (dim == 0) throw new IllegalArgumentException("Slice: dim 0 is the batch, which a layer cannot slice; use dim >= 1 or < 0");
        if (step < 1) throw new IllegalArgumentException("Slice: step must be positive, got " + step);
    }

    /**
     * {@code x[..., start:end]} along dim.
     *
     * @param dim   the dimension, not 0; negative counts from the last
     * @param start first index; negative counts from the end
     * @param end   index to stop before; negative counts from the end, {@link #TO_END} for all the rest
     * @return the settings, step 1
     * @throws IllegalArgumentException if {@code dim} is 0
     */
    public static SliceConfig of(int dim, int start, int end) { return new SliceConfig(dim, start, end, 1); }

    /**
     * The whole of dim (a copy); narrow it with {@link #withStart} and {@link #withEnd}.
     *
     * @param dim the dimension, not 0; negative counts from the last
     * @return the settings
     * @throws IllegalArgumentException if {@code dim} is 0
     */
    public static SliceConfig of(int dim) { return of(dim, 0, TO_END); }

    /**
     * A copy with another first index.
     *
     * @param start first index; negative counts from the end
     * @return the new settings
     */
    public SliceConfig withStart(int start) { return new SliceConfig(dim, start, end, step); }

    /**
     * A copy with another end.
     *
     * @param end index to stop before; negative counts from the end, {@link #TO_END} for all the rest
     * @return the new settings
     */
    public SliceConfig withEnd(int end) { return new SliceConfig(dim, start, end, step); }

    /**
     * A copy with another step.
     *
     * @param step stride between selected indices, at least 1
     * @return the new settings
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    public SliceConfig withStep(int step) { return new SliceConfig(dim, start, end, step); }

    /** The dimension index into a shape of {@code rank} dims (batch included); fails if out of range or 0. */
    int resolveDim(String where, int[] shape) {
        int rank = shape.length, d = dim < 0 ? dim + rank : dim;
        if (d < 1 || d >= rank) {
            throw new org.conv4j.tensor.ShapeException(where + ": dim " + dim + " is not a non-batch dimension of a tensor of shape "
                    + org.conv4j.tensor.Shapes.show(shape));
        }
        return d;
    }

    /** Python's slice.indices: start clamped into [0, size]. */
    int first(int size) { return clamp(start, size); }

    /** How many indices the slice selects from a dimension of {@code size}. */
    int count(int size) {
        int s = clamp(start, size), e = clamp(end, size);
        return e <= s ? 0 : (e - s + step - 1) / step;
    }

    private static int clamp(int i, int size) {
        long v = i < 0 ? (long) i + size : i;
        return (int) Math.min(Math.max(v, 0), size);
    }

    /**
     * {@code Slice(dim=1, 2:-1)}, with {@code :step} when not 1 and an empty end for {@link #TO_END}.
     *
     * @return a one-line summary in Python's slice notation
     */
    public String describe() {
        return "Slice(dim=" + dim + ", " + start + ":" + (end == TO_END ? "" : end) + (step == 1 ? "" : ":" + step) + ")";
    }
}
