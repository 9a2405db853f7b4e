package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.tensor.WindowGeometry;
import org.junit.jupiter.api.Test;

/**
 * The scalar convolution kernels (the {@code -Dconv4j.kernels=scalar} family) against the double loops of
 * {@link ReferenceConv2d}, and the vector family against the same at the same shapes: forward, dX, dW and
 * dB at awkward sizes, strides, dilation, groups, asymmetric padding, with and without bias.
 */
class ScalarConvKernelsTest {
    private static final ConvKernels[] FAMILIES = {new ScalarConvKernels(), new VectorConvKernels()};

    @Test
    void directMatchesTheReference() {
        Object[][] cases = {
                {Conv2dConfig.of(1, 8, 3).withPadding(1), 3, 13, 13},
                {Conv2dConfig.of(7, 13, 3).withPadding(1), 2, 1, 1},
                {Conv2dConfig.of(3, 17, 5, 3).withPadding(0, 1, 2, 4), 2, 7, 11},
                {Conv2dConfig.of(4, 10, 3).withPadding(2).withDilation(2), 2, 13, 12},
                {Conv2dConfig.of(6, 16, 3).withStride(2).withPadding(1).withGroups(2), 2, 9, 7},
                {Conv2dConfig.of(5, 9, 3).withStride(3, 1).withPadding(1).withBias(false), 1, 13, 11},
                {Conv2dConfig.of(13, 8, 1), 3, 7, 5}};
        for (ConvKernels k : FAMILIES) {
            for (Object[] c : cases) {
                Conv2dConfig cfg = (Conv2dConfig) c[0];
                int n = (int) c[1], h = (int) c[2], w = (int) c[3];
                WindowGeometry g = cfg.geometry(h, w);
                ConvData d = ConvData.of(cfg, n, h, w, 11L * h + w + cfg.outChannels());
                float[] out = new float[n * cfg.outChannels() * g.outH() * g.outW()];
                float[] dX = new float[d.x().length], dW = new float[d.w().length];
                float[] dB = d.b() == null ? null : new float[d.b().length];
                Workspace ws = new Workspace();
                k.directForward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, ws);
                k.directBackward(cfg.channels(), g, n, d.x(), d.w(), d.dOut(), dX, dW, dB, ws);
                check(k.name() + " direct", cfg, n, h, w, d, out, dX, dW, dB);
            }
        }
    }

    @Test
    void winogradMatchesTheReference() {
        Object[][] cases = {
                {Conv2dConfig.of(3, 5, 3).withPadding(1), 2, 1, 1},
                {Conv2dConfig.of(2, 3, 3), 1, 4, 7},
                {Conv2dConfig.of(5, 4, 3).withPadding(2, 0, 1, 2), 2, 9, 6},
                {Conv2dConfig.of(4, 9, 3).withPadding(1).withBias(false), 3, 13, 8}};
        for (ConvKernels k : FAMILIES) {
            for (Object[] c : cases) {
                Conv2dConfig cfg = (Conv2dConfig) c[0];
                int n = (int) c[1], h = (int) c[2], w = (int) c[3];
                WindowGeometry g = cfg.geometry(h, w);
                ConvData d = ConvData.of(cfg, n, h, w, 13L * h + w + cfg.outChannels());
                float[] out = new float[n * cfg.outChannels() * g.outH() * g.outW()];
                float[] dX = new float[d.x().length], dW = new float[d.w().length];
                float[] dB = d.b() == null ? null : new float[d.b().length];
                Workspace ws = new Workspace();
                k.winogradForward(cfg.channels(), g, n, d.x(), d.w(), d.b(), out, ws);
                k.winogradInputGrad(cfg.channels(), g, n, d.w(), d.dOut(), dX, ws);
                k.winogradWeightGrad(cfg.channels(), g, n, d.x(), d.dOut(), dW, dB, ws);
                check(k.name() + " winograd", cfg, n, h, w, d, out, dX, dW, dB);
            }
        }
    }

    @Test
    void winogradRefusesWhatItCannotCompute() {
        Conv2dConfig strided = Conv2dConfig.of(2, 2, 3).withStride(2);
        for (ConvKernels k : FAMILIES) {
            assertThrows(IllegalArgumentException.class, () -> k.winogradForward(strided.channels(), strided.geometry(9, 9),
                    1, new float[2 * 81], new float[2 * 2 * 9], null, new float[2 * 16], new Workspace()));
        }
    }

    private static void check(String what, Conv2dConfig cfg, int n, int h, int w, ConvData d,
                              float[] out, float[] dX, float[] dW, float[] dB) {
        double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(d.x()), widen(d.w()), d.b() == null ? null : widen(d.b()));
        ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(d.x()), widen(d.w()), widen(d.dOut()));
        ConvData.assertClose(what + " out", cfg, wantOut, out);
        ConvData.assertClose(what + " dX", cfg, want.dX(), dX);
        ConvData.assertClose(what + " dWeight", cfg, want.dW(), dW);
        if (dB != null) ConvData.assertClose(what + " dBias", cfg, want.dB(), dB);
    }
}
