package org.conv4j.kernels;

/** The readable reference for {@link Elementwise}: one plain loop per primitive. */
public final class ScalarElementwise implements Elementwise {
    @Override
    public void reluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v < 0f ? 0f : v;
        }
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        for (int i = 0; i < n; i++) dX[dxOff + i] = x[xOff + i] > 0f ? dOut[dOff + i] : 0f;
    }

    @Override
    public void leakyReluForward(int n, float slope, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0 ? v : slope * v;
        }
    }

    @Override
    public void leakyReluBackward(int n, float slope, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        for (int i = 0; i < n; i++) dX[dxOff + i] = x[xOff + i] > 0 ? dOut[dOff + i] : slope * dOut[dOff + i];
    }

    @Override
    public void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = Smooth.sigmoid(x[xOff + i]);
    }

    @Override
    public void sigmoidBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        for (int i = 0; i < n; i++) dX[dxOff + i] = (float) (dOut[dOff + i] * Smooth.sigmoidDerivative(x[xOff + i]));
    }

    @Override
    public void tanhForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) Math.tanh(x[xOff + i]);
    }

    @Override
    public void tanhBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        for (int i = 0; i < n; i++) dX[dxOff + i] = (float) (dOut[dOff + i] * Smooth.tanhDerivative(x[xOff + i]));
    }

    @Override
    public void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i], cdf = Smooth.cdf(v);
            y[yOff + i] = (float) (v * cdf);
            if (slope != null) slope[yOff + i] = (float) Smooth.geluSlope(v, cdf);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(x[xOff + i], scale, shift);
    }

    @Override
    public double sum(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public void addOrderedSums(int rows, int n, float[] x, int xOff, int stride, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) dst[dstOff + r] += OrderedSum.sum(x, xOff + r * stride, n);
    }

    @Override
    public double sumSquaredDeviation(int n, float[] x, int xOff, float mean) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public double laneSum(int rows, int n, float[] x, int off, int stride) {
        double[] s = new double[LaneSum.LANES];
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < n; j++) s[j % LaneSum.LANES] += x[base + j];
        }
        return LaneSum.fold(s);
    }

    @Override
    public double laneSumSquaredDeviation(int rows, int n, float[] x, int off, int stride, double mean) {
        double[] s = new double[LaneSum.LANES];
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < n; j++) {
                double d = x[base + j] - mean;
                s[j % LaneSum.LANES] += d * d;
            }
        }
        return LaneSum.fold(s);
    }

    @Override
    public void laneGradientSums(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                                 double[] out) {
        double[] sg = new double[LaneSum.LANES], sgx = new double[LaneSum.LANES];
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < n; j++) {
                double gj = g[base + j];
                sg[j % LaneSum.LANES] += gj;
                sgx[j % LaneSum.LANES] += gj * ((x[base + j] - mean) * invStd);
            }
        }
        out[0] = LaneSum.fold(sg);
        out[1] = LaneSum.fold(sgx);
    }

    @Override
    public void batchNormApply(int rows, int n, float[] x, int off, int stride, double mean, double invStd, double gamma,
                               double beta, float[] y) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < n; j++) y[base + j] = (float) (gamma * ((x[base + j] - mean) * invStd) + beta);
        }
    }

    @Override
    public void batchNormInputGrad(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                                   double k, double meanG, double meanGx, float[] dx) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < n; j++) {
                dx[base + j] = (float) (k * ((g[base + j] - meanG) - ((x[base + j] - mean) * invStd) * meanGx));
            }
        }
    }

    @Override
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        adamRange(0, n, w, grad, m, v, s);
    }

    /** {@link #adam} on indices from..to-1 (the vector kernel's tail). */
    static void adamRange(int from, int to, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        boolean l2 = s.weightDecay() != 0f && !s.decoupled(), decay = s.weightDecay() != 0f && s.decoupled();
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (decay) w[i] *= s.decay();
            if (l2) g += s.weightDecay() * w[i];
            m[i] = m[i] * s.beta1() + s.oneMinusBeta1() * g;
            v[i] = v[i] * s.beta2() + s.oneMinusBeta2() * g * g;
            float denom = (float) Math.sqrt(v[i]) / s.sqrtBc2() + s.eps();
            w[i] -= s.stepSize() * (m[i] / denom);
        }
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        sgdRange(0, n, w, grad, buf, lr, momentum, keep, weightDecay, nesterov, firstStep);
    }

    /** {@link #sgd} on indices from..to-1 (the vector kernel's tail). */
    static void sgdRange(int from, int to, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                         float weightDecay, boolean nesterov, boolean firstStep) {
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (weightDecay != 0f) g += weightDecay * w[i];
            if (momentum != 0f) {
                buf[i] = firstStep ? g : momentum * buf[i] + keep * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            w[i] -= lr * g;
        }
    }

    @Override
    public void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                        float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        rmspropRange(0, n, w, grad, sq, gAvg, buf, lr, alpha, oneMinusAlpha, eps, weightDecay, momentum);
    }

    /** {@link #rmsprop} on indices from..to-1 (the vector kernel's tail). */
    static void rmspropRange(int from, int to, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr,
                             float alpha, float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        for (int i = from; i < to; i++) {
            float g = grad[i];
            if (weightDecay != 0f) g += weightDecay * w[i];
            sq[i] = sq[i] * alpha + oneMinusAlpha * g * g;
            float avg;
            if (gAvg != null) {
                gAvg[i] = gAvg[i] * alpha + oneMinusAlpha * g;
                avg = (float) Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
            } else {
                avg = (float) Math.sqrt(sq[i]) + eps;
            }
            if (buf != null) {
                buf[i] = buf[i] * momentum + g / avg;
                w[i] -= lr * buf[i];
            } else {
                w[i] -= lr * (g / avg);
            }
        }
    }

    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu) {
        int oh = h / 2, ow = w / 2;
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                maxPool2x2Row(x, xOff + pl * h * w + 2 * oy * w, w, 0, ow, out, argmax, oOff + (pl * oh + oy) * ow, relu);
            }
        }
    }

    /**
     * Outputs ox0..ox1-1 of one output row of {@link #maxPool2x2}: the window's top row starts at x[top],
     * its bottom row at x[top + w], and output ox goes to out[o + ox] and argmax[o + ox].
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
            argmax[o + ox] = at;
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
