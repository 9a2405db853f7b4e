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
}
