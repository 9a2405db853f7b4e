package org.conv4j.kernels;

/**
 * Elementwise and reduction primitives on flat float arrays, with a scalar reference
 * ({@link ScalarElementwise}) and a Vector API version chosen by {@link Kernels#elementwise()}.
 * Every method works on {@code n} values starting at the given offsets; ranges may not overlap unless
 * stated. Results match the scalar reference exactly for the elementwise maps (to one float ulp for
 * sigmoid, tanh and GELU), for the ordered and lane sums, and the optimizer updates; within float rounding
 * (summation order) for the plain reductions.
 */
public interface Elementwise {
    /** y[i] = max(x[i], 0); y may be x (in place). NaN stays NaN like torch.relu. */
    void reluForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX[i] = x[i] > 0 ? dOut[i] : 0 (x is the forward input or output; both give the same mask). */
    void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /** y[i] = x[i] &gt; 0 ? x[i] : slope·x[i] (torch.nn.LeakyReLU; NaN and −0 go through slope·x); y may be x. */
    void leakyReluForward(int n, float slope, float[] x, int xOff, float[] y, int yOff);

    /** dX[i] = x[i] &gt; 0 ? dOut[i] : slope·dOut[i] (x is the forward input). */
    void leakyReluBackward(int n, float slope, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    // The smooth activations compute in double from x and round once (Smooth holds their definitions).
    // The vector forms take e^x, tanh x from the Vector API, whose doubles may differ from Math's in the last
    // bit, so their float results may differ from the scalar reference's by one ulp, never more.

    /** y = σ(x) = 1/(1 + e^(−x)), for x &lt; 0 as e^x/(1 + e^x); y may be x. */
    void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX = dOut·σ'(x), σ'(x) = e/(1 + e)² with e = e^(−|x|), x the forward input. */
    void sigmoidBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /** y = tanh x; y may be x. */
    void tanhForward(int n, float[] x, int xOff, float[] y, int yOff);

    /** dX = dOut·(1 − tanh²x), as 4e/(1 + e)² with e = e^(−2|x|), x the forward input. */
    void tanhBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff);

    /**
     * The exact GELU: y = x·Φ(x), Φ the standard normal CDF, and, unless {@code slope} is null, its
     * derivative slope = Φ(x) + x·φ(x) at the same offset as y (what backward multiplies dOut by).
     */
    void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff);

    /** y[i] += alpha · x[i]. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** y[i] = x[i] · scale + shift (batch-norm apply per channel plane); y may be x. */
    void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff);

    /** Σ x[i] (accumulated in several float lanes, returned as double). */
    double sum(int n, float[] x, int xOff);

    /**
     * dst[dstOff + r] += {@link OrderedSum#sum}(x, xOff + r·stride, n) for r &lt; rows, bit for bit that
     * written-down order in every implementation (a convolution's bias gradient, one row per channel).
     */
    void addOrderedSums(int rows, int n, float[] x, int xOff, int stride, float[] dst, int dstOff);

    /** Σ (x[i] - mean)² (for variances without the cancellation of Σx² − n·mean²). */
    double sumSquaredDeviation(int n, float[] x, int xOff, float mean);

    /** Σ x[i] · y[i]. */
    double dot(int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * Σ x over {@code rows} rows of n values, row r starting at x[off + r·stride] (one channel of an [N, C, S]
     * tensor: rows = N, n = S, stride = C·S), in double, in {@link LaneSum}'s order: bitwise the same in
     * every implementation.
     */
    double laneSum(int rows, int n, float[] x, int off, int stride);

    /** Σ (x − mean)² over the rows of {@link #laneSum}, in double, in the same order. */
    double laneSumSquaredDeviation(int rows, int n, float[] x, int off, int stride, double mean);

    /**
     * Batch norm's gradient sums over the rows of {@link #laneSum} (g and x at the same offsets), in double,
     * in the same order: out[0] = Σ g, out[1] = Σ g·((x − mean)·invStd).
     */
    void laneGradientSums(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                          double[] out);

    /**
     * Batch norm's output over the rows of {@link #laneSum}: y = (float) (gamma·((x − mean)·invStd) + beta),
     * each operation in double in that order, y at x's offsets (y may be x).
     */
    void batchNormApply(int rows, int n, float[] x, int off, int stride, double mean, double invStd, double gamma,
                        double beta, float[] y);

    /**
     * Batch norm's input gradient with batch statistics over the rows of {@link #laneSum}:
     * dx = (float) (k·((g − meanG) − ((x − mean)·invStd)·meanGx)), in double in that order, dx at g's offsets.
     */
    void batchNormInputGrad(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                            double k, double meanG, double meanGx, float[] dx);

    /**
     * One Adam (or AdamW) step over n parameters, as torch.optim.Adam / AdamW compute it, with the step's
     * scalars {@code s}: with weight decay, AdamW first sets w = w·decay, Adam instead uses g = grad + wd·w;
     * then m = m·β1 + (1−β1)·g; v = v·β2 + (1−β2)·g·g; w = w − stepSize·(m / (√v / √bc2 + ε)).
     * Each operation is rounded to float in that order (no fused multiply-add), so every implementation
     * gives bitwise the same result.
     */
    void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s);

    /**
     * One SGD step as torch.optim.SGD computes it: g = grad + weightDecay·w (when weightDecay is not 0); with
     * momentum, buf = g on the first step, else momentum·buf + keep·g, and g = nesterov ? g + momentum·buf
     * : buf; then w = w − lr·g. {@code keep} is 1 − dampening as the caller rounds it; {@code buf} is unused
     * when momentum is 0. Rounded in that order, bitwise the same in every implementation.
     */
    void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
             float weightDecay, boolean nesterov, boolean firstStep);

    /**
     * One RMSprop step as torch.optim.RMSprop computes it: g = grad + weightDecay·w (when weightDecay is not
     * 0); sq = sq·α + (1−α)·g·g; centred ({@code gAvg} not null): gAvg = gAvg·α + (1−α)·g and
     * avg = √(sq − gAvg·gAvg) + ε, else avg = √sq + ε; with momentum ({@code buf} not null):
     * buf = buf·μ + g/avg and w = w − lr·buf, else w = w − lr·(g/avg). {@code oneMinusAlpha} is 1 − α as the
     * caller rounds it. Rounded in that order, bitwise the same in every implementation.
     */
    void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                 float oneMinusAlpha, float eps, float weightDecay, float momentum);

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
