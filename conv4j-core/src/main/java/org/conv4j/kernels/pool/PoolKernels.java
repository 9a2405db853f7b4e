package org.conv4j.kernels.pool;

/**
 * Max and average pooling on planes of flat float arrays, with a scalar reference ({@link ScalarPoolKernels})
 * and a Vector API version chosen by {@link org.conv4j.kernels.Kernels#pool()}. Every implementation gives
 * bitwise the same values and argmax indices.
 */
public interface PoolKernels {
    /**
     * 2×2 max pooling with stride 2 and no padding over {@code planes} planes of h×w starting at x[xOff]
     * (output planes of (h/2)×(w/2) at out[oOff]; an odd last row or column is not covered, as in torch's
     * floor mode). As torch: the first maximum in row-major window order wins and NaN beats every number.
     * argmax[oOff + o] receives the flat index into x of output o's maximum.
     */
    default void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff) {
        maxPool2x2(planes, h, w, x, xOff, out, argmax, oOff, false);
    }

    /**
     * {@link #maxPool2x2(int, int, int, float[], int, float[], int[], int)} with {@code relu}: of ReLU's
     * outputs (v &lt; 0 → +0, −0 and NaN kept) instead of x's, values and argmax, exactly what a ReLU layer
     * followed by this pool give, without writing ReLU's output.
     */
    void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu);

    /**
     * {@link #maxPool2x2(int, int, int, float[], int, float[], int[], int, boolean)}'s values without the argmax,
     * for inference: bitwise the same outputs (the same winner of every comparison, so also the sign of a zero
     * and the payload of a NaN).
     */
    void maxPool2x2Values(int planes, int h, int w, float[] x, int xOff, float[] out, int oOff, boolean relu);

    /**
     * The first pass of a max pool of any window, stride and padding, taken as rows then columns: for
     * each of the {@code h} rows of one plane of width w at x[xOff], and each output column ox of
     * {@code ow}, the maximum over the row's cells [ox·stride − pad, ox·stride − pad + k) ∩ [0, w).
     * best[r·ow + ox] receives it and at[r·ow + ox] its plane-relative index r·w + c as a float (the caller
     * keeps h·w below 2^24, where floats hold it exactly). The first maximum wins and NaN beats every number,
     * so that {@link #maxPoolColumns} then yields the first maximum in row-major window order, as torch.
     * Cells below {@code floor} count as +0: −∞ for x itself, 0 for ReLU's output (see {@link #maxPool2x2}).
     * The caller guarantees every window holds at least one cell.
     */
    void maxPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float floor,
                     float[] best, float[] at);

    /**
     * The second pass after {@link #maxPoolRows}: for each output row oy of {@code oh} and column ox, the
     * maximum of best[r·ow + ox] over rows r in [oy·stride − pad, oy·stride − pad + k) ∩ [0, h), the
     * topmost winning a tie and NaN beating every number. out[oOff + oy·ow + ox] receives it and
     * argmax[oOff + oy·ow + ox] the matching at[…] plus {@code atBase}. Every window holds at least one row.
     */
    void maxPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] best, float[] at,
                        float[] out, int[] argmax, int oOff, int atBase);

    /**
     * The first pass of an average pool, taken as rows then columns: for each of the {@code h} rows of one
     * plane of width w at x[xOff] and each output column ox of {@code ow}, sums[r·ow + ox] = 0 + the row's
     * cells [ox·stride − pad, ox·stride − pad + k) ∩ [0, w) added left to right in float. Every window holds
     * at least one cell.
     */
    void avgPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float[] sums);

    /**
     * The second pass after {@link #avgPoolRows}: out[oOff + oy·ow + ox] = (0 + sums[r·ow + ox] added over
     * rows r in [oy·stride − pad, oy·stride − pad + k) ∩ [0, h), top to bottom) / (rowDiv[oy] · colDiv[ox]),
     * the divisor's two factors being whole numbers whose product a float holds exactly.
     */
    void avgPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] sums, float[] rowDiv,
                        float[] colDiv, float[] out, int oOff);

    /**
     * The gradient of {@link #avgPoolColumns}: dSums[r·ow + ox] = 0 + dOut[oOff + oy·ow + ox] / (rowDiv[oy] ·
     * colDiv[ox]) added over the output rows oy whose windows hold row r, in increasing oy. dSums [h·ow]
     * is overwritten. Every window holds at least one row.
     */
    void avgPoolColumnsBackward(int h, int k, int stride, int pad, int oh, int ow, float[] dOut, int oOff,
                                float[] rowDiv, float[] colDiv, float[] dSums);

    /**
     * The gradient of {@link #avgPoolRows}: dX[xOff + r·w + c] = 0 + dSums[r·ow + ox] added over the output
     * columns ox whose windows hold cell c, in increasing ox. The plane's h·w cells of dX are overwritten.
     * Every window holds at least one cell.
     */
    void avgPoolRowsBackward(int h, int w, int k, int stride, int pad, int ow, float[] dSums, float[] dX, int xOff);

    /** Short name for logs and benchmarks. */
    String name();
}
