package org.conv4j.kernels.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.conv4j.kernels.Lanes;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** VectorPoolKernels against ScalarPoolKernels, bit for bit, including ties, NaN, edges and range boundaries. */
class PoolKernelsTest {
    private final PoolKernels vec = new VectorPoolKernels();
    private final PoolKernels ref = new ScalarPoolKernels();

    @Test
    void generalMaxPoolPassesMatchTheScalarLoopsIncludingTiesNaNAndEdges() {
        assertEquals(0, PoolCases.mismatches(vec, ref));
        assertTrue(PoolCases.compared > 100_000, "compared " + PoolCases.compared + " outputs");
        // Rows then columns take the first maximum in row-major order: in this 2×2 window of sevens the
        // top row's left cell, and NaN over every number with the first NaN winning.
        float[][] windows = {{7f, 7f, 7f, 7f}, {1f, Float.NaN, Float.NaN, 9f}, {-0f, 0f, 0f, -0f}};
        int[] want = {0, 1, 0};
        for (PoolKernels e : new PoolKernels[] {vec, ref}) {
            for (int t = 0; t < windows.length; t++) {
                float[] best = new float[2], at = new float[2], out = new float[1];
                int[] argmax = new int[1];
                e.maxPoolRows(2, 2, 2, 2, 0, 1, windows[t], 0, Float.NEGATIVE_INFINITY, best, at);
                e.maxPoolColumns(2, 2, 2, 0, 1, 1, best, at, out, argmax, 0, 0);
                assertEquals(want[t], argmax[0], e.name() + " window " + t);
                assertEquals(Float.floatToRawIntBits(windows[t][want[t]]), Float.floatToRawIntBits(out[0]), e.name() + " window " + t);
            }
        }
    }

    @Test
    void maxPool2x2MatchesTheScalarLoopIncludingTiesAndNaN() {
        int[][] sizes = {{1, 1}, {1, 13}, {3, 1}, {2, 2}, {3, 3}, {3, 5}, {13, 13}, {14, 14}, {28, 28}, {7, 41}, {32, 66}, {2, 70}, {4, 207}};
        Rng rng = new Rng(4);
        for (int[] hw : sizes) {
            int h = hw[0], w = hw[1], planes = 3, off = 2;
            float[] x = new float[off + planes * h * w];
            for (int i = 0; i < x.length; i++) {
                // Many exact ties (ReLU zeros, repeated values) and a few NaNs.
                int kind = rng.nextInt(10);
                x[i] = kind < 4 ? 0f : kind == 4 ? Float.NaN : kind < 7 ? 1f : rng.nextFloat() - 0.5f;
            }
            int outs = planes * (h / 2) * (w / 2);
            float[] o1 = new float[outs + 1], o2 = new float[outs + 1];
            int[] a1 = new int[outs + 1], a2 = new int[outs + 1];
            vec.maxPool2x2(planes, h, w, x, off, o1, a1, 1);
            ref.maxPool2x2(planes, h, w, x, off, o2, a2, 1);
            assertArrayEquals(o2, o1, "values " + h + "x" + w);
            assertArrayEquals(a2, a1, "argmax " + h + "x" + w);
        }
        // First maximum in row-major order wins a tie: (0,1) before (1,0).
        float[] x = {0f, 7f, 7f, 1f};
        float[] out = new float[1];
        int[] at = new int[1];
        for (PoolKernels e : new PoolKernels[] {vec, ref}) {
            e.maxPool2x2(1, 2, 2, x, 0, out, at, 0);
            assertEquals(1, at[0], e.name());
        }
    }

    @Test
    void maxPool2x2WritesOnlyItsOwnOutputRangeAndReadsPastRowsSafely() {
        // The vector kernel reads whole vectors past a row's end and stores whole vectors past an output row's
        // end when more of x and of its own output range follow. Here x has slack after the planes, and the
        // planes are pooled as two calls on adjacent ranges (as Pooling's chunks are): sentinels around and
        // between the ranges must survive, and every output must equal the scalar loop's.
        int[][] sizes = {{2, 2}, {3, 5}, {14, 14}, {28, 28}, {6, 33}, {4, 70}, {9, 207}};
        Rng rng = new Rng(6);
        for (int[] hw : sizes) {
            int h = hw[0], w = hw[1], planes = 5, split = 2, off = 3, slack = 4 * Lanes.SPECIES.length() + w;
            float[] x = new float[off + planes * h * w + slack];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(6) == 0 ? Float.NaN : rng.nextInt(3) - 1f;
            int per = (h / 2) * (w / 2), outs = planes * per;
            float[] o1 = new float[outs + 2], o2 = new float[outs + 2];
            int[] a1 = new int[outs + 2], a2 = new int[outs + 2];
            Arrays.fill(o1, -9f);
            Arrays.fill(a1, -9);
            // The second range first, so a write past the first range's end would land on finished outputs.
            vec.maxPool2x2(planes - split, h, w, x, off + split * h * w, o1, a1, 1 + split * per);
            float[] afterSecond = o1.clone();
            vec.maxPool2x2(split, h, w, x, off, o1, a1, 1);
            ref.maxPool2x2(planes, h, w, x, off, o2, a2, 1);
            String where = h + "x" + w;
            assertEquals(-9f, o1[0], "before the output " + where);
            assertEquals(-9f, o1[outs + 1], "after the output " + where);
            assertEquals(-9, a1[0]);
            assertEquals(-9, a1[outs + 1]);
            assertArrayEquals(Arrays.copyOfRange(afterSecond, 1 + split * per, outs + 1),
                    Arrays.copyOfRange(o1, 1 + split * per, outs + 1), "the first call left the second range alone " + where);
            assertArrayEquals(Arrays.copyOfRange(o2, 1, outs + 1), Arrays.copyOfRange(o1, 1, outs + 1), "values " + where);
            assertArrayEquals(Arrays.copyOfRange(a2, 1, outs + 1), Arrays.copyOfRange(a1, 1, outs + 1), "argmax " + where);
        }
    }

    @Test
    void maxPool2x2ValuesAreTheArgmaxKernelsOutputsBitForBit() {
        // Every bit: ±0 ties (which zero wins), NaN payloads (which NaN wins), ReLU's floor; two adjacent ranges
        // (as Pooling's chunks call it) with sentinels around and between them.
        int[][] sizes = {{1, 1}, {2, 2}, {3, 5}, {13, 13}, {14, 14}, {28, 28}, {7, 41}, {6, 33}, {4, 70}, {9, 207}};
        Rng rng = new Rng(11);
        int nanA = 0x7fc00001, nanB = 0xffc00abc;
        for (boolean relu : new boolean[] {false, true}) {
            for (int[] hw : sizes) {
                int h = hw[0], w = hw[1], planes = 5, split = 2, off = 3, slack = 4 * Lanes.SPECIES.length() + w;
                float[] x = new float[off + planes * h * w + slack];
                for (int i = 0; i < x.length; i++) {
                    int kind = rng.nextInt(12);
                    x[i] = switch (kind) {
                        case 0, 1 -> 0f;
                        case 2, 3 -> -0f;
                        case 4 -> Float.intBitsToFloat(nanA);
                        case 5 -> Float.intBitsToFloat(nanB);
                        case 6, 7 -> 1f;
                        default -> rng.nextFloat() - 0.5f;
                    };
                }
                int per = (h / 2) * (w / 2), outs = planes * per;
                for (PoolKernels e : new PoolKernels[] {vec, ref}) {
                    float[] want = new float[outs + 2], got = new float[outs + 2];
                    Arrays.fill(got, -9f);
                    ref.maxPool2x2(planes, h, w, x, off, want, new int[outs + 2], 1, relu);
                    e.maxPool2x2Values(planes - split, h, w, x, off + split * h * w, got, 1 + split * per, relu);
                    e.maxPool2x2Values(split, h, w, x, off, got, 1, relu);
                    String where = e.name() + " " + h + "x" + w + (relu ? " relu" : "");
                    assertEquals(-9f, got[0], "before the output " + where);
                    assertEquals(-9f, got[outs + 1], "after the output " + where);
                    for (int o = 1; o <= outs; o++) {
                        assertEquals(Float.floatToRawIntBits(want[o]), Float.floatToRawIntBits(got[o]), where + " output " + (o - 1));
                    }
                }
            }
        }
    }
}
