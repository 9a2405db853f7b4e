package org.conv4j.kernels.norm;

import static org.conv4j.kernels.Lanes.narrow;
import static org.conv4j.kernels.Lanes.widen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link NormKernels} on the Vector API, bitwise equal to {@link ScalarNormKernels}: the sums keep
 * {@link LaneSum}'s eight running sums in vector lanes, and the maps do the scalar reference's double
 * operations in its order, then a scalar tail.
 */
public final class VectorNormKernels implements NormKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final ScalarNormKernels TAIL = new ScalarNormKernels();
    private static final VectorSpecies<Double> D = Lanes.DOUBLES;
    private static final int DL = D.length();

    // The three lane sums below keep LaneSum's eight running sums in one vector of 8 doubles (512-bit) or
    // two of 4 (256-bit): element j of a row goes to lane j mod 8. A row's last n mod 8 elements are computed
    // as scalars into the lanes of a tail array whose other lanes hold -0.0, and that array is added whole:
    // a + (-0.0) is a, bit for bit, for every a (+0.0 and -0.0 included), so lanes without a tail element keep
    // their sums. Masked loads and adds gave the same bits but cost a tenth of a batch-norm model's training
    // epoch at 512 bits for a few elements per row. Narrower vectors take the scalar reference, which gives
    // the same bits.

    @Override
    public double laneSum(int rows, int n, float[] x, int off, int stride) {
        if (DL != 8 && DL != 4) return TAIL.laneSum(rows, n, x, off, stride);
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        int full = n - n % LaneSum.LANES, rem = n - full;
        double[] t = rem > 0 ? tail() : null;
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < full; j += LaneSum.LANES) {
                a0 = a0.add(widen(x, base + j));
                if (DL == 4) a1 = a1.add(widen(x, base + j + 4));
            }
            if (rem > 0) {
                for (int k = 0; k < rem; k++) t[k] = x[base + full + k];
                a0 = a0.add(DoubleVector.fromArray(D, t, 0));
                if (DL == 4) a1 = a1.add(DoubleVector.fromArray(D, t, 4));
            }
        }
        return foldLanes(a0, a1);
    }

    @Override
    public double laneSumSquaredDeviation(int rows, int n, float[] x, int off, int stride, double mean) {
        if (DL != 8 && DL != 4) return TAIL.laneSumSquaredDeviation(rows, n, x, off, stride, mean);
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        int full = n - n % LaneSum.LANES, rem = n - full;
        double[] t = rem > 0 ? tail() : null;
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < full; j += LaneSum.LANES) {
                DoubleVector d0 = widen(x, base + j).sub(mean);
                a0 = a0.add(d0.mul(d0));
                if (DL == 4) {
                    DoubleVector d1 = widen(x, base + j + 4).sub(mean);
                    a1 = a1.add(d1.mul(d1));
                }
            }
            if (rem > 0) {
                for (int k = 0; k < rem; k++) {
                    double d = x[base + full + k] - mean;
                    t[k] = d * d;
                }
                a0 = a0.add(DoubleVector.fromArray(D, t, 0));
                if (DL == 4) a1 = a1.add(DoubleVector.fromArray(D, t, 4));
            }
        }
        return foldLanes(a0, a1);
    }

    @Override
    public void laneGradientSums(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                                 double[] out) {
        if (DL != 8 && DL != 4) {
            TAIL.laneGradientSums(rows, n, g, x, off, stride, mean, invStd, out);
            return;
        }
        DoubleVector sg0 = DoubleVector.zero(D), sg1 = DoubleVector.zero(D);
        DoubleVector sx0 = DoubleVector.zero(D), sx1 = DoubleVector.zero(D);
        int full = n - n % LaneSum.LANES, rem = n - full;
        double[] tg = rem > 0 ? tail() : null, tx = rem > 0 ? tail() : null;
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < full; j += LaneSum.LANES) {
                DoubleVector g0 = widen(g, base + j);
                sg0 = sg0.add(g0);
                sx0 = sx0.add(g0.mul(widen(x, base + j).sub(mean).mul(invStd)));
                if (DL == 4) {
                    DoubleVector g1 = widen(g, base + j + 4);
                    sg1 = sg1.add(g1);
                    sx1 = sx1.add(g1.mul(widen(x, base + j + 4).sub(mean).mul(invStd)));
                }
            }
            if (rem > 0) {
                for (int k = 0; k < rem; k++) {
                    double gk = g[base + full + k];
                    tg[k] = gk;
                    tx[k] = gk * ((x[base + full + k] - mean) * invStd);
                }
                sg0 = sg0.add(DoubleVector.fromArray(D, tg, 0));
                sx0 = sx0.add(DoubleVector.fromArray(D, tx, 0));
                if (DL == 4) {
                    sg1 = sg1.add(DoubleVector.fromArray(D, tg, 4));
                    sx1 = sx1.add(DoubleVector.fromArray(D, tx, 4));
                }
            }
        }
        out[0] = foldLanes(sg0, sg1);
        out[1] = foldLanes(sx0, sx1);
    }

    /** A row tail's eight lanes, all -0.0 (adding it leaves a sum as it is) until a tail's elements are written. */
    private static double[] tail() {
        double[] t = new double[LaneSum.LANES];
        java.util.Arrays.fill(t, -0.0);
        return t;
    }

    /** LaneSum's eight sums from one vector of 8 lanes, or two of 4 (lanes 0–3, 4–7), folded as LaneSum does. */
    private static double foldLanes(DoubleVector a0, DoubleVector a1) {
        double[] s = new double[LaneSum.LANES];
        a0.intoArray(s, 0);
        if (DL == 4) a1.intoArray(s, 4);
        return LaneSum.fold(s);
    }

    @Override
    public void batchNormApply(int rows, int n, float[] x, int off, int stride, double mean, double invStd, double gamma,
                               double beta, float[] y) {
        int bound = n - n % DL;
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride, j = 0;
            for (; j < bound; j += DL) {
                narrow(widen(x, base + j).sub(mean).mul(invStd).mul(gamma).add(beta), y, base + j);
            }
            TAIL.batchNormApply(1, n - j, x, base + j, 0, mean, invStd, gamma, beta, y);
        }
    }

    @Override
    public void batchNormInputGrad(int rows, int n, float[] g, float[] x, int off, int stride, double mean, double invStd,
                                   double k, double meanG, double meanGx, float[] dx) {
        int bound = n - n % DL;
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride, j = 0;
            for (; j < bound; j += DL) {
                DoubleVector xhat = widen(x, base + j).sub(mean).mul(invStd);
                narrow(widen(g, base + j).sub(meanG).sub(xhat.mul(meanGx)).mul(k), dx, base + j);
            }
            TAIL.batchNormInputGrad(1, n - j, g, x, base + j, 0, mean, invStd, k, meanG, meanGx, dx);
        }
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
