package org.conv4j.layers;

import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * Seeded weight initialisation. Fan-in and fan-out follow PyTorch: for a weight of shape
 * [out, in, kh, kw] (or [out, in]), fanIn = in·kh·kw and fanOut = out·kh·kw.
 *
 * <p>The uniform schemes draw as torch's {@code uniform_} does, weight before bias, so with
 * {@link Scheme#TORCH_DEFAULT} on a {@link Rng#torch} generator a layer gets bitwise the values its torch.nn
 * twin gets after the same seed.
 */
public final class Init {
    private Init() {}

    /** The scheme a layer's weights start from; {@link #TORCH_DEFAULT} is what torch.nn layers use. */
    public enum Scheme {
        /** kaiming_uniform with a = √5: U(±1/√fanIn); biases U(±1/√fanIn). */
        TORCH_DEFAULT,
        /** He normal for ReLU networks: N(0, 2/fanIn), biases 0. */
        KAIMING_NORMAL,
        /** He uniform: U(±√(6/fanIn)), biases 0. */
        KAIMING_UNIFORM,
        /** Glorot uniform: U(±√(6/(fanIn+fanOut))), biases 0. */
        XAVIER_UNIFORM,
        /** Glorot normal: N(0, 2/(fanIn+fanOut)), biases 0. */
        XAVIER_NORMAL
    }

    /**
     * Fan-in of a weight: in·kh·kw for [out, in, kh, kw], in for [out, in], the size for a vector.
     *
     * @param shape the weight's shape
     * @return the number of inputs each output sums over
     */
    public static int fanIn(int[] shape) {
        int f = shape.length > 1 ? shape[1] : shape[0];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        return f;
    }

    /**
     * Fan-out of a weight: out·kh·kw for [out, in, kh, kw], out for [out, in].
     *
     * @param shape the weight's shape
     * @return the number of outputs each input feeds
     */
    public static int fanOut(int[] shape) {
        int f = shape[0];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        return f;
    }

    /**
     * Fills {@code weight} (and {@code bias}, if not null) per {@code scheme}.
     *
     * @param scheme the initialisation scheme
     * @param weight [out, in, ...], overwritten
     * @param bias   [out], overwritten; null for none
     * @param rng    source of the values; the weight draws first, then the bias
     */
    public static void apply(Scheme scheme, Tensor weight, Tensor bias, Rng rng) {
        int[] s = weight.shape();
        int fanIn = fanIn(s), fanOut = fanOut(s);
        float[] w = weight.data();
        switch (scheme) {
            case TORCH_DEFAULT -> uniform(w, 1.0 / Math.sqrt(fanIn), rng);
            case KAIMING_NORMAL -> normal(w, Math.sqrt(2.0 / fanIn), rng);
            case KAIMING_UNIFORM -> uniform(w, Math.sqrt(6.0 / fanIn), rng);
            case XAVIER_UNIFORM -> uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
            case XAVIER_NORMAL -> normal(w, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
        }
        if (bias != null) {
            if (scheme == Scheme.TORCH_DEFAULT) uniform(bias.data(), 1.0 / Math.sqrt(fanIn), rng);
            else bias.zero();
        }
    }

    /**
     * U(±bound) by {@link Rng#uniform}: torch's {@code uniform_(-bound, bound)} on a torch generator. torch
     * computes kaiming_uniform's bound as √3·gain/√fanIn, which can differ from the formulas above in the last
     * bit of the double, but not after the rounding to float that both apply (checked for every fan below 200,000).
     *
     * @param a     the values, overwritten
     * @param bound the half-width of the interval
     * @param rng   source of the values, one {@link Rng#uniform} per value in order
     */
    public static void uniform(float[] a, double bound, Rng rng) {
        float from = (float) -bound, to = (float) bound;
        for (int i = 0; i < a.length; i++) a[i] = rng.uniform(from, to);
    }

    /**
     * Fills {@code a} with N(0, std²) draws, one {@link Rng#nextGaussian()} per value in order.
     *
     * @param a   the values, overwritten
     * @param std the standard deviation
     * @param rng source of the values
     */
    public static void normal(float[] a, double std, Rng rng) {
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * std);
    }
}
