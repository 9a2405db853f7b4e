package org.conv4j.kernels.norm;

import org.conv4j.util.Rng;

/**
 * Batch norm's lane sums and maps on awkward channels (rows of 1, 3, 7, 8, 9, 13 and 207 values, strides
 * wider than a row, an offset, values with cancellation and signed zeros), counting every output of one
 * implementation whose bits differ from another's. Shared by {@link NormKernelsTest} (the host's width) and
 * {@link org.conv4j.kernels.KernelsProbe} (every width, in child JVMs).
 */
public final class LaneSumCases {
    private LaneSumCases() {}

    public static int mismatches(NormKernels a, NormKernels b) {
        Rng rng = new Rng(17);
        int bad = 0;
        for (int rows : new int[] {1, 2, 3, 5}) {
            for (int n : new int[] {1, 3, 7, 8, 9, 13, 16, 207}) {
                int stride = 2 * n + 5, off = 3, len = off + rows * stride;
                float[] x = new float[len], g = new float[len];
                for (int i = 0; i < len; i++) {
                    x[i] = (float) rng.nextGaussian() * 3f + 1f;
                    g[i] = (float) rng.nextGaussian();
                }
                // Cancellation inside one running sum (elements 0 and 8 share lane 0), where another order
                // gives other bits, and signed zeros.
                if (n > 8) { x[off] = 1e9f; x[off + 8] = -1e9f; g[off] = 1e8f; g[off + 8] = -1e8f; }
                x[off + n - 1] = -0f;
                double sum = a.laneSum(rows, n, x, off, stride), mean = sum / (rows * n);
                bad += differ(sum, b.laneSum(rows, n, x, off, stride));
                bad += differ(a.laneSumSquaredDeviation(rows, n, x, off, stride, mean),
                        b.laneSumSquaredDeviation(rows, n, x, off, stride, mean));
                double[] sa = new double[2], sb = new double[2];
                a.laneGradientSums(rows, n, g, x, off, stride, mean, 0.37, sa);
                b.laneGradientSums(rows, n, g, x, off, stride, mean, 0.37, sb);
                bad += differ(sa[0], sb[0]) + differ(sa[1], sb[1]);
                float[] ya = new float[len], yb = new float[len];
                a.batchNormApply(rows, n, x, off, stride, mean, 0.37, 1.3, -0.2, ya);
                b.batchNormApply(rows, n, x, off, stride, mean, 0.37, 1.3, -0.2, yb);
                bad += differ(ya, yb);
                a.batchNormInputGrad(rows, n, g, x, off, stride, mean, 0.37, 0.9, 0.01, -0.02, ya);
                b.batchNormInputGrad(rows, n, g, x, off, stride, mean, 0.37, 0.9, 0.01, -0.02, yb);
                bad += differ(ya, yb);
            }
        }
        return bad;
    }

    private static int differ(double p, double q) {
        return Double.doubleToRawLongBits(p) == Double.doubleToRawLongBits(q) ? 0 : 1;
    }

    /** Counts differing floats, including writes outside the rows (both outputs start as zeros). */
    private static int differ(float[] p, float[] q) {
        int bad = 0;
        for (int i = 0; i < p.length; i++) if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(q[i])) bad++;
        return bad;
    }
}
