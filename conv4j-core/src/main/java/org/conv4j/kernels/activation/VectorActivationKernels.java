package org.conv4j.kernels.activation;

import static org.conv4j.kernels.Lanes.narrow;
import static org.conv4j.kernels.Lanes.widen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link ActivationKernels} on the Vector API. Every loop has the same shape: a vector body up to
 * {@code S.loopBound(n)} (or a whole number of double vectors), then a scalar tail doing exactly what
 * {@link ScalarActivationKernels} does. ReLU and LeakyReLU use the same operations in the same order as the
 * scalar reference, so they agree bit for bit; sigmoid, tanh and GELU compute in double, with exp and tanh
 * from the Vector API and erf from polynomials, and agree to one float ulp.
 */
public final class VectorActivationKernels implements ActivationKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    private static final ScalarActivationKernels TAIL = new ScalarActivationKernels();
    private static final VectorSpecies<Double> D = Lanes.DOUBLES;
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
    public void sigmoidForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        logistic(false, n, x, xOff, y, slope, yOff);
    }

    @Override
    public void tanhForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        logistic(true, n, x, xOff, y, slope, yOff);
    }

    /**
     * {@link LogisticMath#value} and {@link LogisticMath#slope} lane by lane: the same operations in the same
     * order, so the same bits, with e^t computed once for both. What depends on the function outside the
     * final branches is a scalar factor (−1 or −2, 1 or ¼) rather than a branch; each branch ends in its
     * store, so no vector merges after a branch or crosses a loop's back edge (the polynomials are
     * written out), where C2 would box it.
     */
    private static void logistic(boolean tanh, int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        float tScale = tanh ? -2f : -1f, eScale = tanh ? 0.25f : 1f;
        int kBias = LogisticMath.SHIFTER_BITS - (tanh ? 2 : 0);
        float[] eq = LogisticMath.EXP_Q, tp = LogisticMath.TANH_P;
        FloatVector q0c = FloatVector.broadcast(S, eq[0]), q1 = FloatVector.broadcast(S, eq[1]), q2 = FloatVector.broadcast(S, eq[2]),
                q3 = FloatVector.broadcast(S, eq[3]), q4 = FloatVector.broadcast(S, eq[4]), q5 = FloatVector.broadcast(S, eq[5]),
                q6 = FloatVector.broadcast(S, eq[6]);
        FloatVector p0 = FloatVector.broadcast(S, tp[0]), p1 = FloatVector.broadcast(S, tp[1]), p2 = FloatVector.broadcast(S, tp[2]),
                p3 = FloatVector.broadcast(S, tp[3]), p4 = FloatVector.broadcast(S, tp[4]);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LogisticMath.LN2_HI), ln2Lo = FloatVector.broadcast(S, -LogisticMath.LN2_LO);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i), a = v.abs();
            // c = e^t, t = −|x| or −2|x|, as cHi + cLo (see LogisticMath): t = k·ln2 + r, then (1 + r) + r²·Q(r).
            FloatVector t = a.mul(tScale);
            t = t.blend(LogisticMath.EXP_FLOOR, t.lt(LogisticMath.EXP_FLOOR));
            FloatVector j = t.fma(LogisticMath.LOG2E, LogisticMath.SHIFTER), kf = j.sub(LogisticMath.SHIFTER);
            IntVector k = ((IntVector) j.reinterpretAsInts()).sub(kBias);
            FloatVector r1 = kf.fma(ln2Hi, t);
            FloatVector r = kf.fma(ln2Lo, r1), rLo = kf.fma(ln2Lo, r1.sub(r));
            FloatVector q = q6.fma(r, q5).fma(r, q4).fma(r, q3).fma(r, q2).fma(r, q1).fma(r, q0c);
            FloatVector pHi = one.add(r);
            FloatVector pLo = one.sub(pHi).add(r);
            pLo = r.mul(r).fma(q, pLo);
            pLo = rLo.fma(pHi, pLo);
            FloatVector p = pHi.add(pLo);
            pLo = pHi.sub(p).add(pLo);
            pHi = p;
            // 2^k in two steps, so that a subnormal c rounds once.
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector cHi = pHi.mul(s1).mul(s2), cLo = pLo.mul(s1).mul(s2);
            FloatVector eHi = cHi.mul(eScale), eLo = cLo.mul(eScale);
            FloatVector sHi = one.add(eHi);
            FloatVector sLo = one.sub(sHi).add(eHi).add(eLo);
            FloatVector rd = one.div(sHi);
            if (slope != null) { // c/(1 + e)²
                FloatVector dHi = sHi.mul(sHi);
                FloatVector dLo = sHi.mul(2f).fma(sLo, sHi.fma(sHi, dHi.neg()));
                FloatVector rd2 = rd.mul(rd), g0 = cHi.mul(rd2);
                FloatVector res = g0.neg().fma(dHi, cHi).add(cLo);
                res = g0.neg().fma(dLo, res);
                res.fma(rd2, g0).intoArray(slope, yOff + i);
            }
            if (tanh) { // (1 − e)/(1 + e), or x + x³·P(x²) below 9/16
                FloatVector nHi = one.sub(eHi);
                FloatVector nLo = one.sub(nHi).sub(eHi).sub(eLo);
                FloatVector y0 = nHi.mul(rd);
                FloatVector res = y0.neg().fma(sHi, nHi).add(nLo);
                res = y0.neg().fma(sLo, res);
                FloatVector big = res.fma(rd, y0);
                big = big.blend(big.neg(), v.lt(0f));
                FloatVector u = v.mul(v), poly = p4.fma(u, p3).fma(u, p2).fma(u, p1).fma(u, p0);
                FloatVector small = v.mul(u).fma(poly, v).blend(v, a.eq(0f));
                big.blend(small, a.lt(LogisticMath.TANH_POLY_BELOW)).intoArray(y, yOff + i);
            } else { // 1/(1 + e) for x ≥ 0, e/(1 + e) below
                VectorMask<Float> up = v.compare(VectorOperators.GE, 0f);
                FloatVector nHi = eHi.blend(one, up), nLo = eLo.blend(0f, up);
                FloatVector y0 = nHi.mul(rd);
                FloatVector res = y0.neg().fma(sHi, nHi).add(nLo);
                res = y0.neg().fma(sLo, res);
                res.fma(rd, y0).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            if (slope != null) slope[yOff + i] = LogisticMath.slope(tanh, v);
            y[yOff + i] = LogisticMath.value(tanh, v);
        }
    }

    /**
     * The exact GELU, with Φ(v) as {@link ActivationMath#cdf} defines it and erf(a), a = |v|/√2, from polynomials:
     * below a = 1 its Taylor series a·Σ cₙ·a²ⁿ to n = 17 (the next term is below 1e-16 there), from 1 to
     * 2.5 a degree-17 Chebyshev interpolant, evaluated in powers of its variable (within 1.5e-14 of erf). A vector with
     * a lane beyond (|v| ≥ 2.5·√2, or v &lt; −3.5, where Φ comes from erfc: 0.05% of unit Gaussians) takes
     * the scalar reference, so those lanes get exactly its bits.
     *
     * <p>No vector crosses a call or a branch merge (a vector erfc path merged after an if, a helper C2
     * does not inline): C2 would box it, allocating on every step.
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
            // exp first, while few vectors are live across its call: otherwise C2 spills the polynomials'
            // vectors around it.
            DoubleVector pdf = v.mul(-0.5).mul(v).lanewise(VectorOperators.EXP);
            DoubleVector z = v.mul(ActivationMath.INV_SQRT2), a = z.abs();
            // NaN fails both tests and takes the vector path, where it stays NaN.
            if (v.compare(VectorOperators.LT, ActivationMath.CDF_ERFC_BELOW).or(a.compare(VectorOperators.GE, ERF_POLY_BELOW)).anyTrue()) {
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
            narrow(cdf.add(v.mul(ActivationMath.INV_SQRT_2PI).mul(pdf)), slope, yOff + i);
        }
        TAIL.geluForward(n - i, x, xOff + i, y, slope, yOff + i);
    }

    /**
     * {@link #geluForward} without the slope (inference), which needs no exp. Its loop repeats the one above
     * on purpose: a helper taking or returning the vectors would make C2 box them, and one loop with the
     * exp behind a branch is slower than either of these two.
     */
    private static void geluValues(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = n - n % DL;
        for (; i < bound; i += DL) {
            DoubleVector v = widen(x, xOff + i);
            DoubleVector z = v.mul(ActivationMath.INV_SQRT2), a = z.abs();
            if (v.compare(VectorOperators.LT, ActivationMath.CDF_ERFC_BELOW).or(a.compare(VectorOperators.GE, ERF_POLY_BELOW)).anyTrue()) {
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
            ERF_TAYLOR[n] = ActivationMath.TWO_OVER_SQRT_PI * (n % 2 == 0 ? 1 : -1) / (factorial * (2 * n + 1));
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
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
