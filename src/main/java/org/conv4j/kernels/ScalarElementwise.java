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
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                     float eps, float weightDecay, boolean decoupled, int step) {
        AdamTerms t = AdamTerms.of(lr, beta1, beta2, weightDecay, decoupled, step);
        for (int i = 0; i < n; i++) {
            float wi = w[i] * t.decay();
            float g = grad[i] + t.l2() * w[i];
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            w[i] = wi - t.stepSize() * mi / ((float) Math.sqrt(vi) / t.sqrtBc2() + eps);
        }
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float dampening,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        for (int i = 0; i < n; i++) {
            float g = grad[i] + weightDecay * w[i];
            if (momentum != 0f) {
                float b = firstStep ? g : momentum * buf[i] + (1f - dampening) * g;
                buf[i] = b;
                g = nesterov ? g + momentum * b : b;
            }
            w[i] -= lr * g;
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
    public String name() { return "scalar"; }
}
