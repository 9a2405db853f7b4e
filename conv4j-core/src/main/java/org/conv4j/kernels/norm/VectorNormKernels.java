package org.conv4j.kernels.norm;

import static org.conv4j.kernels.Lanes.narrow;
import static org.conv4j.kernels.Lanes.widen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
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
    private static final VectorSpecies<Float> FH = Lanes.HALF_FLOATS;
    private static final int DL = D.length();

    // The three lane sums below keep LaneSum's eight running sums in one vector of 8 doubles (512-bit) or
    // two of 4 (256-bit): element j of a row goes to lane j mod 8, a row's last n mod 8 elements by a
    // masked add into their own lanes. Narrower vectors take the scalar reference, which gives the same bits.

    @Override
    public double laneSum(int rows, int n, float[] x, int off, int stride) {
        if (DL != 8 && DL != 4) return TAIL.laneSum(rows, n, x, off, stride);
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        int full = n - n % LaneSum.LANES, rem = n - full;
        VectorMask<Float> m0 = FH.indexInRange(0, rem), m1 = FH.indexInRange(DL, rem);
        for (int r = 0; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < full; j += LaneSum.LANES) {
                a0 = a0.add(widen(x, base + j));
                if (DL == 4) a1 = a1.add(widen(x, base + j + 4));
            }
            if (rem > 0) {
                a0 = a0.add(widen(x, base + full, m0), m0.cast(D));
                if (DL == 4) a1 = a1.add(widen(x, base + full + 4, m1), m1.cast(D));
            }
        }
        return foldLanes(a0, a1);
    }

    @Override
    public double laneSumSquaredDeviation(int rows, int n, float[] x, int off, int stride, double mean) {
        if (DL != 8 && DL != 4) return TAIL.laneSumSquaredDeviation(rows, n, x, off, stride, mean);
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        int full = n - n % LaneSum.LANES, rem = n - full;
        VectorMask<Float> m0 = FH.indexInRange(0, rem), m1 = FH.indexInRange(DL, rem);
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
                DoubleVector d0 = widen(x, base + full, m0).sub(mean);
                a0 = a0.add(d0.mul(d0), m0.cast(D));
                if (DL == 4) {
                    DoubleVector d1 = widen(x, base + full + 4, m1).sub(mean);
                    a1 = a1.add(d1.mul(d1), m1.cast(D));
                }
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
        VectorMask<Float> m0 = FH.indexInRange(0, rem), m1 = FH.indexInRange(DL, rem);
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
                DoubleVector g0 = widen(g, base + full, m0);
                sg0 = sg0.add(g0, m0.cast(D));
                sx0 = sx0.add(g0.mul(widen(x, base + full, m0).sub(mean).mul(invStd)), m0.cast(D));
                if (DL == 4) {
                    DoubleVector g1 = widen(g, base + full + 4, m1);
                    sg1 = sg1.add(g1, m1.cast(D));
                    sx1 = sx1.add(g1.mul(widen(x, base + full + 4, m1).sub(mean).mul(invStd)), m1.cast(D));
                }
            }
        }
        out[0] = foldLanes(sg0, sg1);
        out[1] = foldLanes(sx0, sx1);
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
