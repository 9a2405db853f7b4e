package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.tensor.Tensor;
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
        ConvGeometry g = cfg.geometry(h, w);
        int rows = cfg.inChannels() / cfg.groups() * cfg.kernelH() * cfg.kernelW() * cfg.groups();
        assertTrue(Im2colConv.positionTile(rows, g.outH() * g.outW()) < g.outH() * g.outW(),
                "shape must need more than one tile: " + cfg.describe());
        Rng rng = new Rng(h * 31 + w);
        Conv2d conv = new Conv2d(cfg, rng);
        Tensor x = new Tensor(n, cfg.inChannels(), h, w);
        Tensor dOut = new Tensor(n, cfg.outChannels(), g.outH(), g.outW());
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) rng.nextGaussian();
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) rng.nextGaussian();
        conv.setTraining(true);
        float[] out = conv.forward(x).data().clone();
        float[] dX = conv.backward(dOut).data();

        float[] wt = conv.weight().value().data();
        int cIn = cfg.inChannels(), f = cfg.outChannels(), gs = cfg.groups(), cg = cIn / gs, fg = f / gs;
        int kh = cfg.kernelH(), kw = cfg.kernelW(), oh = g.outH(), ow = g.outW();
        double[] rOut = new double[out.length], rDx = new double[x.size()], rDw = new double[wt.length];
        double[] rDb = new double[f];
        for (int b = 0; b < n; b++) {
            for (int fo = 0; fo < f; fo++) {
                int grp = fo / fg;
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        int o = ((b * f + fo) * oh + y) * ow + z;
                        double d = dOut.data()[o], acc = conv.bias().value().data()[fo];
                        rDb[fo] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            int c = grp * cg + ci;
                            for (int i = 0; i < kh; i++) {
                                int iy = y * g.strideH() - g.padTop() + i * g.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < kw; j++) {
                                    int ix = z * g.strideW() - g.padLeft() + j * g.dilationW();
                                    if (ix < 0 || ix >= w) continue;
                                    int xi = ((b * cIn + c) * h + iy) * w + ix, wi = ((fo * cg + ci) * kh + i) * kw + j;
                                    acc += (double) wt[wi] * x.data()[xi];
                                    rDw[wi] += d * x.data()[xi];
                                    rDx[xi] += d * wt[wi];
                                }
                            }
                        }
                        rOut[o] = acc;
                    }
                }
            }
        }
        close("out", cfg, rOut, out);
        close("dX", cfg, rDx, dX);
        close("dWeight", cfg, rDw, conv.weight().grad().data());
        close("dBias", cfg, rDb, conv.bias().grad().data());
    }

    private static void close(String what, Conv2dConfig cfg, double[] want, float[] got) {
        double scale = 0;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            assertTrue(err <= 1e-5 * Math.max(1, scale), () -> cfg.describe() + " " + what + " differs by " + err);
        }
    }
}
