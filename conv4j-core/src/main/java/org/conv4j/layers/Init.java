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

    public static int fanIn(int[] shape) {
        int f = shape.length > 1 ? shape[1] : shape[0];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        return f;
    }

    public static int fanOut(int[] shape) {
        int f = shape[0];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        return f;
    }

    /** Fills {@code weight} (and {@code bias}, if not null) per {@code scheme}. */
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
     */
    public static void uniform(float[] a, double bound, Rng rng) {
        float from = (float) -bound, to = (float) bound;
        for (int i = 0; i < a.length; i++) a[i] = rng.uniform(from, to);
    }

    public static void normal(float[] a, double std, Rng rng) {
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * std);
    }
}
