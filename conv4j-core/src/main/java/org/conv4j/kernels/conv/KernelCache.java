package org.conv4j.kernels.conv;

import java.util.function.Supplier;
import org.conv4j.kernels.gemm.PackedA;

/**
 * Kernels a convolution derives from its weights (Winograd's transformed kernel U = G g Gᵀ, the packed
 * weights of im2col and of the direct convolution), kept across inference calls instead of derived at every
 * call. A layer hands one to {@link Workspace#useKernels} only while its weights are fixed: the cache cannot
 * see writes to the weights, so its owner drops it (a new cache, or none) whenever they may change. At batch 1
 * the transform of a 512 × 512 × 3 × 3 kernel costs more than the convolution of a 7 × 7 image with it.
 *
 * <p>Thread-safe: concurrent inference calls share one cache; the first to need an entry computes it, the
 * others wait for it.
 */
public final class KernelCache {
    private final Entry<float[]> winograd = new Entry<>();
    private final Entry<PackedA[]> im2col = new Entry<>();
    private final Entry<float[][]> direct = new Entry<>();

    /**
     * Winograd's packed forward kernel of {@code w}, computed by {@code pack} on first use; an entry for another
     * weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed kernel; callers only read it
     */
    float[] winograd(float[] w, Supplier<float[]> pack) { return winograd.get(w, pack); }

    /**
     * The im2col product's packed weights per group for {@code w}, computed by {@code pack} on first use; an entry
     * for another weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed weights; callers only read them
     */
    PackedA[] im2col(float[] w, Supplier<PackedA[]> pack) { return im2col.get(w, pack); }

    /**
     * The direct convolution's packed weight rows per group for {@code w}, computed by {@code pack} on first use;
     * an entry for another weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed rows; callers only read them
     */
    float[][] direct(float[] w, Supplier<float[][]> pack) { return direct.get(w, pack); }

    /** One derived value and the weight array it was derived from. */
    private static final class Entry<T> {
        private float[] weights;  // guarded by this
        private T value;          // guarded by this

        synchronized T get(float[] w, Supplier<T> derive) {
            if (value == null || weights != w) {
                value = derive.get();
                weights = w;
            }
            return value;
        }
    }
}
