package org.conv4j.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.conv4j.kernels.Kernels;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * The sampled form of {@code org.conv4j.experiments.ActivationUlps} (which walks all 2³² floats): sigmoid,
 * tanh, GELU and their slopes within one ulp of the double-precision definitions ({@link ActivationReference}) on
 * four million seeded floats (random bit patterns, so every exponent; uniform over [−110, 110], which
 * crosses every branch and underflow; unit Gaussians) and the special values, and the kernels
 * {@link Kernels#activation()} picked giving the scalar reference's bits on all of them.
 */
class SmoothActivationAccuracyTest {
    private static final int N = 1 << 22;

    private static float[] samples() {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0.5625f, Math.nextDown(0.5625f),
                -0.7517915f, 2f, -2f, 6f, -6f, Math.nextDown(6f), Math.nextUp(-6f),
                -0.5625f, 9.01f, 16.6f, 43.4f, 52.7f, 87.3f, -87.3f, 103.97f, -103.97f, 104f, -106f, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] x = new float[N + special.length];
        Rng rng = new Rng(21);
        for (int i = 0; i < N; i++) {
            x[i] = switch (i % 3) {
                case 0 -> Float.intBitsToFloat(rng.nextInt());
                case 1 -> -110f + 220f * rng.nextFloat();
                default -> (float) rng.nextGaussian();
            };
        }
        System.arraycopy(special, 0, x, N, special.length);
        return x;
    }

    private static void assertWithinOneUlp(String name, float[] x, float[] got, DoubleUnaryOperator ref) {
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            double e = ActivationReference.ulps(got[i], ref.applyAsDouble(x[i]));
            if (e > worst) {
                worst = e;
                at = x[i];
            }
        }
        assertTrue(worst <= 1, name + ": " + worst + " ulp at x = " + at);
    }

    private static void assertSameBits(String name, float[] x, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), name + " at x = " + x[i]);
        }
    }

    @Test
    void sigmoidAndItsSlopeWithinOneUlpAndTheScalarBits() {
        float[] x = samples(), y = new float[x.length], d = new float[x.length], ys = new float[x.length], ds = new float[x.length];
        Kernels.activation().sigmoidForward(x.length, x, 0, y, d, 0);
        assertWithinOneUlp("sigmoid", x, y, ActivationReference::sigmoid);
        assertWithinOneUlp("sigmoid'", x, d, ActivationReference::sigmoidDerivative);
        new ScalarActivationKernels().sigmoidForward(x.length, x, 0, ys, ds, 0);
        assertSameBits("sigmoid", x, ys, y);
        assertSameBits("sigmoid'", x, ds, d);
    }

    @Test
    void tanhAndItsSlopeWithinOneUlpAndTheScalarBits() {
        float[] x = samples(), y = new float[x.length], d = new float[x.length], ys = new float[x.length], ds = new float[x.length];
        Kernels.activation().tanhForward(x.length, x, 0, y, d, 0);
        assertWithinOneUlp("tanh", x, y, Math::tanh);
        assertWithinOneUlp("tanh'", x, d, ActivationReference::tanhDerivative);
        new ScalarActivationKernels().tanhForward(x.length, x, 0, ys, ds, 0);
        assertSameBits("tanh", x, ys, y);
        assertSameBits("tanh'", x, ds, d);
    }

    @Test
    void geluAndItsSlopeWithinOneUlpAndTheScalarBits() {
        float[] x = samples(), y = new float[x.length], d = new float[x.length], ys = new float[x.length], ds = new float[x.length];
        Kernels.activation().geluForward(x.length, x, 0, y, d, 0);
        assertWithinOneUlp("gelu", x, y, ActivationReference::gelu);
        assertWithinOneUlp("gelu'", x, d, ActivationReference::geluDerivative);
        new ScalarActivationKernels().geluForward(x.length, x, 0, ys, ds, 0);
        assertSameBits("gelu", x, ys, y);
        assertSameBits("gelu'", x, ds, d);
        // Around the derivative's root (x = −0.7517915…), where Φ(x) and x·φ(x) cancel: every float within
        // 2⁻¹² of it, whose slopes run down to about 1e-8.
        float[] near = new float[1 << 13];
        float f = -0.7517915f;
        for (int i = 0; i < near.length / 2; i++) f = Math.nextDown(f);
        for (int i = 0; i < near.length; i++, f = Math.nextUp(f)) near[i] = f;
        float[] yn = new float[near.length], dn = new float[near.length];
        Kernels.activation().geluForward(near.length, near, 0, yn, dn, 0);
        assertWithinOneUlp("gelu' near its root", near, dn, ActivationReference::geluDerivative);
    }

    @Test
    void saturationNaNAndInfinities() {
        float[] x = {Float.NEGATIVE_INFINITY, -200f, -0f, 0f, 200f, Float.POSITIVE_INFINITY, Float.NaN};
        float[] y = new float[x.length], d = new float[x.length];
        for (ActivationKernels k : new ActivationKernels[] {Kernels.activation(), new ScalarActivationKernels()}) {
            k.sigmoidForward(x.length, x, 0, y, d, 0);
            assertEquals("[0.0, 0.0, 0.5, 0.5, 1.0, 1.0, NaN]", java.util.Arrays.toString(y), k.name());
            assertEquals("[0.0, 0.0, 0.25, 0.25, 0.0, 0.0, NaN]", java.util.Arrays.toString(d), k.name());
            k.tanhForward(x.length, x, 0, y, d, 0);
            assertEquals("[-1.0, -1.0, -0.0, 0.0, 1.0, 1.0, NaN]", java.util.Arrays.toString(y), k.name());
            assertEquals("[0.0, 0.0, 1.0, 1.0, 0.0, 0.0, NaN]", java.util.Arrays.toString(d), k.name());
            // GELU as PyTorch: −∞·Φ(−∞) = −∞·0 is NaN, and so is its derivative 1 + ∞·0 at ±∞.
            k.geluForward(x.length, x, 0, y, d, 0);
            assertEquals("[NaN, -0.0, -0.0, 0.0, 200.0, Infinity, NaN]", java.util.Arrays.toString(y), k.name());
            assertEquals("[NaN, 0.0, 0.5, 0.5, 1.0, NaN, NaN]", java.util.Arrays.toString(d), k.name());
        }
    }
}
