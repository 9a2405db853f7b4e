package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.ConvChecks;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.kernels.Kernels;
import org.junit.jupiter.api.Test;

/** The algorithm choice, forced: a Conv2d layer computed by Winograd (im2col in scalar mode) passes the gradient check. */
class ConvAlgorithmTest {
    @Test
    void conv2dLayerGradientsThroughWinogradPassTheGradientCheck() {
        String before = ConvAlgorithm.force("winograd");
        try {
            Conv2dConfig[] cfgs = {
                    Conv2dConfig.of(3, 2, 3).withPadding(1), Conv2dConfig.of(2, 3, 3),
                    Conv2dConfig.of(1, 4, 3).withPadding(2), Conv2dConfig.of(5, 3, 3).withPadding(1, 0, 0, 1)};
            int[][] shapes = {{2, 5, 5}, {1, 4, 6}, {3, 3, 1}, {1, 5, 3}};
            for (int i = 0; i < cfgs.length; i++) {
                Conv2dConfig c = cfgs[i];
                // Without the Vector API kernels every layer runs im2col (see ConvAlgorithm).
                assertEquals(Kernels.vectorApi() ? ConvAlgorithm.WINOGRAD : ConvAlgorithm.IM2COL, ConvAlgorithm.choose(c, c.geometry(shapes[i][1], shapes[i][2])));
                CheckResult r = ConvChecks.conv(c, shapes[i][0], shapes[i][1], shapes[i][2], 7 + i).run();
                assertTrue(r.maxRelError() <= GradCheck.MAX_REL_ERROR,
                        c.describe() + ": " + r.worst() + " rel err " + r.maxRelError());
            }
        } finally {
            ConvAlgorithm.force(before);
        }
    }

    @Test
    void autoPicksWinogradWhereItMeasuredFaster() {
        // From 32 channels on an output of 4×4 or more; from 24 channels on outputs of 8×8 to 16×16 only
        // (BENCHMARKS.md, "Conv algorithm thresholds per vector width"). The backward decides on its own
        // product: F inputs, C outputs, over the input's plane.
        String before = ConvAlgorithm.force("auto");
        try {
            Object[][] cases = {
                    {32, 32, 4, true}, {32, 32, 28, true}, {64, 64, 3, false}, {31, 31, 28, false},
                    {24, 24, 8, true}, {24, 24, 14, true}, {28, 24, 16, true}, {24, 24, 7, false},
                    {24, 24, 17, false}, {23, 24, 14, false}, {24, 23, 14, false}, {16, 16, 14, false}};
            for (Object[] k : cases) {
                int in = (int) k[0], out = (int) k[1], side = (int) k[2];
                Conv2dConfig c = Conv2dConfig.of(in, out, 3).withPadding(1);
                var g = c.geometry(side, side);
                ConvAlgorithm want = !Kernels.vectorApi() ? ConvAlgorithm.IM2COL
                        : (boolean) k[3] ? ConvAlgorithm.WINOGRAD : ConvAlgorithm.DIRECT;
                assertEquals(want, ConvAlgorithm.choose(c, g), in + "->" + out + " channels on " + side + "x" + side);
                Conv2dConfig swapped = Conv2dConfig.of(out, in, 3).withPadding(1);
                assertEquals(ConvAlgorithm.winogradPays(swapped, swapped.geometry(side, side)), ConvAlgorithm.winogradPaysBackward(c, g),
                        "the backward of " + in + "->" + out + " decides as the forward of " + out + "->" + in);
            }
        } finally {
            ConvAlgorithm.force(before);
        }
    }
}
