package org.conv4j.data;

import org.conv4j.model.Normalization;

/**
 * How a {@link DataLoader} batches a dataset. Defaults live in {@link #train} and {@link #eval}.
 *
 * @param batchSize     images per batch (the last batch of an epoch may be smaller unless dropLast)
 * @param shuffle       a new seeded permutation every epoch
 * @param dropLast      skip the last, incomplete batch of an epoch
 * @param augmentation  random crop / flip, drawn per image from a seed-derived generator
 * @param normalization applied after augmentation
 * @param seed          decides every permutation and every augmentation draw
 * @param background    prepare the next batch on the compute pool while the caller works on this one
 */
public record LoaderConfig(int batchSize, boolean shuffle, boolean dropLast, Augmentation augmentation,
                           Normalization normalization, long seed, boolean background) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code batchSize} is below 1, or augmentation or normalization is null
     */
    public LoaderConfig {
        if (batchSize < 1) throw new IllegalArgumentException("LoaderConfig: batchSize must be at least 1, got " + batchSize);
        if (augmentation == null) throw new IllegalArgumentException("LoaderConfig: augmentation is null; use Augmentation.NONE");
        if (normalization == null) throw new IllegalArgumentException("LoaderConfig: normalization is null; use Normalization.NONE");
    }

    /**
     * {@return the training settings: shuffled every epoch, last batch kept, no augmentation or normalisation,
     * background on}
     *
     * @param batchSize images per batch, at least 1
     * @param seed      decides every permutation and augmentation draw
     */
    public static LoaderConfig train(int batchSize, long seed) {
        return new LoaderConfig(batchSize, true, false, Augmentation.NONE, Normalization.NONE, seed, true);
    }

    /**
     * {@return the evaluation settings: in order, no augmentation, background on}
     *
     * @param batchSize images per batch, at least 1
     */
    public static LoaderConfig eval(int batchSize) {
        return new LoaderConfig(batchSize, false, false, Augmentation.NONE, Normalization.NONE, 0L, true);
    }

    /**
     * {@return a copy with this batch size}
     *
     * @param b images per batch, at least 1
     */
    public LoaderConfig withBatchSize(int b) { return new LoaderConfig(b, shuffle, dropLast, augmentation, normalization, seed, background); }

    /**
     * {@return a copy with shuffling on or off}
     *
     * @param s shuffle every epoch
     */
    public LoaderConfig withShuffle(boolean s) { return new LoaderConfig(batchSize, s, dropLast, augmentation, normalization, seed, background); }

    /**
     * {@return a copy that keeps or drops each epoch's incomplete last batch}
     *
     * @param d drop the incomplete last batch
     */
    public LoaderConfig withDropLast(boolean d) { return new LoaderConfig(batchSize, shuffle, d, augmentation, normalization, seed, background); }

    /**
     * {@return a copy with this augmentation}
     *
     * @param a the augmentation; not null ({@link Augmentation#NONE} for none)
     */
    public LoaderConfig withAugmentation(Augmentation a) { return new LoaderConfig(batchSize, shuffle, dropLast, a, normalization, seed, background); }

    /**
     * {@return a copy with this normalisation}
     *
     * @param n the normalisation; not null ({@link Normalization#NONE} for none)
     */
    public LoaderConfig withNormalization(Normalization n) { return new LoaderConfig(batchSize, shuffle, dropLast, augmentation, n, seed, background); }

    /**
     * {@return a copy with this seed}
     *
     * @param s the seed of every permutation and augmentation draw
     */
    public LoaderConfig withSeed(long s) { return new LoaderConfig(batchSize, shuffle, dropLast, augmentation, normalization, s, background); }

    /**
     * {@return a copy with background preparation on or off}
     *
     * @param b prepare the next batch while the caller works on this one
     */
    public LoaderConfig withBackground(boolean b) { return new LoaderConfig(batchSize, shuffle, dropLast, augmentation, normalization, seed, b); }
}
