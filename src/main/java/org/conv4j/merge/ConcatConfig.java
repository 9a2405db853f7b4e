package org.conv4j.merge;

/**
 * Settings of {@link Concat}, as torch.cat takes them.
 *
 * @param dim the dimension of the full [N, ...] tensor to join along: 1 (channels, the default) or later, or
 *            negative counting from the last; never 0, as every input carries the same batch
 */
public record ConcatConfig(int dim) {
    public static final int DEFAULT_DIM = 1;

    public ConcatConfig {
        if (dim == 0) throw new IllegalArgumentException("Concat: dim 0 is the batch; join along dim 1 (channels) or later");
    }

    public static ConcatConfig of() { return new ConcatConfig(DEFAULT_DIM); }

    public static ConcatConfig of(int dim) { return new ConcatConfig(dim); }

    public ConcatConfig withDim(int dim) { return new ConcatConfig(dim); }
}
