package org.conv4j.kernels.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** VectorNormKernels against ScalarNormKernels on awkward channels, and both against their written order. */
class NormKernelsTest {
    private final NormKernels vec = new VectorNormKernels();
    private final NormKernels ref = new ScalarNormKernels();

    @Test
    void laneSumsAndBatchNormMapsMatchTheScalarReferenceBitForBit() {
        assertEquals(0, LaneSumCases.mismatches(vec, ref));
    }

    @Test
    void laneSumsFollowTheirWrittenOrder() {
        // Two rows of 10: row 0 is 1e17 then ones, row 1 is -1e17 then ones. Lane 0 gets 1e17, 1 (element 8,
        // absorbed), -1e17 and 1: 1. Lane 1 gets 1, 1, 1, 1: 4 (elements 1 and 9 of each row). Lanes 2–7 get
        // 2 each: 12. Total 17; a plain running sum would give 9, pairwise over rows 16.
        float[] x = new float[20];
        Arrays.fill(x, 1f);
        x[0] = 1e17f;
        x[10] = -1e17f;
        for (NormKernels e : new NormKernels[] {vec, ref}) {
            assertEquals(17.0, e.laneSum(2, 10, x, 0, 10), 0.0, e.name());
            double[] out = new double[2];
            e.laneGradientSums(2, 10, x, new float[20], 0, 10, 0.0, 1.0, out);
            assertEquals(17.0, out[0], 0.0, e.name());
        }
        // The squared deviations of 1..10 about their mean 5.5: 82.5 exactly.
        float[] r = new float[10];
        for (int i = 0; i < 10; i++) r[i] = i + 1;
        assertEquals(82.5, vec.laneSumSquaredDeviation(1, 10, r, 0, 10, 5.5), 0.0);
    }
}
