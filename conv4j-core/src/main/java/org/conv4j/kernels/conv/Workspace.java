package org.conv4j.kernels.conv;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.kernels.gemm.PackedA;

/**
 * Scratch buffers a layer keeps between batches so that a training step of a fixed shape allocates
 * nothing: column matrices borrowed by whichever thread runs a chunk, and one partial-gradient buffer per
 * chunk (per chunk, not per thread, so reductions are summed in chunk order whatever the thread count).
 * Thread-safe for {@link #take}/{@link #give}.
 */
public final class Workspace {
    private final List<float[]> free = new ArrayList<>(); // guarded by itself
    private float[][] partials = new float[0][];
    private final PackedA[][] packed = new PackedA[2][0];
    private volatile KernelCache kernels;

    /**
     * A buffer of at least {@code size} floats (contents undefined); hand it back with {@link #give}. The
     * smallest free buffer that fits is reused; smaller ones stay free for the callers that want them
     * (a layer takes several sizes per chunk, and dropping the misfits reallocated them every batch).
     */
    public float[] take(int size) {
        synchronized (free) {
            int best = -1;
            for (int i = 0; i < free.size(); i++) {
                int len = free.get(i).length;
                if (len >= size && (best < 0 || len < free.get(best).length)) best = i;
            }
            if (best >= 0) {
                float[] a = free.get(best);
                free.set(best, free.get(free.size() - 1));
                free.remove(free.size() - 1);
                return a;
            }
        }
        return new float[size];
    }

    public void give(float[] a) {
        synchronized (free) {
            free.add(a);
        }
    }

    /**
     * Lets the calls that use this workspace take derived kernels from {@code cache} (null: derive them at
     * every call). Only for weights that stay fixed while the cache is in use; see {@link KernelCache}.
     *
     * @param cache the cache, or null
     */
    public void useKernels(KernelCache cache) { kernels = cache; }

    /** {@return the cache set by {@link #useKernels}, or null} */
    KernelCache kernels() { return kernels; }

    /**
     * The layer's packed weights per group from the last call that used {@code slot} (0: forward, 1:
     * backward), {@code groups} long, for {@link org.conv4j.kernels.gemm.Gemm#pack} to pack over. Not
     * thread-safe.
     */
    public PackedA[] packedWeights(int slot, int groups) {
        if (packed[slot].length != groups) packed[slot] = new PackedA[groups];
        return packed[slot];
    }

    /**
     * {@code count} buffers of {@code size} floats, one per chunk, contents undefined: each chunk's task
     * zeroes its own, in parallel (zeroing them all here was 8 MB of serial writes per res-c128 dW, 2% of
     * a 2-thread step). Not thread-safe.
     */
    public float[][] partials(int count, int size) {
        if (partials.length != count || (count > 0 && partials[0].length != size)) partials = new float[count][size];
        return partials;
    }
}
