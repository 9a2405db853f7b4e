package org.conv4j.kernels.pool;

/** The readable reference for {@link PoolKernels}: plain loops over each window. */
public final class ScalarPoolKernels implements PoolKernels {
    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu) {
        int oh = h / 2, ow = w / 2;
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                maxPool2x2Row(x, xOff + pl * h * w + 2 * oy * w, w, 0, ow, out, argmax, oOff + (pl * oh + oy) * ow, relu);
            }
        }
    }

    @Override
    public void maxPool2x2Values(int planes, int h, int w, float[] x, int xOff, float[] out, int oOff, boolean relu) {
        maxPool2x2(planes, h, w, x, xOff, out, null, oOff, relu);   // the row loop skips a null argmax
    }

    /**
     * Outputs ox0..ox1-1 of one output row of {@link #maxPool2x2}: the window's top row starts at x[top],
     * its bottom row at x[top + w], and output ox goes to out[o + ox] and, unless argmax is null, argmax[o + ox].
     */
    static void maxPool2x2Row(float[] x, int top, int w, int ox0, int ox1, float[] out, int[] argmax, int o, boolean relu) {
        for (int ox = ox0; ox < ox1; ox++) {
            float best = 0f;
            int at = -1;
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    int idx = top + dy * w + 2 * ox + dx;
                    float v = x[idx];
                    if (relu && v < 0f) v = 0f;   // ReLU's rule: −0 and NaN stay
                    if (at < 0 || v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                        best = v;
                        at = idx;
                    }
                }
            }
            out[o + ox] = best;
            if (argmax != null) argmax[o + ox] = at;
        }
    }

    @Override
    public void maxPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float floor,
                            float[] best, float[] at) {
        for (int r = 0; r < h; r++) maxPoolRowSpan(r, w, k, stride, pad, 0, ow, ow, x, xOff, floor, best, at);
    }

    /** Outputs ox0..ox1-1 of row r of {@link #maxPoolRows}. */
    static void maxPoolRowSpan(int r, int w, int k, int stride, int pad, int ox0, int ox1, int ow, float[] x, int xOff,
                               float floor, float[] best, float[] at) {
        for (int ox = ox0; ox < ox1; ox++) {
            int c0 = Math.max(ox * stride - pad, 0), c1 = Math.min(ox * stride - pad + k, w);
            float b = 0f;
            int a = -1;
            for (int c = c0; c < c1; c++) {
                float v = x[xOff + r * w + c];
                if (v < floor) v = 0f;   // ReLU's rule: −0 and NaN stay
                if (a < 0 || v > b || Float.isNaN(v) && !Float.isNaN(b)) {
                    b = v;
                    a = r * w + c;
                }
            }
            best[r * ow + ox] = b;
            at[r * ow + ox] = a;
        }
    }

    @Override
    public void maxPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] best, float[] at,
                               float[] out, int[] argmax, int oOff, int atBase) {
        for (int oy = 0; oy < oh; oy++) maxPoolColumnSpan(h, k, stride, pad, oy, 0, ow, ow, best, at, out, argmax, oOff, atBase);
    }

    /** Outputs ox0..ox1-1 of output row oy of {@link #maxPoolColumns}. */
    static void maxPoolColumnSpan(int h, int k, int stride, int pad, int oy, int ox0, int ox1, int ow, float[] best,
                                  float[] at, float[] out, int[] argmax, int oOff, int atBase) {
        int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
        for (int ox = ox0; ox < ox1; ox++) {
            float b = best[r0 * ow + ox], a = at[r0 * ow + ox];
            for (int r = r0 + 1; r < r1; r++) {
                float v = best[r * ow + ox];
                if (v > b || Float.isNaN(v) && !Float.isNaN(b)) {
                    b = v;
                    a = at[r * ow + ox];
                }
            }
            out[oOff + oy * ow + ox] = b;
            argmax[oOff + oy * ow + ox] = atBase + (int) a;
        }
    }

    @Override
    public void avgPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float[] sums) {
        for (int r = 0; r < h; r++) avgPoolRowSpan(r, w, k, stride, pad, 0, ow, ow, x, xOff, sums);
    }

    /** Outputs ox0..ox1-1 of row r of {@link #avgPoolRows}. */
    static void avgPoolRowSpan(int r, int w, int k, int stride, int pad, int ox0, int ox1, int ow, float[] x, int xOff,
                               float[] sums) {
        for (int ox = ox0; ox < ox1; ox++) {
            int c0 = Math.max(ox * stride - pad, 0), c1 = Math.min(ox * stride - pad + k, w);
            float s = 0f;
            for (int c = c0; c < c1; c++) s += x[xOff + r * w + c];
            sums[r * ow + ox] = s;
        }
    }

    @Override
    public void avgPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] sums, float[] rowDiv,
                               float[] colDiv, float[] out, int oOff) {
        for (int oy = 0; oy < oh; oy++) avgPoolColumnSpan(h, k, stride, pad, oy, 0, ow, ow, sums, rowDiv, colDiv, out, oOff);
    }

    /** Outputs ox0..ox1-1 of output row oy of {@link #avgPoolColumns}. */
    static void avgPoolColumnSpan(int h, int k, int stride, int pad, int oy, int ox0, int ox1, int ow, float[] sums,
                                  float[] rowDiv, float[] colDiv, float[] out, int oOff) {
        int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
        for (int ox = ox0; ox < ox1; ox++) {
            float s = 0f;
            for (int r = r0; r < r1; r++) s += sums[r * ow + ox];
            out[oOff + oy * ow + ox] = s / (rowDiv[oy] * colDiv[ox]);
        }
    }

    @Override
    public void avgPoolColumnsBackward(int h, int k, int stride, int pad, int oh, int ow, float[] dOut, int oOff,
                                       float[] rowDiv, float[] colDiv, float[] dSums) {
        java.util.Arrays.fill(dSums, 0, h * ow, 0f);
        for (int oy = 0; oy < oh; oy++) avgPoolColumnBackwardSpan(h, k, stride, pad, oy, 0, ow, ow, dOut, oOff, rowDiv, colDiv, dSums);
    }

    /** Output columns ox0..ox1-1 of output row oy's share of {@link #avgPoolColumnsBackward}. */
    static void avgPoolColumnBackwardSpan(int h, int k, int stride, int pad, int oy, int ox0, int ox1, int ow, float[] dOut,
                                          int oOff, float[] rowDiv, float[] colDiv, float[] dSums) {
        int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
        for (int ox = ox0; ox < ox1; ox++) {
            float d = dOut[oOff + oy * ow + ox] / (rowDiv[oy] * colDiv[ox]);
            for (int r = r0; r < r1; r++) dSums[r * ow + ox] += d;
        }
    }

    @Override
    public void avgPoolRowsBackward(int h, int w, int k, int stride, int pad, int ow, float[] dSums, float[] dX, int xOff) {
        java.util.Arrays.fill(dX, xOff, xOff + h * w, 0f);
        for (int r = 0; r < h; r++) {
            for (int ox = 0; ox < ow; ox++) {
                int c0 = Math.max(ox * stride - pad, 0), c1 = Math.min(ox * stride - pad + k, w);
                float d = dSums[r * ow + ox];
                for (int c = c0; c < c1; c++) dX[xOff + r * w + c] += d;
            }
        }
    }

    @Override
    public String name() { return "scalar"; }
}
