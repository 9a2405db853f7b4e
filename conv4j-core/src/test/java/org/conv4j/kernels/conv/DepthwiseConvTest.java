package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * The depthwise forward kernel: the vector version bit for bit against {@link ScalarDepthwiseConv}'s loops,
 * both within rounding of the double-precision direct loops, over kernels 1 to 5 (non-square too), strides
 * 1 to 3, dilation, every padding up to the kernel and images from 1×1; and what the auto mode picks.
 */
class DepthwiseConvTest {
    private static void check(Conv2dConfig cfg, int n, int h, int w, long seed) {
        WindowGeometry g = cfg.geometry(h, w);
        ConvData d = ConvData.of(cfg, n, h, w, seed);
        int outSize = n * cfg.outChannels() * g.outH() * g.outW();
        float[] vector = new float[outSize], scalar = new float[outSize];
        new VectorConvKernels().depthwiseForward(cfg.channels(), g, n, d.x(), d.w(), d.b(), vector, new Workspace());
        new ScalarConvKernels().depthwiseForward(cfg.channels(), g, n, d.x(), d.w(), d.b(), scalar, new Workspace());
        for (int i = 0; i < outSize; i++) {
            if (Float.floatToRawIntBits(vector[i]) != Float.floatToRawIntBits(scalar[i])) {
                throw new AssertionError(cfg.describe() + " on " + n + "x" + h + "x" + w + ": output " + i + " is "
                        + vector[i] + ", the scalar reference " + scalar[i]);
            }
        }
        double[] want = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
        ConvData.assertClose("depthwise forward", cfg, want, vector);
    }

    @Test
    void mobileNetShapes() {
        check(Conv2dConfig.of(32, 32, 3).withPadding(1).withGroups(32), 1, 112, 112, 1);
        check(Conv2dConfig.of(96, 96, 3).withStride(2).withPadding(1).withGroups(96), 2, 56, 56, 2);
        check(Conv2dConfig.of(144, 144, 5).withStride(2).withPadding(2).withGroups(144), 1, 14, 14, 3);
        check(Conv2dConfig.of(960, 960, 3).withPadding(1).withGroups(960).withBias(false), 1, 7, 7, 4);
    }

    @Test
    void randomShapesMatchTheReferenceBitForBit() {
        int threadsBefore = Parallel.threads();
        Rng rng = new Rng(20261207);
        try {
            for (int t = 0; t < 400; t++) {
                Parallel.setThreads(1 + t % 3);
                int ch = 1 + rng.nextInt(9), kh = 1 + rng.nextInt(5), kw = rng.nextInt(3) == 0 ? 1 + rng.nextInt(5) : kh;
                int sh = 1 + rng.nextInt(3), sw = rng.nextInt(2) == 0 ? sh : 1 + rng.nextInt(3), dil = 1 + rng.nextInt(2);
                int pt = rng.nextInt(kh + 1), pb = rng.nextInt(kh + 1), pl = rng.nextInt(kw + 1), pr = rng.nextInt(kw + 1);
                int h = 1 + rng.nextInt(40), w = 1 + rng.nextInt(40);
                Conv2dConfig cfg = Conv2dConfig.of(ch, ch, kh, kw).withStride(sh, sw).withPadding(pt, pb, pl, pr)
                        .withDilation(dil).withGroups(ch).withBias(rng.nextInt(2) == 0);
                int effH = dil * (kh - 1) + 1, effW = dil * (kw - 1) + 1;
                if (h + pt + pb < effH || w + pl + pr < effW) continue;   // the kernel does not fit: no output
                long seed = t;
                try {
                    check(cfg, 1 + rng.nextInt(3), h, w, seed);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("case " + t + " (seed " + seed + "): " + e.getMessage(), e);
                }
            }
        } finally {
            Parallel.setThreads(threadsBefore);
        }
    }

    @Test
    void autoModeTakesItForTheForwardOfDepthwiseLayersOnly() {
        Conv2dConfig dw = Conv2dConfig.of(16, 16, 3).withPadding(1).withGroups(16);
        Conv2dConfig grouped = Conv2dConfig.of(16, 32, 3).withPadding(1).withGroups(16);
        assertTrue(ConvAlgorithm.depthwise(dw));
        assertFalse(ConvAlgorithm.depthwise(grouped), "two outputs per group is not depthwise");
        assertEquals(Kernels.vectorApi() ? ConvAlgorithm.DEPTHWISE : ConvAlgorithm.IM2COL, ConvAlgorithm.choose(dw, dw.geometry(8, 8)));
        assertTrue(ConvAlgorithm.chooseBackward(dw, dw.geometry(8, 8)) != ConvAlgorithm.DEPTHWISE);
        var e = assertThrows(IllegalArgumentException.class, () -> new ScalarConvKernels().depthwiseForward(
                grouped.channels(), grouped.geometry(8, 8), 1, new float[16 * 64], new float[32 * 9], null,
                new float[32 * 64], new Workspace()));
        assertTrue(e.getMessage().contains("16->32 in 16 groups"), e.getMessage());
    }

    @Test
    void scalarReferenceIsTheIm2colProductWhereThatIsFusedMultiplyAdds() {
        // The im2col GEMM computes each output as one FMA chain over the taps too (above its small-product
        // cut-off), so the depthwise path changes no result there.
        // The scalar kernels' GEMM rounds each product before adding it: only the vector GEMM is an FMA chain.
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorApi(), "the scalar GEMM does not use FMAs");
        Conv2dConfig cfg = Conv2dConfig.of(8, 8, 3).withPadding(1).withGroups(8);
        int n = 2, h = 20, w = 20;
        WindowGeometry g = cfg.geometry(h, w);
        ConvData d = ConvData.of(cfg, n, h, w, 9);
        float[] im2col = new float[n * 8 * h * w], depthwise = new float[n * 8 * h * w];
        Im2colConv.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), im2col, new Workspace());
        Kernels.conv().depthwiseForward(cfg.channels(), g, n, d.x(), d.w(), d.b(), depthwise, new Workspace());
        assertArrayEquals(im2col, depthwise);
    }
}
