package org.conv4j.kernels.array;

/** The readable reference for {@link ArrayKernels}: one plain loop per primitive. */
public final class ScalarArrayKernels implements ArrayKernels {
    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(x[xOff + i], scale, shift);
    }

    @Override
    public void clamp(int n, float lo, float hi, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v < lo ? lo : v > hi ? hi : v;
        }
    }

    @Override
    public int multiplyAbove(int n, float t, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        int notAbove = 0;
        for (int i = 0; i < n; i++) {
            float v = a[aOff + i];
            if (v > t) {
                y[yOff + i] = v * b[bOff + i];
            } else {
                y[yOff + i] = v;
                notAbove++;
            }
        }
        return notAbove;
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
    public String name() { return "scalar"; }
}
