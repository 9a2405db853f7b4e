package org.conv4j.layers;

import org.conv4j.tensor.Tensor;

/**
 * Output and gradient buffers a layer keeps between batches, so a training loop does not allocate a
 * new tensor per layer per step (see the reuse rule in {@link Layer}).
 */
public final class Buffers {
    private Buffers() {}

    /**
     * {@code buf} when it already has {@code shape}, otherwise a new zero tensor of that shape.
     *
     * @param buf   the buffer from the last call, or null
     * @param shape the shape needed now
     * @return {@code buf} or a new tensor; a reused one keeps its old values
     */
    public static Tensor reuse(Tensor buf, int... shape) {
        return buf != null && buf.hasShape(shape) ? buf : new Tensor(shape);
    }

    /**
     * {@code buf} when it has {@code like}'s shape, otherwise a new zero tensor of that shape.
     *
     * @param buf  the buffer from the last call, or null
     * @param like a tensor of the shape needed now
     * @return {@code buf} or a new tensor; a reused one keeps its old values
     */
    public static Tensor reuse(Tensor buf, Tensor like) {
        return buf != null && buf.sameShape(like) ? buf : Tensor.zerosLike(like);
    }
}
