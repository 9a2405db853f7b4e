package org.conv4j.conv;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Scratch buffers a layer keeps between batches so that a training step of a fixed shape allocates
 * nothing: column matrices borrowed by whichever thread runs a chunk, and one partial-gradient buffer per
 * chunk (per chunk, not per thread, so reductions are summed in chunk order whatever the thread count).
 * Thread-safe for {@link #take}/{@link #give}.
 */
public final class Workspace {
    private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();
    private float[][] partials = new float[0][];

    /** A buffer of at least {@code size} floats (contents undefined); hand it back with {@link #give}. */
    public float[] take(int size) {
        float[] a;
        while ((a = free.poll()) != null) {
            if (a.length >= size) return a;
        }
        return new float[size];
    }

    public void give(float[] a) { free.offer(a); }

    /** {@code count} zero-filled buffers of {@code size} floats, one per chunk. Not thread-safe. */
    public float[][] partials(int count, int size) {
        if (partials.length != count || (count > 0 && partials[0].length != size)) {
            partials = new float[count][size];
        } else {
            for (float[] p : partials) Arrays.fill(p, 0f);
        }
        return partials;
    }
}
