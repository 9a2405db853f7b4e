package org.conv4j.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ForkJoinTask;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Cuts a {@link Dataset} into batches {@code (x [B, C, H, W], labels [B])}, epoch after epoch, with seeded
 * shuffling, augmentation and normalisation, preparing the next batch in the background on
 * {@link Parallel}'s pool while the caller computes.
 *
 * <p>Call order: {@code while (loader.hasNext()) train(loader.next());} then {@link #nextEpoch()} and
 * repeat. {@link #state()} may be taken between batches and {@link #restore} puts a new loader (same
 * dataset, same config) exactly there: it then yields bitwise the same batches as the original would.
 *
 * <p>Determinism: the permutation of epoch e is the e-th draw of one generator (by default
 * {@code Rng.torch(config.seed())}, whose draws are torch.randperm's); the augmentation of the image at
 * position p of epoch e uses a generator seeded from (seed, e, p) alone. So batches do not depend on thread count, timing or prefetching.
 *
 * <p>Buffers: the loader reuses two [B, C, H, W] tensors in turn. A returned {@link Batch} is valid until
 * the following call to {@link #next()}; copy {@code x} to keep it longer.
 *
 * <p>Not thread-safe: one thread drives a loader (its prefetch task is internal).
 */
public final class DataLoader {
    private final Dataset data;
    private final LoaderConfig config;
    private final Rng shuffleRng;
    private long augmentationSeed;
    private final Tensor[] slots = new Tensor[2];   // [B, C, H, W] each, used alternately
    private int epoch;
    private int[] order;       // [N] this epoch's order of dataset indices
    private int position;      // index into order of the next batch's first image
    private ForkJoinTask<Batch> pending;   // preparing the batch at pendingPosition, or null
    private int pendingPosition = -1;

    /**
     * A loader whose epoch orders are {@code torch.randperm(N)} after {@code torch.manual_seed(config.seed())}.
     *
     * @param data   the dataset
     * @param config the batching settings
     * @throws IllegalArgumentException if the normalisation does not fit the dataset's channels
     */
    public DataLoader(Dataset data, LoaderConfig config) { this(data, config, Rng.torch(config.seed())); }

    /**
     * A loader that draws each epoch's order from {@code shuffleRng}, which it takes over (with
     * {@link Rng#torch} that is {@code torch.randperm(N)} from the generator's current state). The
     * augmentation draws still come from {@code config.seed()}.
     *
     * @param data       the dataset
     * @param config     the batching settings
     * @param shuffleRng the generator of the epoch orders
     * @throws IllegalArgumentException if the normalisation does not fit the dataset's channels
     */
    public DataLoader(Dataset data, LoaderConfig config, Rng shuffleRng) {
        config.normalization().checkChannels(data.channels());
        this.data = data;
        this.config = config;
        this.shuffleRng = shuffleRng;
        this.augmentationSeed = config.seed();
        this.order = drawOrder();
    }

    /** {@return the dataset this loader batches} */
    public Dataset dataset() { return data; }

    /** {@return the batching settings} */
    public LoaderConfig config() { return config; }

    /** {@return the 0-based current epoch} */
    public int epoch() { return epoch; }

    /** {@return the number of batches in one epoch} */
    public int batchesPerEpoch() {
        int n = data.size(), b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** {@return the number of images yielded per epoch (N, or fewer with dropLast)} */
    public int imagesPerEpoch() {
        return config.dropLast() ? data.size() / config.batchSize() * config.batchSize() : data.size();
    }

    /** {@return the 0-based number of the batch {@link #next()} returns next} */
    public int batchIndex() { return position / config.batchSize(); }

    /** {@return true while the current epoch has a batch left to yield} */
    public boolean hasNext() { return position < imagesPerEpoch(); }

    /** {@return the next batch of this epoch; starts preparing the one after it} */
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has no more batches; call nextEpoch()");
        Batch b;
        if (pending != null && pendingPosition == position) {
            b = pending.join();
            pending = null;
        } else {
            awaitPending();
            b = prepare(position);
        }
        position += b.size();
        if (config.background() && hasNext()) {
            int p = position;
            pendingPosition = p;
            pending = Parallel.pool().submit(() -> prepare(p));
        }
        return b;
    }

    /** Starts the next epoch: a new permutation (if shuffling) and position 0. */
    public void nextEpoch() {
        awaitPending();
        epoch++;
        order = drawOrder();
        position = 0;
    }

    /** {@return the loader's exact position, to store in a checkpoint} */
    public LoaderState state() {
        return new LoaderState(augmentationSeed, epoch, position, order, shuffleRng.state());
    }

    /**
     * Moves this loader to a saved position, seeds included. The state must come from a loader over a
     * dataset of the same size; the config's own seed is then ignored.
     *
     * @param s the saved position
     * @throws IllegalArgumentException if the state is for a dataset of another size
     */
    public void restore(LoaderState s) {
        if (s.order().length != data.size()) {
            throw new IllegalArgumentException("loader state is for " + s.order().length + " images but the dataset "
                    + data.name() + " has " + data.size());
        }
        if (s.position() < 0 || s.position() > data.size()) {
            throw new IllegalArgumentException("loader state position " + s.position() + " outside 0.." + data.size());
        }
        awaitPending();
        epoch = s.epoch();
        position = s.position();
        order = s.order();
        shuffleRng.setState(s.rngState());
        augmentationSeed = s.seed();
    }

    private int[] drawOrder() {
        int[] o = Dataset.identity(data.size());
        if (config.shuffle()) shuffleRng.shuffle(o);
        return o;
    }

    private void awaitPending() {
        if (pending != null) {
            try {
                pending.join();
            } catch (RuntimeException ignored) {
                // the batch is discarded; preparing it again will raise the same error where it is used
            }
            pending = null;
            pendingPosition = -1;
        }
    }

    /** Builds the batch starting at {@code start} of this epoch's order. */
    private Batch prepare(int start) {
        int b = Math.min(config.batchSize(), imagesPerEpoch() - start);
        int c = data.channels(), h = data.height(), w = data.width(), item = data.itemSize();
        int slot = (start / config.batchSize()) & 1;
        Tensor x = slots[slot];
        if (x == null || x.dim(0) != b) {
            x = new Tensor(b, c, h, w);
            if (b == config.batchSize()) slots[slot] = x;
        }
        float[] dst = x.data();
        int[] labels = new int[b], indices = new int[b];
        Augmentation aug = config.augmentation();
        float[] scratch = aug.isNone() ? null : new float[item];
        for (int k = 0; k < b; k++) {
            int i = order[start + k];
            indices[k] = i;
            labels[k] = data.label(i);
            if (scratch == null) {
                data.copyImage(i, dst, k * item);
            } else {
                data.copyImage(i, scratch, 0);
                aug.apply(scratch, 0, dst, k * item, c, h, w, augmentationRng(epoch, start + k));
            }
            if (!config.normalization().isIdentity()) config.normalization().apply(dst, k * item, c, h * w);
        }
        return new Batch(x, labels, indices, epoch, start / config.batchSize());
    }

    private Rng augmentationRng(int e, int p) { return augmentationRng(augmentationSeed, e, p); }

    /**
     * {@return the generator of the augmentation of the image at position {@code p} of epoch {@code e}'s order}
     * For a trainer that builds a loader's batches elsewhere (on Spark's executors) and must augment them as
     * the loader would.
     *
     * @param seed the loader's augmentation seed ({@link LoaderState#seed}; the config's seed unless restored)
     * @param e    the 0-based epoch
     * @param p    the image's position in the epoch's order
     */
    public static Rng augmentationRng(long seed, int e, int p) {
        long s = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        s = (s ^ e) * 0xBF58476D1CE4E5B9L;
        s = (s ^ p) * 0x94D049BB133111EBL;
        return new Rng(s);
    }
}
