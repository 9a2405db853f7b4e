package org.conv4j.activation;

import java.util.OptionalInt;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;

/**
 * Settings of {@link Softmax} and {@link LogSoftmax}: torch.nn.Softmax's and LogSoftmax's {@code dim}.
 *
 * @param dim the axis the values are normalised along, counted on the full input shape [N, ...] as torch
 *            counts it (so 1 is the channels or classes of [N, C, ...] and 0 would mix the batch);
 *            negative counts from the end. Empty is torch's default {@code dim=None}: torch's (deprecated)
 *            implicit choice, 0 for inputs of rank 0, 1 or 3 and 1 otherwise. Any integer is accepted here;
 *            forward fails on an input of too small a rank, as torch does.
 */
public record SoftmaxConfig(OptionalInt dim) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code dim} is null
     */
    public SoftmaxConfig {
        if (dim == null) throw new IllegalArgumentException("Softmax: dim must be an OptionalInt (empty for torch's dim=None), got null");
    }

    /** {@return torch's default, {@code dim=None}: the implicit choice (see {@link #dim})}; prefer {@link #of(int)} */
    public static SoftmaxConfig of() { return new SoftmaxConfig(OptionalInt.empty()); }

    /**
     * torch's {@code dim=d}.
     *
     * @param dim the axis of the full input shape [N, ...]; negative counts from the end
     * @return the settings
     */
    public static SoftmaxConfig of(int dim) { return new SoftmaxConfig(OptionalInt.of(dim)); }

    /**
     * A copy along another axis.
     *
     * @param d the axis of the full input shape [N, ...]; negative counts from the end
     * @return the new settings
     */
    public SoftmaxConfig withDim(int d) { return new SoftmaxConfig(OptionalInt.of(d)); }

    /** {@return a copy back at torch's {@code dim=None}} */
    public SoftmaxConfig withImplicitDim() { return of(); }

    /**
     * The axis in [0, rank) for an input of the given full shape (batch dimension included), or a
     * ShapeException naming {@code where}, the shape and the allowed range.
     */
    int resolve(String where, int[] shape) {
        int rank = shape.length;
        if (dim.isEmpty()) return rank == 0 || rank == 1 || rank == 3 ? 0 : 1;
        int d = dim.getAsInt();
        int lo = -Math.max(rank, 1), hi = Math.max(rank, 1) - 1; // torch lets a rank-0 tensor use dim 0 or -1
        if (d < lo || d > hi) {
            throw new ShapeException(where + ": dim " + d + " is out of range for x of shape " + Shapes.show(shape)
                    + "; expected dim in [" + lo + ", " + hi + "]");
        }
        return d < 0 ? d + rank : d;
    }

    /** "dim=1", or "dim=None" for the implicit choice, for describe(). */
    String describeArgs() { return "dim=" + (dim.isPresent() ? Integer.toString(dim.getAsInt()) : "None"); }
}
