package org.conv4j.kernels.activation;

/** The readable reference for {@link ActivationKernels}: one plain loop per function. */
public final class ScalarActivationKernels implements ActivationKernels {
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
    public void sigmoidForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (slope != null) slope[yOff + i] = LogisticMath.slope(false, v);
            y[yOff + i] = LogisticMath.value(false, v);
        }
    }

    @Override
    public void tanhForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (slope != null) slope[yOff + i] = LogisticMath.slope(true, v);
            y[yOff + i] = LogisticMath.value(true, v);
        }
    }

    @Override
    public void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (slope != null) slope[yOff + i] = GeluMath.slope(v);
            y[yOff + i] = GeluMath.value(v);
        }
    }

    @Override
    public String name() { return "scalar"; }
}
