package org.conv4j.kernels.conv;

import static org.conv4j.conv.ReferenceConv2d.widen;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.conv.ConvAlgorithm;
import org.conv4j.conv.ReferenceConv2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * The position-tiled im2col + GEMM path (several tiles per image, tiles ending mid-row) against a
 * direct-loop oracle in double for forward, dX, dWeight and dBias, including groups, stride and dilation.
 */
class ConvTilingTest {
    @Test
    void multiTileShapesMatchTheDirectLoops() {
        check(Conv2dConfig.of(8, 5, 3).withPadding(1), 2, 30, 30);                       // 2 tiles
        check(Conv2dConfig.of(16, 6, 3).withStride(2).withPadding(2).withDilation(2).withGroups(2), 3, 61, 59);
        check(Conv2dConfig.of(3, 4, 5, 3).withStride(1, 2).withPadding(2, 1), 2, 70, 41);
    }

    private static void check(Conv2dConfig cfg, int n, int h, int w) {
        WindowGeometry g = cfg.geometry(h, w);
        int rows = cfg.inChannels() / cfg.groups() * cfg.kernelH() * cfg.kernelW() * cfg.groups();
        assertTrue(Im2colConv.positionTile(rows, g.outH() * g.outW()) < g.outH() * g.outW(),
                "shape must need more than one tile: " + cfg.describe());
        assertTrue(ConvAlgorithm.choose(cfg, g) == ConvAlgorithm.IM2COL, "shape must take the im2col path: " + cfg.describe());
        Rng rng = new Rng(h * 31 + w);
        Conv2d conv = new Conv2d(cfg, rng);
        Tensor x = new Tensor(n, cfg.inChannels(), h, w);
        Tensor dOut = new Tensor(n, cfg.outChannels(), g.outH(), g.outW());
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) rng.nextGaussian();
        conv.setTraining(true);
        float[] out = conv.forward(x).data().clone();
        float[] dX = conv.backward(dOut).data();

        double[] wantOut = ReferenceConv2d.forward(cfg, n, h, w, widen(x.data()), widen(conv.weight().value().data()), widen(conv.bias().value().data()));
        ReferenceConv2d.Gradients want = ReferenceConv2d.backward(cfg, n, h, w, widen(x.data()), widen(conv.weight().value().data()), widen(dOut.data()));
        ConvData.assertClose("out", cfg, wantOut, out);
        ConvData.assertClose("dX", cfg, want.dX(), dX);
        ConvData.assertClose("dWeight", cfg, want.dW(), conv.weight().grad().data());
        ConvData.assertClose("dBias", cfg, want.dB(), conv.bias().grad().data());
    }
}
