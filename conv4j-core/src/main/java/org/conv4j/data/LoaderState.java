package org.conv4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.conv4j.io.FormatException;
import org.conv4j.io.ReadLimits;
import org.conv4j.util.Rng;

/**
 * The exact position of a {@link DataLoader}, for checkpoints: restoring it makes the loader yield the
 * same batches, bit for bit, that it would have yielded had it never stopped.
 *
 * @param seed     the augmentation seed (the loader config's seed when the run started)
 * @param epoch    0-based epoch
 * @param position index into {@code order} of the first image of the next batch
 * @param order    this epoch's permutation of the dataset's indices
 * @param rngState the shuffling generator's state after drawing {@code order} ({@link org.conv4j.util.Rng#state})
 */
public record LoaderState(long seed, int epoch, int position, int[] order, long[] rngState) {
    private static final int MAGIC = 0x434A4C31; // "CJL1": conv4j loader state, version 1
    private static final int HEADER = 24;

    /**
     * Validates the generator state and copies both arrays.
     *
     * @throws IllegalArgumentException if {@code rngState} is not the length of a known generator's state
     */
    public LoaderState {
        if (!Rng.isStateLength(rngState.length)) {
            throw new IllegalArgumentException("loader Rng state has " + Rng.XOSHIRO_STATE_WORDS + " or " + Rng.TORCH_STATE_WORDS
                    + " words, got " + rngState.length);
        }
        order = order.clone();
        rngState = rngState.clone();
    }

    /** {@return a copy of this epoch's permutation} */
    @Override
    public int[] order() { return order.clone(); }

    /** {@return a copy of the shuffling generator's state} */
    @Override
    public long[] rngState() { return rngState.clone(); }

    /**
     * Little-endian bytes: magic, epoch, position, N as int32, seed as int64, order[N] as int32, then the
     * Rng state as int64 (6 or 627 words, by engine).
     *
     * @return the encoded state
     */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * order.length + 8 * rngState.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(epoch).putInt(position).putInt(order.length).putLong(seed);
        for (int i : order) b.putInt(i);
        for (long s : rngState) b.putLong(s);
        return b.array();
    }

    /**
     * Reads {@link #encode}'s bytes, checking every field.
     *
     * @param bytes  the encoded state
     * @param source names the bytes in errors
     * @return the state
     * @throws FormatException naming the source and field if the bytes are malformed
     */
    public static LoaderState decode(byte[] bytes, String source) throws FormatException {
        if (bytes.length < HEADER) throw new FormatException(source, "loader state is " + bytes.length + " bytes, too short");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) throw new FormatException(source, "loader state has a wrong magic number or version");
        int epoch = b.getInt(), position = b.getInt(), n = b.getInt();
        ReadLimits.atMost(source, "loader state epoch", epoch, Integer.MAX_VALUE);
        ReadLimits.atMost(source, "loader state dataset size", n, ReadLimits.MAX_ITEMS);
        long seed = b.getLong();
        long afterOrder = bytes.length - (HEADER + 4L * n);
        if (afterOrder % 8 != 0 || !Rng.isStateLength((int) Math.min(afterOrder / 8, Integer.MAX_VALUE))) {
            long base = HEADER + 4L * n;
            throw new FormatException(source, "loader state of " + n + " items should be " + (base + 8L * Rng.XOSHIRO_STATE_WORDS)
                    + " or " + (base + 8L * Rng.TORCH_STATE_WORDS) + " bytes, is " + bytes.length);
        }
        ReadLimits.atMost(source, "loader state position", position, n);
        int[] order = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int v = b.getInt();
            if (v < 0 || v >= n || seen[v]) {
                throw new FormatException(source, "loader state order is not a permutation (entry " + i + " = " + v + ")");
            }
            seen[v] = true;
            order[i] = v;
        }
        long[] rng = new long[(int) (afterOrder / 8)];
        for (int i = 0; i < rng.length; i++) rng[i] = b.getLong();
        try {
            new Rng(0).setState(rng);
        } catch (IllegalArgumentException e) {
            throw new FormatException(source, "loader state's generator: " + e.getMessage());
        }
        return new LoaderState(seed, epoch, position, order, rng);
    }
}
