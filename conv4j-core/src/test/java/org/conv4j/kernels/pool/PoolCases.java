package org.conv4j.kernels.pool;

import org.conv4j.util.Rng;

/**
 * The two passes of the general max pool, {@link PoolKernels#maxPoolRows} and
 * {@link PoolKernels#maxPoolColumns}, and of the average pool forward and backward, on windows of 1 to 5 cells, strides 1 to 3, every padding torch
 * allows, floor and ceil mode, rows from 1 to 207 cells, with exact ties, signed zeros, NaN and −∞, with and
 * without ReLU's floor; planes at the very start and end of x, where a vector step would read outside it.
 * Counts every output (value bits or index) of one implementation that differs from another's. Shared by
 * {@link PoolKernelsTest} (the host's width) and {@link org.conv4j.kernels.KernelsProbe} (every width, in child JVMs).
 */
public final class PoolCases {
    private PoolCases() {}

    /** Outputs compared by the last {@link #mismatches} call, so that a test can tell it compared some. */
    static int compared;

    public static int mismatches(PoolKernels a, PoolKernels b) {
        Rng rng = new Rng(23);
        int bad = 0;
        compared = 0;
        // Rows: two planes of h rows, the first at x[0], the second ending at x's end.
        int h = 3;
        for (int w : new int[] {1, 3, 7, 13, 16, 17, 31, 32, 33, 64, 70, 207}) {
            float[] x = cells(rng, 2 * h * w);
            for (int k = 1; k <= 5; k++) for (int stride = 1; stride <= 3; stride++) for (int pad = 0; pad <= k / 2; pad++) {
                for (int ow : outputs(w, k, stride, pad)) for (float floor : new float[] {Float.NEGATIVE_INFINITY, 0f}) {
                    for (int plane = 0; plane < 2; plane++) {
                        float[] bestA = new float[h * ow], atA = new float[h * ow], bestB = new float[h * ow], atB = new float[h * ow];
                        a.maxPoolRows(h, w, k, stride, pad, ow, x, plane * h * w, floor, bestA, atA);
                        b.maxPoolRows(h, w, k, stride, pad, ow, x, plane * h * w, floor, bestB, atB);
                        bad += differ(bestA, bestB) + differ(atA, atB);
                        compared += 2 * h * ow;
                    }
                }
                for (int ow : outputs(w, k, stride, pad)) for (int plane = 0; plane < 2; plane++) {
                    // Average pool: the row sums, and the gradient spread back over each row's cells.
                    float[] sumA = new float[h * ow], sumB = new float[h * ow];
                    a.avgPoolRows(h, w, k, stride, pad, ow, x, plane * h * w, sumA);
                    b.avgPoolRows(h, w, k, stride, pad, ow, x, plane * h * w, sumB);
                    float[] dSums = cells(rng, h * ow), dXA = cells(rng, x.length), dXB = dXA.clone();
                    a.avgPoolRowsBackward(h, w, k, stride, pad, ow, dSums, dXA, plane * h * w);
                    b.avgPoolRowsBackward(h, w, k, stride, pad, ow, dSums, dXB, plane * h * w);
                    bad += differ(sumA, sumB) + differ(dXA, dXB);
                    compared += h * ow + h * w;
                }
            }
        }
        // Columns: rows of row maxima and indices (kept small and distinct), pooled over windows of rows.
        for (int ow : new int[] {1, 7, 16, 17, 33, 70}) for (int rows : new int[] {1, 2, 5, 13, 32}) {
            float[] best = cells(rng, rows * ow), at = new float[rows * ow];
            for (int i = 0; i < at.length; i++) at[i] = 3 * i + 1;
            for (int k = 1; k <= 5; k++) for (int stride = 1; stride <= 3; stride++) for (int pad = 0; pad <= k / 2; pad++) {
                for (int oh : outputs(rows, k, stride, pad)) {
                    int off = 2, base = 1000;
                    float[] outA = new float[off + oh * ow + 1], outB = new float[outA.length];
                    int[] argA = new int[outA.length], argB = new int[outA.length];
                    a.maxPoolColumns(rows, k, stride, pad, oh, ow, best, at, outA, argA, off, base);
                    b.maxPoolColumns(rows, k, stride, pad, oh, ow, best, at, outB, argB, off, base);
                    bad += differ(outA, outB);
                    for (int i = 0; i < argA.length; i++) if (argA[i] != argB[i]) bad++;
                    // Average pool: column sums over the divisors, and their gradient back to the row sums.
                    float[] rowDiv = divisors(rng, oh), colDiv = divisors(rng, ow);
                    a.avgPoolColumns(rows, k, stride, pad, oh, ow, best, rowDiv, colDiv, outA, off);
                    b.avgPoolColumns(rows, k, stride, pad, oh, ow, best, rowDiv, colDiv, outB, off);
                    float[] dOut = cells(rng, outA.length), dSumsA = cells(rng, rows * ow), dSumsB = dSumsA.clone();
                    a.avgPoolColumnsBackward(rows, k, stride, pad, oh, ow, dOut, off, rowDiv, colDiv, dSumsA);
                    b.avgPoolColumnsBackward(rows, k, stride, pad, oh, ow, dOut, off, rowDiv, colDiv, dSumsB);
                    bad += differ(outA, outB) + differ(dSumsA, dSumsB);
                    compared += 4 * oh * ow + rows * ow;
                }
            }
        }
        return bad;
    }

    /**
     * Outputs where the vector 2×2 max pool differs from the scalar loop (value bits or argmax), with and
     * without the ReLU before it, pooling each input as two calls on adjacent ranges with slack after x, so
     * whole-vector slices, the scalar rest of a range and the spill into later rows all run; counts writes
     * outside the ranges too.
     */
    public static int maxPool2x2Mismatches(PoolKernels vec, PoolKernels ref, Rng rng) {
        int bad = 0;
        for (int[] hw : new int[][] {{3, 5}, {14, 14}, {28, 28}, {6, 33}, {9, 41}, {4, 70}}) for (boolean relu : new boolean[] {false, true}) {
            int h = hw[0], w = hw[1], planes = 4, split = 1, per = (h / 2) * (w / 2);
            float[] x = new float[planes * h * w + 2 * w];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(8) == 0 ? Float.NaN : rng.nextInt(3) - 1f;
            float[] o1 = new float[planes * per + 1], o2 = new float[o1.length];
            int[] a1 = new int[o1.length], a2 = new int[o1.length];
            o1[planes * per] = 42f;
            vec.maxPool2x2(planes - split, h, w, x, split * h * w, o1, a1, split * per, relu);
            vec.maxPool2x2(split, h, w, x, 0, o1, a1, 0, relu);
            ref.maxPool2x2(planes, h, w, x, 0, o2, a2, 0, relu);
            o2[planes * per] = 42f;
            for (int i = 0; i < o1.length; i++) if (Float.compare(o1[i], o2[i]) != 0 || a1[i] != a2[i]) bad++;
        }
        return bad;
    }

    /** Output counts of a row of n cells: floor mode, and ceil mode where it adds a window (torch's rule). */
    private static int[] outputs(int n, int k, int stride, int pad) {
        int span = n + 2 * pad - k;
        if (span < 0) return new int[0];
        int floor = span / stride + 1, ceil = (span + stride - 1) / stride + 1;
        if (ceil > floor && (ceil - 1) * stride >= n + pad) ceil--;  // the last window may not start in the padding
        return ceil > floor ? new int[] {floor, ceil} : new int[] {floor};
    }

    /** Values with many exact ties (0, −0, 1), NaN, −∞ and negatives, which ReLU's floor raises to +0. */
    private static float[] cells(Rng rng, int n) {
        float[] c = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = rng.nextInt(12);
            c[i] = switch (kind) {
                case 0, 1 -> 0f;
                case 2 -> -0f;
                case 3, 4 -> 1f;
                case 5 -> Float.NaN;
                case 6 -> Float.NEGATIVE_INFINITY;
                case 7 -> -1f;
                default -> rng.nextFloat() * 2f - 1f;
            };
        }
        return c;
    }

    /** Divisor factors: whole numbers from 1 to 9, as window extents are. */
    private static float[] divisors(Rng rng, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = 1 + rng.nextInt(9);
        return d;
    }

    private static int differ(float[] p, float[] q) {
        int bad = 0;
        for (int i = 0; i < p.length; i++) if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(q[i])) bad++;
        return bad;
    }
}
