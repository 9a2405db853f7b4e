package org.conv4j.kernels.norm;

/** The readable reference for {@link NormKernels}: plain loops, sums in {@link LaneSum}'s order. */
public final class ScalarNormKernels implements NormKernels {
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
    public String name() { return "scalar"; }
}
