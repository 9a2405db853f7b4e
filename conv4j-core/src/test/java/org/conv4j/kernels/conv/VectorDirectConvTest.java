package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;
import org.junit.jupiter.api.Test;

/**
 * The direct (shifted-row implicit GEMM) convolution against the double-precision direct loops: forward,
 * dX, dW and dB at awkward sizes (1, 3, 13, odd channel counts, F not a multiple of the 4×16 tile),
 * asymmetric kernels and padding, dilation and groups; and its contract details.
 */
class VectorDirectConvTest {
    @Test
    void matchesTheDirectLoopsAtAwkwardSizes() {
        check(Conv2dConfig.of(1, 32, 3).withPadding(1), 3, 28, 28);       // the reference CNN's first layer
        check(Conv2dConfig.of(32, 64, 3).withPadding(1), 2, 14, 14);      // and its second
        check(Conv2dConfig.of(3, 8, 3), 1, 3, 3);                         // one output position
        check(Conv2dConfig.of(5, 9, 3).withPadding(2), 2, 1, 1);          // 1×1 image, padding wider than it
        check(Conv2dConfig.of(7, 13, 3).withPadding(1), 3, 13, 13);
        check(Conv2dConfig.of(3, 17, 5, 3).withPadding(2, 1), 2, 13, 9);  // non-square kernel and padding
        check(Conv2dConfig.of(3, 11, 3, 5).withPadding(0, 1, 2, 4), 2, 7, 11);  // asymmetric padding
        check(Conv2dConfig.of(4, 10, 3).withPadding(2).withDilation(2), 2, 13, 12);
        check(Conv2dConfig.of(6, 16, 3).withPadding(1).withGroups(2), 2, 9, 7);
        check(Conv2dConfig.of(13, 8, 1).withPadding(0, 0, 0, 0), 3, 7, 5, false);  // 1×1: im2col's in auto
        check(Conv2dConfig.of(9, 8, 1).withBias(false), 2, 1, 207, false);
        check(Conv2dConfig.of(6, 8, 1).withPadding(0, 0, 0, 0).withDilation(2), 2, 5, 4, false);
        check(Conv2dConfig.of(2, 24, 2).withPadding(1, 0, 1, 0), 2, 6, 5); // even kernel, one-sided pad
    }

    @Test
    void stridedConvolutionsThroughThePhasePlanes() {
        check(Conv2dConfig.of(3, 32, 5).withStride(2).withPadding(2), 2, 32, 32);  // the strided-k5 standard shape
        check(Conv2dConfig.of(3, 8, 3).withStride(2), 3, 13, 13);                 // odd size, no padding
        check(Conv2dConfig.of(5, 9, 3).withStride(3).withPadding(1), 2, 13, 11);  // stride 3, size not a multiple
        check(Conv2dConfig.of(4, 12, 3, 5).withStride(2, 1).withPadding(1, 2), 2, 9, 7);  // stride per axis
        check(Conv2dConfig.of(2, 10, 3).withStride(1, 3).withPadding(0, 1, 2, 0), 2, 8, 13);
        check(Conv2dConfig.of(3, 8, 3).withStride(2).withPadding(2).withDilation(2), 2, 11, 12);  // dilated
        check(Conv2dConfig.of(6, 16, 3).withStride(2).withPadding(1).withGroups(2), 2, 9, 7);
        check(Conv2dConfig.of(4, 8, 4).withStride(4), 1, 8, 8);                   // patchify: stride = kernel
        // Rows split into their two phase planes by vector permutations (two vectors at a time, then a
        // scalar tail), from an odd and an even left padding.
        check(Conv2dConfig.of(3, 8, 3).withStride(2).withPadding(1), 2, 5, 37);
        check(Conv2dConfig.of(2, 9, 5).withStride(2).withPadding(2, 3), 2, 6, 69);
        check(Conv2dConfig.of(3, 8, 2, 3).withStride(2), 2, 2, 207);              // one output row
        check(Conv2dConfig.of(2, 8, 3).withStride(2).withPadding(4), 2, 5, 5);    // padding wider than the kernel
    }

    @Test
    void supportsOnlyWhatItComputes() {
        assertTrue(ConvAlgorithm.direct(Conv2dConfig.of(8, 8, 3).withPadding(1), WindowGeometry.of(8, 8, 3, 3, 1, 1)));
        assertTrue(ConvAlgorithm.direct(Conv2dConfig.of(8, 8, 3).withStride(2), WindowGeometry.of(8, 8, 3, 3, 2, 0)),
                "stride 2");
        Conv2dConfig depthwise = Conv2dConfig.of(8, 8, 3).withPadding(1).depthwise();
        assertFalse(ConvAlgorithm.direct(depthwise, depthwise.geometry(8, 8)), "one output channel per group");
        Conv2dConfig pointwise = Conv2dConfig.of(8, 8, 1);
        assertFalse(ConvAlgorithm.direct(pointwise, pointwise.geometry(8, 8)), "1×1: x is its own column matrix");

        Conv2dConfig wide = Conv2dConfig.of(8, 8, 3).withPadding(3);
        assertTrue(ConvAlgorithm.direct(wide, wide.geometry(8, 8)));
        assertFalse(VectorDirectConv.transposable(wide.channels(), wide.geometry(8, 8)), "padding beyond kernel − 1 makes dX a crop");
        Conv2dConfig first = Conv2dConfig.of(1, 32, 3).withPadding(1);
        assertFalse(VectorDirectConv.transposable(first.channels(), first.geometry(28, 28)), "dX with one input channel");
        assertFalse(ConvAlgorithm.directPaysForward(first, first.geometry(28, 28)), "9 products per output: im2col's forward");
        assertEquals(Kernels.vectorApi() ? ConvAlgorithm.DIRECT : ConvAlgorithm.IM2COL, ConvAlgorithm.chooseBackward(first, first.geometry(28, 28)));
        Conv2dConfig strided = Conv2dConfig.of(8, 8, 3).withStride(2).withPadding(1);
        assertFalse(VectorDirectConv.transposable(strided.channels(), strided.geometry(8, 8)), "stride 2");
        assertEquals(Kernels.vectorApi() ? ConvAlgorithm.DIRECT : ConvAlgorithm.IM2COL, ConvAlgorithm.choose(strided, strided.geometry(8, 8)));
        Conv2dConfig second = Conv2dConfig.of(32, 64, 3).withPadding(1);
        assertTrue(VectorDirectConv.transposable(second.channels(), second.geometry(14, 14)));
    }

    @Test
    void noInputGradientWhenDxIsNull() {
        Conv2dConfig cfg = Conv2dConfig.of(3, 8, 3).withPadding(1);
        int n = 2, h = 6, w = 5;
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels());
        WindowGeometry g = cfg.geometry(h, w);
        float[] dW = new float[d.w().length], dB = new float[8];
        VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), null, dW, dB, new Workspace());
        double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
        ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
        ConvData.assertClose("dWeight", cfg, want.dW(), dW);
        ConvData.assertClose("dBias", cfg, want.dB(), dB);
    }

    @Test
    void gradientsAreBitwiseIdenticalForAnyThreadCount() {
        // dX as a transposed convolution, and folded back on the phase planes
        gradientsBitwiseForAnyThreadCount(Conv2dConfig.of(5, 12, 3).withPadding(1));
        gradientsBitwiseForAnyThreadCount(Conv2dConfig.of(3, 12, 5).withStride(2).withPadding(2));
    }

    private static void gradientsBitwiseForAnyThreadCount(Conv2dConfig cfg) {
        int n = 13, h = 9, w = 11;
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels());
        WindowGeometry g = cfg.geometry(h, w);
        int before = Parallel.threads();
        float[][] got = new float[3][];
        try {
            int[] threads = {1, 2, 4};
            for (int t = 0; t < 3; t++) {
                Parallel.setThreads(threads[t]);
                float[] dX = new float[d.x().length], dW = new float[d.w().length], dB = new float[12];
                VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, new Workspace());
                float[] all = new float[dX.length + dW.length + dB.length];
                System.arraycopy(dX, 0, all, 0, dX.length);
                System.arraycopy(dW, 0, all, dX.length, dW.length);
                System.arraycopy(dB, 0, all, dX.length + dW.length, dB.length);
                got[t] = all;
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(got[0], got[1]);
        assertArrayEquals(got[0], got[2]);
    }

    @Test
    void padsEveryImageOfATaskIntoADirtyBuffer() {
        // n = 13 cuts the backward into chunks of 2 images: each task pads its second image into the
        // buffer of the first, whose padding was zeroed once. The Workspace starts full of NaN buffers,
        // so any cell that is neither cleared nor overwritten shows up.
        Conv2dConfig[] cfgs = {
                Conv2dConfig.of(5, 12, 3).withPadding(1),
                Conv2dConfig.of(3, 12, 5).withStride(2).withPadding(2),
                Conv2dConfig.of(6, 16, 3).withPadding(2).withGroups(2),
                Conv2dConfig.of(1, 8, 3).withPadding(1)};   // one input channel: dX row by row
        for (Conv2dConfig cfg : cfgs) {
            int n = 13, h = 9, w = 11;
            ConvData d = ConvData.of(cfg, n, h, w, 7L + cfg.outChannels());
            WindowGeometry g = cfg.geometry(h, w);
            Workspace ws = new Workspace();
            for (int i = 0; i < 24; i++) {
                float[] junk = new float[1 << (6 + i % 12)];
                java.util.Arrays.fill(junk, Float.NaN);
                ws.give(junk);
            }
            float[] out = new float[d.dOut().length], dX = new float[d.x().length];
            float[] dW = new float[d.w().length], dB = new float[cfg.outChannels()];
            VectorDirectConv.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, ws);
            VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, ws);
            double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
            ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
            ConvData.assertClose("out", cfg, wantOut, out);
            ConvData.assertClose("dX", cfg, want.dX(), dX);
            ConvData.assertClose("dWeight", cfg, want.dW(), dW);
            ConvData.assertClose("dBias", cfg, want.dB(), dB);
        }
    }

    @Test
    void gradientsAddIntoWhatIsThere() {
        Conv2dConfig cfg = Conv2dConfig.of(2, 8, 3).withPadding(1);
        int n = 2, h = 5, w = 5;
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels());
        WindowGeometry g = cfg.geometry(h, w);
        float[] dW = new float[d.w().length], dB = new float[8];
        java.util.Arrays.fill(dW, 1f);
        java.util.Arrays.fill(dB, 2f);
        float[] dX = new float[d.x().length];
        java.util.Arrays.fill(dX, Float.NaN);  // overwritten, whatever it held
        VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, new Workspace());
        double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
        ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
        for (int i = 0; i < dW.length; i++) assertEquals(want.dW()[i] + 1, dW[i], 1e-4);
        for (int i = 0; i < dB.length; i++) assertEquals(want.dB()[i] + 2, dB[i], 1e-4);
        ConvData.assertClose("dX", cfg, want.dX(), dX);
    }

    /** Random input, weights, bias and upstream gradient for one configuration. */

    private static void check(Conv2dConfig cfg, int n, int h, int w) {
        check(cfg, n, h, w, true);
    }

    /** {@code chosen}: whether the automatic choice sends this shape here (it is computed here either way). */
    private static void check(Conv2dConfig cfg, int n, int h, int w, boolean chosen) {
        WindowGeometry g = cfg.geometry(h, w);
        assertEquals(chosen, ConvAlgorithm.direct(cfg, g), "the direct path's choice for " + cfg.describe());
        ConvData d = ConvData.of(cfg, n, h, w, 31L * h + w + cfg.outChannels());
        Workspace ws = new Workspace();
        float[] out = new float[n * cfg.outChannels() * g.outH() * g.outW()];
        VectorDirectConv.forward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, ws);
        float[] dX = new float[d.x().length], dW = new float[d.w().length], dB = d.b() == null ? null : new float[d.b().length];
        VectorDirectConv.backward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, ws);
        double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
        ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
        ConvData.assertClose("out", cfg, wantOut, out);
        ConvData.assertClose("dX", cfg, want.dX(), dX);
        ConvData.assertClose("dWeight", cfg, want.dW(), dW);
        if (dB != null) ConvData.assertClose("dBias", cfg, want.dB(), dB);
    }
}
