package org.conv4j.kernels.conv;

import java.util.function.Supplier;
import org.conv4j.kernels.gemm.PackedA;

/**
 * Kernels a convolution derives from its weights (Winograd's transformed kernel U = G g Gᵀ, the packed
 * weights of im2col and of the direct convolution), kept across inference calls instead of derived at every
 * call. A layer hands one to {@link Workspace#useKernels} only while its weights are fixed: the cache cannot
 * see writes to the weights, so its owner drops it (a new cache, or none) whenever they may change. At batch 1 the transform of a 512 × 512 × 3 × 3 kernel costs
 * more than the convolution of a 7 × 7 image with it.
 *
 * <p>Thread-safe: concurrent inference calls share one cache; the first to need an entry computes it, the
 * others wait for it.
 */
public final class KernelCache {
    private float[] weights;   // the array the entry was derived from; guarded by this
    private float[] winograd;  // guarded by this
    private float[] im2colWeights;  // guarded by this
    private PackedA[] im2col;       // guarded by this
    private float[] directWeights;  // guarded by this
    private float[][] direct;       // guarded by this

    /**
     * Winograd's packed forward kernel of {@code w}, computed by {@code pack} on first use; an entry for another
     * weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed kernel; callers only read it
     */
    synchronized float[] winograd(float[] w, Supplier<float[]> pack) {
        if (winograd == null || weights != w) {
            winograd = pack.get();
            weights = w;
        }
        return winograd;
    }

    /**
     * The im2col product's packed weights per group for {@code w}, computed by {@code pack} on first use; an entry
     * for another weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed weights; callers only read them
     */
    synchronized PackedA[] im2col(float[] w, Supplier<PackedA[]> pack) {
        if (im2col == null || im2colWeights != w) {
            im2col = pack.get();
            im2colWeights = w;
        }
        return im2col;
    }

    /**
     * The direct convolution's packed weight rows per group for {@code w}, computed by {@code pack} on first use;
     * an entry for another weight array is replaced.
     *
     * @param w    the weights the entry belongs to, compared by identity
     * @param pack computes the entry
     * @return the packed rows; callers only read them
     */
    synchronized float[][] direct(float[] w, Supplier<float[][]> pack) {
        if (direct == null || directWeights != w) {
            direct = pack.get();
            directWeights = w;
        }
        return direct;
    }
}
