package org.conv4j.kernels.conv;

/**
 * How the convolution kernels cut a batch for their gradient reductions: into at most
 * {@link #MAX_CHUNKS} chunks of whole images, a function of N alone, each with its own partial dW and dB,
 * summed in chunk order; so gradients are bitwise the same on any number of threads.
 */
final class Chunks {
    /** Chunks per batch at most (bounds the partial buffers). */
    static final int MAX_CHUNKS = 8;
    /** About this many adds per task when the partials are summed on the pool. */
    static final int REDUCE_GRAIN = 1 << 16;

    private Chunks() {}

    /** Images per chunk for a batch of n. */
    static int grain(int n) {
        return Math.max(1, (n + MAX_CHUNKS - 1) / MAX_CHUNKS);
    }
}
