package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.conv4j.activation.Clip;
import org.conv4j.activation.ClipConfig;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.ReLU6;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Layer;
import org.conv4j.model.Sequential;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * A convolution followed by ReLU6 or Clip runs as one layer in a Sequential ({@link ClampedConv2d}): inference
 * clamps inside the convolution, training runs the two. Every algorithm (im2col's 1×1 and strided products,
 * Winograd, depthwise, direct), at batch 1 and 3, must give bitwise what the two layers give one after the
 * other, on outputs that cross both bounds and sit exactly on them.
 */
class ClampedConv2dTest {
    private static Tensor input(Rng rng, int... shape) {
        Tensor x = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) {
            int kind = rng.nextInt(16);
            x.data()[i] = kind == 0 ? Float.NaN : kind == 1 ? -0f : (float) rng.nextGaussian() * 8f;
        }
        return x;
    }

    private static void assertBitwise(Tensor want, Tensor got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int i = 0; i < want.size(); i++) {
            assertEquals(Float.floatToRawIntBits(want.data()[i]), Float.floatToRawIntBits(got.data()[i]), what + ": element " + i);
        }
    }

    @Test
    void fusedInferenceAndTrainingAreBitwiseTheTwoLayers() {
        Conv2dConfig[] convs = {
            Conv2dConfig.of(16, 24, 1),                                       // 1×1: im2col on x itself
            Conv2dConfig.of(8, 12, 3).withStride(2).withPadding(1),          // im2col or direct
            Conv2dConfig.of(16, 16, 3).withPadding(1),                        // Winograd where it pays
            Conv2dConfig.of(16, 16, 3).withPadding(1).depthwise(),            // depthwise
            Conv2dConfig.of(12, 12, 3).withPadding(1).withGroups(4).withBias(false)};
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);   // a lone image splits its bias-and-clamp pass over channels
            Rng rng = new Rng(8);
            for (Conv2dConfig cfg : convs) {
                for (boolean relu6 : new boolean[] {true, false}) {
                    long seed = rng.nextInt(1000);
                    Conv2d a = new Conv2d(cfg, new Rng(seed)), b = new Conv2d(cfg, new Rng(seed));
                    Layer clampA = relu6 ? new ReLU6() : new Clip(ClipConfig.of(-0.5, 2.0));
                    Layer clampB = relu6 ? new ReLU6() : new Clip(ClipConfig.of(-0.5, 2.0));
                    Sequential fused = new Sequential(b, clampB);
                    assertInstanceOf(ClampedConv2d.class, fused.stages().get(0).layer(), "the pair fuses");
                    for (int n : new int[] {1, 3}) {
                        String what = cfg.describe() + " + " + clampA.describe() + ", batch " + n;
                        Tensor x = input(rng, n, cfg.inChannels(), 14, 14);
                        a.setTraining(false);
                        Tensor want = clampA.infer(a.infer(x));
                        assertBitwise(want, fused.infer(x), what + ": infer");
                        a.setTraining(true);
                        Tensor y = clampA.forward(a.forward(x)).copy();
                        assertBitwise(y, fused.forward(x), what + ": forward");
                        Tensor dOut = input(rng, y.shape());
                        Tensor dxA = a.backward(clampA.backward(dOut)).copy();
                        assertBitwise(dxA, fused.backward(dOut), what + ": backward dX");
                        for (int k = 0; k < a.params().size(); k++) {
                            assertBitwise(a.params().get(k).grad(), b.params().get(k).grad(), what + ": " + a.params().get(k).name());
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void onlyAClampRightAfterAConvolutionFuses() {
        Rng rng = new Rng(1);
        Conv2d conv = new Conv2d(Conv2dConfig.of(2, 2, 3).withPadding(1), rng);
        Sequential s = new Sequential(new ReLU(), new ReLU6(), conv, new ReLU(), new ReLU6());
        assertEquals(5, s.stages().size(), "nothing fuses: a ReLU6 after a ReLU, a ReLU after a convolution");
        assertSame(conv, s.stages().get(2).layer(), "a ReLU after a convolution stays apart (it fuses with a max pool)");
    }
}
