package org.conv4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} on the Vector API. Every loop has the same shape: a vector body up to
 * {@code S.loopBound(n)}, then a scalar tail doing exactly what {@link ScalarElementwise} does.
 * The maps use the same operations in the same order as the scalar reference, so they agree bit for bit,
 * except sigmoid, tanh and GELU, whose exp, tanh and erf come from the Vector API or a polynomial and agree
 * to one float ulp. The ordered and lane sums follow their written-down order, so they agree bit for bit
 * too; the plain reductions (sum, dot, squared deviation) keep two vector accumulators and differ only by
 * summation order, which is fixed: the same inputs give the same bits whether the code runs interpreted,
 * under C1 or under C2.
 */
public final class VectorElementwise implements Elementwise {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    private static final ScalarElementwise TAIL = new ScalarElementwise();
    /** Doubles at the float vectors' width, and the floats that widen into one of them (half the width). */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, VectorShape.forBitSize(S.vectorBitSize()));
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final int DL = D.length();

    @Override
    public void reluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            // blend, not max: max(NaN, 0) would be NaN too, but -0.0 must stay -0.0 as in the scalar loop.
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i);
        }
        TAIL.reluForward(n - i, x, xOff + i, y, yOff + i);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += V) {
            VectorMask<Float> on = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dOut, dOff + i), on).intoArray(dX, dxOff + i);
        }
        TAIL.reluBackward(n - i, x, xOff + i, dOut, dOff + i, dX, dxOff + i);
    }

    @Override
    public void leakyReluForward(int n, float slope, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + i);
        }
        TAIL.leakyReluForward(n - i, slope, x, xOff + i, y, yOff + i);
    }

    @Override
    public void leakyReluBackward(int n, float slope, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector g = FloatVector.fromArray(S, dOut, dOff + i);
            VectorMask<Float> on = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            g.mul(slope).blend(g, on).intoArray(dX, dxOff + i);
        }
        TAIL.leakyReluBackward(n - i, slope, x, xOff + i, dOut, dOff + i, dX, dxOff + i);
    }

    @Override
    public void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector v = widen(x, xOff + i);
            // 1/(1 + e) for v ≥ 0, e/(1 + e) below, e = exp(−|v|): one division of the blended numerator.
            DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            narrow(e.blend(1.0, v.compare(VectorOperators.GE, 0.0)).div(e.add(1.0)), y, yOff + i);
        }
        TAIL.sigmoidForward(n - i, x, xOff + i, y, yOff + i);
    }

    @Override
    public void sigmoidBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector e = widen(x, xOff + i).abs().neg().lanewise(VectorOperators.EXP), onePlusE = e.add(1.0);
            narrow(widen(dOut, dOff + i).mul(e.div(onePlusE.mul(onePlusE))), dX, dxOff + i);
        }
        TAIL.sigmoidBackward(n - i, x, xOff + i, dOut, dOff + i, dX, dxOff + i);
    }

    @Override
    public void tanhForward(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) narrow(widen(x, xOff + i).lanewise(VectorOperators.TANH), y, yOff + i);
        TAIL.tanhForward(n - i, x, xOff + i, y, yOff + i);
    }

    @Override
    public void tanhBackward(int n, float[] x, int xOff, float[] dOut, int dOff, float[] dX, int dxOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector e = widen(x, xOff + i).abs().mul(-2.0).lanewise(VectorOperators.EXP), onePlusE = e.add(1.0);
            narrow(widen(dOut, dOff + i).mul(e.mul(4.0).div(onePlusE.mul(onePlusE))), dX, dxOff + i);
        }
        TAIL.tanhBackward(n - i, x, xOff + i, dOut, dOff + i, dX, dxOff + i);
    }

    /**
     * The exact GELU, with Φ(v) as {@link Smooth#cdf} defines it and erf(a), a = |v|/√2, from polynomials:
     * below a = 1 its Taylor series a·Σ cₙ·a²ⁿ to n = 17 (the next term is below 1e-16 there), from 1 to
     * 2.5 a degree-17 Chebyshev interpolant, evaluated in powers of its variable (within 1.5e-14 of erf). A vector with
     * a lane beyond (|v| ≥ 2.5·√2, or v &lt; −3.5, where Φ comes from erfc: 0.05% of unit Gaussians) takes
     * the scalar reference, so those lanes get exactly its bits.
     *
     * <p>No vector crosses a call or a branch merge: C2 boxed them when one did (a vector erfc path merged
     * after an if, a helper it did not inline, two vectors per step: 24–42 bytes allocated per value).
     */
    @Override
    public void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        if (slope == null) {
            geluValues(n, x, xOff, y, yOff);
            return;
        }
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector v = widen(x, xOff + i);
            // exp first, while few vectors are live across its call: C2 spilled the polynomials' vectors
            // around it otherwise (6.3 against 4.6 ns per value on one thread).
            DoubleVector pdf = v.mul(-0.5).mul(v).lanewise(VectorOperators.EXP);
            DoubleVector z = v.mul(Smooth.INV_SQRT2), a = z.abs();
            // NaN fails both tests and takes the vector path, where it stays NaN.
            if (v.compare(VectorOperators.LT, Smooth.CDF_ERFC_BELOW).or(a.compare(VectorOperators.GE, ERF_POLY_BELOW)).anyTrue()) {
                TAIL.geluForward(DL, x, xOff + i, y, slope, yOff + i);
                continue;
            }
            // Both polynomials by their even and odd halves in the square of their variable: four independent
            // chains of 8 FMAs rather than two serial chains of 17 (Horner, Clenshaw).
            DoubleVector u = a.mul(a), uu = u.mul(u);
            DoubleVector tEven = DoubleVector.broadcast(D, ERF_TAYLOR[16]), tOdd = DoubleVector.broadcast(D, ERF_TAYLOR[17]);
            DoubleVector s = a.sub(1.75).mul(1 / 0.75), ss = s.mul(s);
            DoubleVector cEven = DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[16]), cOdd = DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[17]);
            for (int k = 14; k >= 0; k -= 2) {
                tEven = tEven.fma(uu, DoubleVector.broadcast(D, ERF_TAYLOR[k]));
                tOdd = tOdd.fma(uu, DoubleVector.broadcast(D, ERF_TAYLOR[k + 1]));
                cEven = cEven.fma(ss, DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[k]));
                cOdd = cOdd.fma(ss, DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[k + 1]));
            }
            // Lanes below a = 1 take the Taylor value, the others the interpolant's.
            DoubleVector erf = tOdd.fma(u, tEven).mul(a).blend(cOdd.fma(s, cEven), a.compare(VectorOperators.GE, 1.0));
            DoubleVector cdf = erf.blend(erf.neg(), z.compare(VectorOperators.LT, 0.0)).add(1.0).mul(0.5);
            narrow(v.mul(cdf), y, yOff + i);
            narrow(cdf.add(v.mul(Smooth.INV_SQRT_2PI).mul(pdf)), slope, yOff + i);
        }
        TAIL.geluForward(n - i, x, xOff + i, y, slope, yOff + i);
    }

    /**
     * {@link #geluForward} without the slope (inference), which needs no exp. Its loop repeats the one above
     * on purpose: a helper taking or returning the vectors made C2 box them (12 bytes per value), and one
     * loop with the exp behind a branch ran at 6.3 ns per value where these two run at 4.6 and 2.7.
     */
    private static void geluValues(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector v = widen(x, xOff + i);
            DoubleVector z = v.mul(Smooth.INV_SQRT2), a = z.abs();
            if (v.compare(VectorOperators.LT, Smooth.CDF_ERFC_BELOW).or(a.compare(VectorOperators.GE, ERF_POLY_BELOW)).anyTrue()) {
                TAIL.geluForward(DL, x, xOff + i, y, null, yOff + i);
                continue;
            }
            // Both polynomials by their even and odd halves in the square of their variable: four independent
            // chains of 8 FMAs rather than two serial chains of 17 (Horner, Clenshaw).
            DoubleVector u = a.mul(a), uu = u.mul(u);
            DoubleVector tEven = DoubleVector.broadcast(D, ERF_TAYLOR[16]), tOdd = DoubleVector.broadcast(D, ERF_TAYLOR[17]);
            DoubleVector s = a.sub(1.75).mul(1 / 0.75), ss = s.mul(s);
            DoubleVector cEven = DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[16]), cOdd = DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[17]);
            for (int k = 14; k >= 0; k -= 2) {
                tEven = tEven.fma(uu, DoubleVector.broadcast(D, ERF_TAYLOR[k]));
                tOdd = tOdd.fma(uu, DoubleVector.broadcast(D, ERF_TAYLOR[k + 1]));
                cEven = cEven.fma(ss, DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[k]));
                cOdd = cOdd.fma(ss, DoubleVector.broadcast(D, ERF_CHEBYSHEV_POWERS[k + 1]));
            }
            // Lanes below a = 1 take the Taylor value, the others the interpolant's.
            DoubleVector erf = tOdd.fma(u, tEven).mul(a).blend(cOdd.fma(s, cEven), a.compare(VectorOperators.GE, 1.0));
            DoubleVector cdf = erf.blend(erf.neg(), z.compare(VectorOperators.LT, 0.0)).add(1.0).mul(0.5);
            narrow(v.mul(cdf), y, yOff + i);
        }
        TAIL.geluForward(n - i, x, xOff + i, y, null, yOff + i);
    }

    /** The erf polynomials cover a below this; beyond, Φ needs erfc and the scalar reference runs. */
    private static final double ERF_POLY_BELOW = 2.5;

    /** erf(a)/a = Σ cₙ·(a²)ⁿ, cₙ = 2/√π · (−1)ⁿ / (n!·(2n+1)), n = 0..17. */
    private static final double[] ERF_TAYLOR = new double[18];

    static {
        double factorial = 1;
        for (int n = 0; n < ERF_TAYLOR.length; n++) {
            if (n > 0) factorial *= n;
            ERF_TAYLOR[n] = Smooth.TWO_OVER_SQRT_PI * (n % 2 == 0 ? 1 : -1) / (factorial * (2 * n + 1));
        }
    }

    /**
     * Chebyshev coefficients of erf on [1, 2.5] in s = (a − 1.75)/0.75, interpolated at degree 17 from
     * CPython's math.erf with numpy (Chebyshev.interpolate); within 1.5e-14 of erf on the interval.
     */
    private static final double[] ERF_CHEBYSHEV = {
        0.9555018694229293, 0.06868056884383078, -0.032814789434823605, 0.009756490312318154,
        -0.0015927248935882056, 1.9131436092692214e-05, 5.24509559278124e-05, -1.0314610604053894e-05,
        1.503959310546045e-07, 2.5290492821587765e-07, -3.688717490408284e-08, -1.3046704334169275e-09,
        9.173872772549885e-10, -6.752848897346236e-11, -1.0459657831221294e-11, 2.0841723408832674e-12,
        -7.419990547911462e-15, -3.264672482967196e-14};

    /**
     * The interpolant above in powers of s: Σ pₖ·sᵏ = Σ cₖ·Tₖ(s), expanded once with Tₖ₊₁ = 2s·Tₖ − Tₖ₋₁.
     * On [−1, 1] |Σ pₖ·sᵏ| stays within Σ|pₖ| ≈ 1.1, so the power form loses no more than a few ulps of double.
     */
    private static final double[] ERF_CHEBYSHEV_POWERS = chebyshevToPowers(ERF_CHEBYSHEV);

    private static double[] chebyshevToPowers(double[] c) {
        int n = c.length;
        double[] p = new double[n], prev = new double[n], cur = new double[n];
        prev[0] = 1;   // T0
        cur[1] = 1;    // T1
        p[0] = c[0];
        for (int k = 1; k < n; k++) {
            for (int j = 0; j < n; j++) p[j] += c[k] * cur[j];
            double[] next = new double[n];
            for (int j = 0; j < n; j++) next[j] = (j > 0 ? 2 * cur[j - 1] : 0) - prev[j];
            prev = cur;
            cur = next;
        }
        return p;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += V) {
            a.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        TAIL.axpy(n - i, alpha, x, xOff + i, y, yOff + i);
    }

    @Override
    public void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector.fromArray(S, x, xOff + i).fma(scale, shift).intoArray(y, yOff + i);
        }
        TAIL.scaleShift(n - i, x, xOff + i, scale, shift, y, yOff + i);
    }

    @Override
    public double sum(int n, float[] x, int xOff) {
        // Float lanes over blocks of 4096 values, each block's total added in double: float error stays
        // bounded by the block length, not n.
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = s0.add(FloatVector.fromArray(S, x, at + i));
                s1 = s1.add(FloatVector.fromArray(S, x, at + i + V));
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.sum(len - i, x, at + i);
        }
        return total;
    }

    private static final int BLOCK = 4096;

    /**
     * The lanes of v summed one by one in lane order, in double. Not reduceLanes: its order differs between
     * the C2 intrinsic and the interpreter/C1 fallback, which made the same computation round differently
     * before and after JIT warm-up (same seed, different weights).
     */
    private static double lanesInOrder(FloatVector v) {
        float[] lanes = new float[V];
        v.intoArray(lanes, 0);
        double t = 0;
        for (float x : lanes) t += x;
        return t;
    }

    /** OrderedSum's eight running sums are the lanes of one 256-bit vector: element q goes to lane q mod 8. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    /**
     * Four rows at a time, each row's eight running sums the lanes of a 256-bit vector added in the
     * scalar order (so the bits are OrderedSum's), four independent chains of vector adds where the scalar
     * sum is one row's eight scalar chains: 12% of fmnist-c1's forward + backward went to the scalar sums.
     * Rows left over, and vectors narrower than 256 bits, take the scalar reference.
     */
    @Override
    public void addOrderedSums(int rows, int n, float[] x, int xOff, int stride, float[] dst, int dstOff) {
        int r = 0, bound = n & ~7;
        if (S.vectorBitSize() >= 256) {
            for (; r + 4 <= rows; r += 4) {
                int a0 = xOff + r * stride, a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride;
                FloatVector s0 = FloatVector.zero(S8), s1 = s0, s2 = s0, s3 = s0;
                for (int q = 0; q < bound; q += 8) {
                    s0 = s0.add(FloatVector.fromArray(S8, x, a0 + q));
                    s1 = s1.add(FloatVector.fromArray(S8, x, a1 + q));
                    s2 = s2.add(FloatVector.fromArray(S8, x, a2 + q));
                    s3 = s3.add(FloatVector.fromArray(S8, x, a3 + q));
                }
                dst[dstOff + r] += finishOrderedSum(s0, x, a0 + bound, n - bound);
                dst[dstOff + r + 1] += finishOrderedSum(s1, x, a1 + bound, n - bound);
                dst[dstOff + r + 2] += finishOrderedSum(s2, x, a2 + bound, n - bound);
                dst[dstOff + r + 3] += finishOrderedSum(s3, x, a3 + bound, n - bound);
            }
        }
        TAIL.addOrderedSums(rows - r, n, x, xOff + r * stride, stride, dst, dstOff + r);
    }

    /** OrderedSum's ending: the tail into the first running sum, then the eight combined pairwise. */
    private static float finishOrderedSum(FloatVector sums, float[] x, int tail, int count) {
        float s0 = sums.lane(0);
        for (int i = 0; i < count; i++) s0 += x[tail + i];
        return ((s0 + sums.lane(1)) + (sums.lane(2) + sums.lane(3))) + ((sums.lane(4) + sums.lane(5)) + (sums.lane(6) + sums.lane(7)));
    }

    @Override
    public double sumSquaredDeviation(int n, float[] x, int xOff, float mean) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                FloatVector d0 = FloatVector.fromArray(S, x, at + i).sub(mean);
                FloatVector d1 = FloatVector.fromArray(S, x, at + i + V).sub(mean);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.sumSquaredDeviation(len - i, x, at + i, mean);
        }
        return total;
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            int xa = xOff + start, ya = yOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = FloatVector.fromArray(S, x, xa + i).fma(FloatVector.fromArray(S, y, ya + i), s0);
                s1 = FloatVector.fromArray(S, x, xa + i + V).fma(FloatVector.fromArray(S, y, ya + i + V), s1);
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.dot(len - i, x, xa + i, y, ya + i);
        }
        return total;
    }

    /** x[i .. i+DL) widened to doubles (lanes at or past {@code limit} − i are 0 when masked). */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(FH, x, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector widen(float[] x, int i, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromArray(FH, x, i, m).convertShape(VectorOperators.F2D, D, 0);
    }

    /** Stores the doubles of {@code v} narrowed to floats at y[i ..]. */
    private static void narrow(DoubleVector v, float[] y, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, FH, 0)).intoArray(y, i);
    }

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
    public void adam(int n, float[] w, float[] grad, float[] m, float[] v, AdamStep s) {
        boolean l2 = s.weightDecay() != 0f && !s.decoupled(), decay = s.weightDecay() != 0f && s.decoupled();
        int i = 0, bound = S.loopBound(n);
        // The scalar reference's operations in its order (mul then add, no fusing): bitwise equal.
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (decay) wv = wv.mul(s.decay());
            if (l2) g = g.add(wv.mul(s.weightDecay()));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(s.beta1()).add(g.mul(s.oneMinusBeta1()));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(s.beta2()).add(g.mul(s.oneMinusBeta2()).mul(g));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(s.sqrtBc2()).add(s.eps());
            wv.sub(mv.div(denom).mul(s.stepSize())).intoArray(w, i);
        }
        ScalarElementwise.adamRange(i, n, w, grad, m, v, s);
    }

    @Override
    public void sgd(int n, float[] w, float[] grad, float[] buf, float lr, float momentum, float keep,
                    float weightDecay, boolean nesterov, boolean firstStep) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (weightDecay != 0f) g = g.add(wv.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector b = firstStep ? g : FloatVector.fromArray(S, buf, i).mul(momentum).add(g.mul(keep));
                b.intoArray(buf, i);
                g = nesterov ? g.add(b.mul(momentum)) : b;
            }
            wv.sub(g.mul(lr)).intoArray(w, i);
        }
        ScalarElementwise.sgdRange(i, n, w, grad, buf, lr, momentum, keep, weightDecay, nesterov, firstStep);
    }

    @Override
    public void rmsprop(int n, float[] w, float[] grad, float[] sq, float[] gAvg, float[] buf, float lr, float alpha,
                        float oneMinusAlpha, float eps, float weightDecay, float momentum) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector g = FloatVector.fromArray(S, grad, i);
            if (weightDecay != 0f) g = g.add(wv.mul(weightDecay));
            FloatVector s = FloatVector.fromArray(S, sq, i).mul(alpha).add(g.mul(oneMinusAlpha).mul(g));
            s.intoArray(sq, i);
            FloatVector avg;
            if (gAvg != null) {
                FloatVector ga = FloatVector.fromArray(S, gAvg, i).mul(alpha).add(g.mul(oneMinusAlpha));
                ga.intoArray(gAvg, i);
                avg = s.sub(ga.mul(ga)).lanewise(VectorOperators.SQRT).add(eps);
            } else {
                avg = s.lanewise(VectorOperators.SQRT).add(eps);
            }
            if (buf != null) {
                FloatVector b = FloatVector.fromArray(S, buf, i).mul(momentum).add(g.div(avg));
                b.intoArray(buf, i);
                wv.sub(b.mul(lr)).intoArray(w, i);
            } else {
                wv.sub(g.div(avg).mul(lr)).intoArray(w, i);
            }
        }
        ScalarElementwise.rmspropRange(i, n, w, grad, sq, gAvg, buf, lr, alpha, oneMinusAlpha, eps, weightDecay, momentum);
    }

    /** Lane indices 0, 2, 4, … and 1, 3, 5, … into the concatenation of two vectors: deinterleave. */
    private static final FloatVector EVEN = FloatVector.fromArray(S, lanes(0, 2), 0);
    private static final FloatVector ODD = FloatVector.fromArray(S, lanes(1, 2), 0);

    private static float[] lanes(int first, int step) {
        float[] l = new float[V];
        for (int i = 0; i < V; i++) l[i] = first + step * i;
        return l;
    }

    /** Plane-relative indices are carried in float lanes; exact up to 2^24. */
    private static final int EXACT_FLOAT_INT = 1 << 24;

    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu) {
        // One output row at a time, V outputs per step: load 2V inputs of the window's top row and 2V of its
        // bottom row, split each into even and odd columns with a two-vector
        // selectFrom, take the row-wise winners, then the vertical winner. Tie order: within a row the left
        // cell wins a tie, and the top row's winner beats the bottom's on a tie, which is exactly "first
        // maximum in row-major order" of the scalar loop; NaN beats numbers, the first NaN wins.
        // The argmax is carried as a plane-relative float (exact below 2^24) so every blend stays on one
        // species; it becomes an int once, on the way out.
        if (h * w >= EXACT_FLOAT_INT) {
            TAIL.maxPool2x2(planes, h, w, x, xOff, out, argmax, oOff, relu);
            return;
        }
        // ReLU enters as data, not as a branch around vector code (which made C2 box the vectors): cells
        // below this floor become +0, and no cell is below −∞.
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int oh = h / 2, ow = w / 2, used = 2 * ow; // an odd last column is not covered (floor mode)
        // A slice loads whole vectors, reading past its row into x's next cells, and stores all V outputs:
        // those past the row's end belong to outputs of this call that come later and are written again
        // then. (Masked loads and stores cost as much as the rest of a slice together.) Where that would
        // read past x or write past this call's output range, which another thread may own, the rest of
        // the row goes through the scalar loop: only at the end of a range.
        int oEnd = oOff + planes * oh * ow, xLimit = x.length - w - 2 * V;
        for (int pl = 0; pl < planes; pl++) {
            int plane = xOff + pl * h * w, o = oOff + pl * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int top = 2 * oy * w; // plane-relative start of the window's top row
                for (int j = 0; j < used; j += 2 * V) {
                    if (plane + top + j > xLimit || o + j / 2 + V > oEnd) {
                        ScalarElementwise.maxPool2x2Row(x, plane + top, w, j / 2, ow, out, argmax, o, relu);
                        break;
                    }
                    poolSlice(x, plane, top + j, w, floor, out, argmax, o + j / 2);
                }
            }
        }
    }

    /**
     * V outputs of one row from the 2×(2V) inputs at plane-relative cell {@code at} (top row) and
     * {@code at + w} (bottom row), each first raised to +0 if below {@code floor}. The caller guarantees
     * that all of them lie in the arrays and may be read and written (lanes past the row's end carry
     * values that later slices overwrite). A method of its own so that C1 can compile it (the whole loop
     * nest ran out of registers there and stayed in the slow tier-2 code, which boxes every vector), and
     * so that no vector outlives one call.
     */
    private static void poolSlice(float[] x, int plane, int at, int w, float floor, float[] out, int[] argmax, int o) {
        FloatVector t0 = FloatVector.fromArray(S, x, plane + at);
        FloatVector t1 = FloatVector.fromArray(S, x, plane + at + V);
        FloatVector b0 = FloatVector.fromArray(S, x, plane + at + w);
        FloatVector b1 = FloatVector.fromArray(S, x, plane + at + w + V);
        t0 = t0.blend(0f, t0.lt(floor));
        t1 = t1.blend(0f, t1.lt(floor));
        b0 = b0.blend(0f, b0.lt(floor));
        b1 = b1.blend(0f, b1.lt(floor));
        FloatVector col = EVEN.add((float) at);
        // Top row, left vs right. "v beats best" is v > best, or v NaN and best not; written out because a
        // helper taking vectors was not inlined by C2, which then boxed them.
        FloatVector tl = EVEN.selectFrom(t0, t1), tr = ODD.selectFrom(t0, t1);
        VectorMask<Float> takeR = tr.compare(VectorOperators.GT, tl).or(tr.compare(VectorOperators.NE, tr).andNot(tl.compare(VectorOperators.NE, tl)));
        FloatVector tBest = tl.blend(tr, takeR);
        FloatVector tAt = col.blend(col.add(1f), takeR);
        // Bottom row.
        FloatVector bl = EVEN.selectFrom(b0, b1), br = ODD.selectFrom(b0, b1);
        VectorMask<Float> takeBr = br.compare(VectorOperators.GT, bl).or(br.compare(VectorOperators.NE, br).andNot(bl.compare(VectorOperators.NE, bl)));
        FloatVector bBest = bl.blend(br, takeBr);
        FloatVector bCol = col.add((float) w);
        FloatVector bAt = bCol.blend(bCol.add(1f), takeBr);
        // Top vs bottom: the top row wins a tie.
        VectorMask<Float> takeB = bBest.compare(VectorOperators.GT, tBest)
                .or(bBest.compare(VectorOperators.NE, bBest).andNot(tBest.compare(VectorOperators.NE, tBest)));
        tBest.blend(bBest, takeB).intoArray(out, o);
        IntVector idx = (IntVector) tAt.blend(bAt, takeB).convert(VectorOperators.F2I, 0);
        idx.add(plane).intoArray(argmax, o);
    }

    /** Lane indices 0, 1, 2, …: the cells of V windows one apart. */
    private static final FloatVector IOTA = FloatVector.fromArray(S, lanes(0, 1), 0);

    @Override
    public void maxPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float floor,
                            float[] best, float[] at) {
        // V outputs per step. Stride 1 loads V cells per window column, stride 2 loads 2V and keeps the even
        // ones; the cells of window column kx are compared with the best so far in kx order, so the leftmost
        // maximum wins as in the scalar loop. A step covers the row's edges too, as if the row went on into
        // the cells around it; the scalar loop then rewrites the outputs whose windows cross an edge (the
        // rows of a 3×3/2/1 pool on 32 columns have 15 inside windows, too few to fill 16 lanes otherwise).
        // A row shorter than V and strides above 2 take the scalar loop.
        if (stride > 2 || ow < V || h * w >= EXACT_FLOAT_INT) {
            TAIL.maxPoolRows(h, w, k, stride, pad, ow, x, xOff, floor, best, at);
            return;
        }
        int inLo = Math.min(ow, (pad + stride - 1) / stride);
        int inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - k + pad, stride) + 1));
        int reach = k - 1 + stride * V;   // cells a step loads from its first window's first cell
        for (int r = 0; r < h; r++) {
            // The last step may overlap the one before it and write some outputs twice, with the same values.
            for (int ox = 0; ox < ow; ox += V) {
                int first = Math.min(ox, ow - V), c = first * stride - pad, from = xOff + r * w + c;
                if (from < 0 || from + reach > x.length) {
                    ScalarElementwise.maxPoolRowSpan(r, w, k, stride, pad, first, first + V, ow, x, xOff, floor, best, at);
                } else if (stride == 1) {
                    rowStep1(x, xOff, r * w + c, k, floor, best, at, r * ow + first);
                } else {
                    rowStep2(x, xOff, r * w + c, k, floor, best, at, r * ow + first);
                }
            }
            ScalarElementwise.maxPoolRowSpan(r, w, k, stride, pad, 0, inLo, ow, x, xOff, floor, best, at);
            ScalarElementwise.maxPoolRowSpan(r, w, k, stride, pad, inHi, ow, ow, x, xOff, floor, best, at);
        }
    }

    /**
     * V windows of stride 1 whose first cells are at plane-relative cell {@code cell} onwards. Stride 1 and 2
     * are separate methods with no vector crossing a branch (which made C2 box them).
     */
    private static void rowStep1(float[] x, int xOff, int cell, int k, float floor, float[] best, float[] at, int o) {
        FloatVector b = FloatVector.fromArray(S, x, xOff + cell);
        b = b.blend(0f, b.lt(floor));
        FloatVector col = IOTA.add((float) cell), a = col;
        for (int kx = 1; kx < k; kx++) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + cell + kx);
            v = v.blend(0f, v.lt(floor));
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(col.add((float) kx), take);
        }
        b.intoArray(best, o);
        a.intoArray(at, o);
    }

    /** {@link #rowStep1} for stride 2: each window column's V cells are the even lanes of 2V loaded. */
    private static void rowStep2(float[] x, int xOff, int cell, int k, float floor, float[] best, float[] at, int o) {
        FloatVector b = EVEN.selectFrom(FloatVector.fromArray(S, x, xOff + cell), FloatVector.fromArray(S, x, xOff + cell + V));
        b = b.blend(0f, b.lt(floor));
        FloatVector col = EVEN.add((float) cell), a = col;
        for (int kx = 1; kx < k; kx++) {
            int c = xOff + cell + kx;
            FloatVector v = EVEN.selectFrom(FloatVector.fromArray(S, x, c), FloatVector.fromArray(S, x, c + V));
            v = v.blend(0f, v.lt(floor));
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(col.add((float) kx), take);
        }
        b.intoArray(best, o);
        a.intoArray(at, o);
    }

    @Override
    public void maxPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] best, float[] at,
                               float[] out, int[] argmax, int oOff, int atBase) {
        // V output columns per step, rows compared top to bottom so that the topmost maximum wins; a row
        // shorter than V takes the scalar loop, a longer one ends with a step overlapping the one before.
        if (ow < V) {
            TAIL.maxPoolColumns(h, k, stride, pad, oh, ow, best, at, out, argmax, oOff, atBase);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            for (int ox = 0; ox < ow; ox += V) {
                columnStep(best, at, r0, r1, ow, Math.min(ox, ow - V), out, argmax, oOff + oy * ow, atBase);
            }
        }
    }

    /** Output columns ox..ox+V-1 of the output row at out[o]: the maximum over rows r0..r1-1. */
    private static void columnStep(float[] best, float[] at, int r0, int r1, int ow, int ox, float[] out, int[] argmax,
                                   int o, int atBase) {
        FloatVector b = FloatVector.fromArray(S, best, r0 * ow + ox);
        FloatVector a = FloatVector.fromArray(S, at, r0 * ow + ox);
        for (int r = r0 + 1; r < r1; r++) {
            FloatVector v = FloatVector.fromArray(S, best, r * ow + ox);
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(FloatVector.fromArray(S, at, r * ow + ox), take);
        }
        b.intoArray(out, o + ox);
        ((IntVector) a.convert(VectorOperators.F2I, 0)).add(atBase).intoArray(argmax, o + ox);
    }

    @Override
    public void avgPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float[] sums) {
        // As maxPoolRows: whole steps across the row's edges, then the scalar loop rewrites the edge windows.
        if (stride > 2 || ow < V) {
            TAIL.avgPoolRows(h, w, k, stride, pad, ow, x, xOff, sums);
            return;
        }
        int inLo = Math.min(ow, (pad + stride - 1) / stride);
        int inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - k + pad, stride) + 1));
        int reach = k - 1 + stride * V;
        for (int r = 0; r < h; r++) {
            for (int ox = 0; ox < ow; ox += V) {
                int first = Math.min(ox, ow - V), c = first * stride - pad, from = xOff + r * w + c;
                if (from < 0 || from + reach > x.length) {
                    ScalarElementwise.avgPoolRowSpan(r, w, k, stride, pad, first, first + V, ow, x, xOff, sums);
                } else if (stride == 1) {
                    avgRowStep1(x, from, k, sums, r * ow + first);
                } else {
                    avgRowStep2(x, from, k, sums, r * ow + first);
                }
            }
            ScalarElementwise.avgPoolRowSpan(r, w, k, stride, pad, 0, inLo, ow, x, xOff, sums);
            ScalarElementwise.avgPoolRowSpan(r, w, k, stride, pad, inHi, ow, ow, x, xOff, sums);
        }
    }

    /** V window sums of stride 1, the first window's first cell at x[from]; added left to right from +0. */
    private static void avgRowStep1(float[] x, int from, int k, float[] sums, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = 0; kx < k; kx++) s = s.add(FloatVector.fromArray(S, x, from + kx));
        s.intoArray(sums, o);
    }

    /** {@link #avgRowStep1} for stride 2: each window column's V cells are the even lanes of 2V loaded. */
    private static void avgRowStep2(float[] x, int from, int k, float[] sums, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = 0; kx < k; kx++) {
            s = s.add(EVEN.selectFrom(FloatVector.fromArray(S, x, from + kx), FloatVector.fromArray(S, x, from + kx + V)));
        }
        s.intoArray(sums, o);
    }

    @Override
    public void avgPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] sums, float[] rowDiv,
                               float[] colDiv, float[] out, int oOff) {
        if (ow < V) {
            TAIL.avgPoolColumns(h, k, stride, pad, oh, ow, sums, rowDiv, colDiv, out, oOff);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            // The last step may overlap the one before it: the outputs it writes twice get the same values.
            for (int ox = 0; ox < ow; ox += V) avgColumnStep(sums, r0, r1, ow, Math.min(ox, ow - V), rowDiv[oy], colDiv, out, oOff + oy * ow);
        }
    }

    private static void avgColumnStep(float[] sums, int r0, int r1, int ow, int ox, float rowDiv, float[] colDiv, float[] out, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) s = s.add(FloatVector.fromArray(S, sums, r * ow + ox));
        s.div(FloatVector.fromArray(S, colDiv, ox).mul(rowDiv)).intoArray(out, o + ox);
    }

    @Override
    public void avgPoolColumnsBackward(int h, int k, int stride, int pad, int oh, int ow, float[] dOut, int oOff,
                                       float[] rowDiv, float[] colDiv, float[] dSums) {
        // Whole steps only (an overlapping one would add twice); the columns past the last take the scalar loop.
        java.util.Arrays.fill(dSums, 0, h * ow, 0f);
        int whole = ow - ow % V;
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            for (int ox = 0; ox < whole; ox += V) avgColumnBackwardStep(dOut, oOff + oy * ow + ox, r0, r1, ow, ox, rowDiv[oy], colDiv, dSums);
            ScalarElementwise.avgPoolColumnBackwardSpan(h, k, stride, pad, oy, whole, ow, ow, dOut, oOff, rowDiv, colDiv, dSums);
        }
    }

    private static void avgColumnBackwardStep(float[] dOut, int o, int r0, int r1, int ow, int ox, float rowDiv, float[] colDiv, float[] dSums) {
        FloatVector d = FloatVector.fromArray(S, dOut, o).div(FloatVector.fromArray(S, colDiv, ox).mul(rowDiv));
        for (int r = r0; r < r1; r++) FloatVector.fromArray(S, dSums, r * ow + ox).add(d).intoArray(dSums, r * ow + ox);
    }

    /** Per thread: one row of {@link #avgPoolRowsBackward}'s window gradients, spread out and zero-padded. */
    private static final ThreadLocal<float[]> LINE = ThreadLocal.withInitial(() -> new float[0]);

    /** Lanes 0, z, 1, z, 2, z, … and V/2, z, V/2 + 1, z, …, z picking a zero lane: spread V values over 2V. */
    private static final FloatVector SPREAD_LO = FloatVector.fromArray(S, spread(0), 0);
    private static final FloatVector SPREAD_HI = FloatVector.fromArray(S, spread(V / 2), 0);

    private static float[] spread(int first) {
        float[] l = new float[V];
        for (int i = 0; i < V; i++) l[i] = i % 2 == 0 ? first + i / 2 : V;
        return l;
    }

    @Override
    public void avgPoolRowsBackward(int h, int w, int k, int stride, int pad, int ow, float[] dSums, float[] dX, int xOff) {
        // Gathered, not scattered: a row's window gradients are laid out at their windows' first cells in a
        // zero-padded line (u[ox] at z + stride·ox), and cell c sums line[z + c + pad − kx] for kx from k − 1
        // down to 0, i.e. its windows in increasing ox, the scalar loop's order. The zeros it adds where no
        // window starts change no bits, as a sum begun at +0 is never −0. (Adding each window column into
        // the row in place stalled on every overlapping store and load: 50 ns a row.)
        if (stride > 2 || w < V) {
            TAIL.avgPoolRowsBackward(h, w, k, stride, pad, ow, dSums, dX, xOff);
            return;
        }
        int z = k - 1, len = z + Math.max(stride * ow, w + pad) + 2 * V, whole = ow - ow % V;
        float[] line = LINE.get();
        if (line.length < len) LINE.set(line = new float[len]);
        java.util.Arrays.fill(line, 0, len, 0f);
        for (int r = 0; r < h; r++) {
            int row = r * ow;
            if (stride == 1) {
                System.arraycopy(dSums, row, line, z, ow);
            } else {
                for (int ox = 0; ox < whole; ox += V) spreadStep(dSums, row + ox, line, z + 2 * ox);
                for (int ox = whole; ox < ow; ox++) line[z + 2 * ox] = dSums[row + ox];
            }
            // The last step may overlap the one before it and write some cells twice, with the same values.
            for (int c = 0; c < w; c += V) {
                int first = Math.min(c, w - V);
                gatherStep(line, z + first + pad, k, dX, xOff + r * w + first);
            }
        }
    }

    /** V window gradients from dSums[from] to every other cell of line from {@code at}, zeros between. */
    private static void spreadStep(float[] dSums, int from, float[] line, int at) {
        FloatVector u = FloatVector.fromArray(S, dSums, from), zero = FloatVector.zero(S);
        SPREAD_LO.selectFrom(u, zero).intoArray(line, at);
        SPREAD_HI.selectFrom(u, zero).intoArray(line, at + V);
    }

    /** dX[to …] = 0 + line[at − k + 1 …] + … + line[at …]: V cells' windows, left to right. */
    private static void gatherStep(float[] line, int at, int k, float[] dX, int to) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = k - 1; kx >= 0; kx--) s = s.add(FloatVector.fromArray(S, line, at - kx));
        s.intoArray(dX, to);
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
