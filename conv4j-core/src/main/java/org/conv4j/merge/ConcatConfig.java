package org.conv4j.merge;

/**
 * Settings of {@link Concat}, as torch.cat takes them.
 *
 * @param dim the dimension of the full [N, ...] tensor to join along: 1 (channels, the default) or later, or
 *            negative counting from the last; never 0, as every input carries the same batch
 */
public record ConcatConfig(int dim) {
    /** The channels of [N, C, ...], torch's usual choice for joining branches. */
    public static final int DEFAULT_DIM = 1;

    /**
     * Validates the dimension; its range is checked against the inputs' rank at forward.
     *
     * @throws IllegalArgumentException if {@code dim} is 0 (the batch)
     */
    public ConcatConfig {
        if (dim == 0) throw new IllegalArgumentException("Concat: dim 0 is the batch; join along dim 1 (channels) or later");
    }

    /** {@return the default settings: join along the channels, dim 1} */
    public static ConcatConfig of() { return new ConcatConfig(DEFAULT_DIM); }

    /**
     * torch.cat's {@code dim}.
     *
     * @param dim the dimension of [N, ...] to join along, 1 or later, or negative counting from the last
     * @return the settings
     * @throws IllegalArgumentException if {@code dim} is 0 (the batch)
     */
    public static ConcatConfig of(int dim) { return new ConcatConfig(dim); }

    /**
     * A copy along another dimension.
     *
     * @param dim the dimension of [N, ...] to join along, 1 or later, or negative counting from the last
     * @return the new settings
     * @throws IllegalArgumentException if {@code dim} is 0 (the batch)
     */
    public ConcatConfig withDim(int dim) { return new ConcatConfig(dim); }
}
