package org.conv4j.kernels.activation;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link ActivationKernels} on the Vector API. Every loop has the same shape: a vector body up to
 * {@code S.loopBound(n)}, then a scalar tail doing exactly what {@link ScalarActivationKernels} does. Every
 * function uses the same operations in the same order as the scalar reference (sigmoid and tanh as
 * {@link LogisticMath} defines them, GELU as {@link GeluMath} does), so they agree bit for bit at every width.
 */
public final class VectorActivationKernels implements ActivationKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    private static final ScalarActivationKernels TAIL = new ScalarActivationKernels();

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
        sigmoid(n, x, xOff, y, slope, yOff);
    }

    @Override
    public void tanhForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        logistic(true, n, x, xOff, y, slope, yOff);
    }

    /**
     * {@link LogisticMath#value} and {@link LogisticMath#slope} for σ, lane by lane, the same operations in the
     * same order, so the same bits; {@link #logistic} written out for σ alone, with what σ does not need
     * left out. Where every lane has |x| &lt; {@value #SIGMOID_ONE_STEP_BELOW}, 2^k (k ≥ −124) is a normal
     * float, so scaling by it in one step gives the bits of the reference's two steps, and t never reaches
     * the reference's clamp; a vector with a lane beyond (or ±∞) takes the scalar reference. The factor
     * e = c·1 and t = −1·|x| are the reference's products by one, left out.
     */
    private static void sigmoid(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        float[] eq = LogisticMath.EXP_Q;
        FloatVector q0c = FloatVector.broadcast(S, eq[0]), q1 = FloatVector.broadcast(S, eq[1]), q2 = FloatVector.broadcast(S, eq[2]),
                q3 = FloatVector.broadcast(S, eq[3]), q4 = FloatVector.broadcast(S, eq[4]), q5 = FloatVector.broadcast(S, eq[5]),
                q6 = FloatVector.broadcast(S, eq[6]);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LogisticMath.LN2_HI), ln2Lo = FloatVector.broadcast(S, -LogisticMath.LN2_LO);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i), a = v.abs();
            if (a.compare(VectorOperators.GE, SIGMOID_ONE_STEP_BELOW).anyTrue()) {
                TAIL.sigmoidForward(V, x, xOff + i, y, slope, yOff + i);
                continue;
            }
            FloatVector t = a.neg();
            FloatVector j = t.fma(LogisticMath.LOG2E, LogisticMath.SHIFTER), kf = j.sub(LogisticMath.SHIFTER);
            IntVector k = ((IntVector) j.reinterpretAsInts()).sub(LogisticMath.SHIFTER_BITS);
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
            FloatVector scale = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eHi = pHi.mul(scale), eLo = pLo.mul(scale);
            FloatVector sHi = one.add(eHi);
            FloatVector sLo = one.sub(sHi).add(eHi).add(eLo);
            FloatVector rd = one.div(sHi);
            if (slope != null) { // e/(1 + e)²
                FloatVector dHi = sHi.mul(sHi);
                FloatVector dLo = sHi.mul(2f).fma(sLo, sHi.fma(sHi, dHi.neg()));
                FloatVector rd2 = rd.mul(rd), g0 = eHi.mul(rd2);
                FloatVector res = g0.neg().fma(dHi, eHi).add(eLo);
                res = g0.neg().fma(dLo, res);
                res.fma(rd2, g0).intoArray(slope, yOff + i);
            }
            // 1/(1 + e) for x ≥ 0, e/(1 + e) below
            VectorMask<Float> up = v.compare(VectorOperators.GE, 0f);
            FloatVector nHi = eHi.blend(one, up), nLo = eLo.blend(0f, up);
            FloatVector y0 = nHi.mul(rd);
            FloatVector res = y0.neg().fma(sHi, nHi).add(nLo);
            res = y0.neg().fma(sLo, res);
            res.fma(rd, y0).intoArray(y, yOff + i);
        }
        TAIL.sigmoidForward(n - i, x, xOff + i, y, slope, yOff + i);
    }

    /** {@link #sigmoid}'s vector path covers |x| below this: t = −|x| &gt; −86 keeps k ≥ −124. */
    private static final float SIGMOID_ONE_STEP_BELOW = 86f;

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
     * {@link GeluMath#value} and {@link GeluMath#slope} lane by lane, the same operations in the same order, so
     * the same bits, with e^(−x²/2) and the interval computed once for both. The two intervals' coefficients
     * are blended per lane; lanes from x = 6 on take y = x and slope 1 by a blend. A vector with a lane
     * that the float formulas do not cover (x ≤ −6, +∞, NaN: none among unit Gaussians' samples in practice)
     * takes the scalar reference, so those lanes get exactly its bits. The polynomials are written out, and
     * each branch ends in its store: no vector crosses a loop's back edge or a branch merge, where C2 would
     * box it.
     */
    @Override
    public void geluForward(int n, float[] x, int xOff, float[] y, float[] slope, int yOff) {
        float[] eq = LogisticMath.EXP_Q;
        FloatVector q0c = FloatVector.broadcast(S, eq[0]), q1 = FloatVector.broadcast(S, eq[1]), q2 = FloatVector.broadcast(S, eq[2]),
                q3 = FloatVector.broadcast(S, eq[3]), q4 = FloatVector.broadcast(S, eq[4]), q5 = FloatVector.broadcast(S, eq[5]),
                q6 = FloatVector.broadcast(S, eq[6]);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LogisticMath.LN2_HI), ln2Lo = FloatVector.broadcast(S, -LogisticMath.LN2_LO);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            if (v.compare(VectorOperators.GT, GeluMath.FLOAT_ABOVE).not().or(v.eq(Float.POSITIVE_INFINITY)).anyTrue()) {
                TAIL.geluForward(V, x, xOff + i, y, slope, yOff + i);
                continue;
            }
            FloatVector a = v.abs();
            // E = e^(−x²/2) as eHi + eLo (see GeluMath): x² = u + uLo, t = −u/2 = k·ln2 + r.
            FloatVector u = v.mul(v), uLo = v.fma(v, u.neg());
            FloatVector t = u.mul(-0.5f);
            FloatVector j = t.fma(LogisticMath.LOG2E, LogisticMath.SHIFTER), kf = j.sub(LogisticMath.SHIFTER);
            IntVector k = ((IntVector) j.reinterpretAsInts()).sub(LogisticMath.SHIFTER_BITS);
            FloatVector r1 = kf.fma(ln2Hi, t);
            FloatVector r = kf.fma(ln2Lo, r1), rLo = kf.fma(ln2Lo, r1.sub(r));
            FloatVector r2 = r.mul(r);
            FloatVector q = q5.fma(r2, q3).fma(r2, q1).fma(r, q6.fma(r2, q4).fma(r2, q2).fma(r2, q0c));
            FloatVector pHi = one.add(r);
            FloatVector pLo = one.sub(pHi).add(r);
            pLo = r2.fma(q, pLo);
            pLo = rLo.fma(pHi, pLo);
            FloatVector p = pHi.add(pLo);
            pLo = pHi.sub(p).add(pLo);
            pHi = p;
            pLo = pHi.fma(uLo.mul(-0.5f), pLo);
            FloatVector scale = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eHi = pHi.mul(scale), eLo = pLo.mul(scale);
            // The interval, [0, 2) or [2, 6): its variable s and, blended per coefficient, its polynomials.
            VectorMask<Float> first = a.lt(GeluMath.SPLIT);
            FloatVector s = a.sub(4f).mul(0.5f).blend(a.sub(1f), first), s2 = s.mul(s);
            VectorMask<Float> neg = v.lt(0f), identity = v.compare(VectorOperators.GE, GeluMath.IDENTITY_FROM);
            if (slope != null) { // (a − a₀)·V(a), then −E·N below 0, 1 + E·N from 0 up
                FloatVector pvE = FloatVector.broadcast(S, GeluMath.V1[8]).blend(GeluMath.V0[8], first), pvO = FloatVector.broadcast(S, GeluMath.V1[9]).blend(GeluMath.V0[9], first);
                pvE = pvE.fma(s2, FloatVector.broadcast(S, GeluMath.V1[6]).blend(GeluMath.V0[6], first));
                pvO = pvO.fma(s2, FloatVector.broadcast(S, GeluMath.V1[7]).blend(GeluMath.V0[7], first));
                pvE = pvE.fma(s2, FloatVector.broadcast(S, GeluMath.V1[4]).blend(GeluMath.V0[4], first));
                pvO = pvO.fma(s2, FloatVector.broadcast(S, GeluMath.V1[5]).blend(GeluMath.V0[5], first));
                pvE = pvE.fma(s2, FloatVector.broadcast(S, GeluMath.V1[2]).blend(GeluMath.V0[2], first));
                pvO = pvO.fma(s2, FloatVector.broadcast(S, GeluMath.V1[3]).blend(GeluMath.V0[3], first));
                pvE = pvE.fma(s2, FloatVector.broadcast(S, GeluMath.V1[0]).blend(GeluMath.V0[0], first));
                pvO = pvO.fma(s2, FloatVector.broadcast(S, GeluMath.V1[1]).blend(GeluMath.V0[1], first));
                FloatVector pv = pvO.fma(s, pvE);
                FloatVector v0Hi = FloatVector.broadcast(S, GeluMath.V1_HI).blend(GeluMath.V0_HI, first);
                FloatVector v0Lo = FloatVector.broadcast(S, GeluMath.V1_LO).blend(GeluMath.V0_LO, first);
                FloatVector sp = s.mul(pv), spLo = s.fma(pv, sp.neg());
                FloatVector vHi = v0Hi.add(sp);
                FloatVector vLo = v0Hi.sub(vHi).add(sp).add(spLo.add(v0Lo));
                FloatVector dHi = a.sub(GeluMath.A0_HI);
                FloatVector bb = dHi.sub(a);
                FloatVector dLo = a.sub(dHi.sub(bb)).add(FloatVector.broadcast(S, -GeluMath.A0_HI).sub(bb)).sub(GeluMath.A0_LO);
                FloatVector nHi = dHi.mul(vHi);
                FloatVector nLo = dHi.fma(vHi, nHi.neg()).add(dHi.fma(vLo, dLo.mul(vHi)));
                FloatVector enHi = eHi.mul(nHi);
                FloatVector enLo = eHi.fma(nHi, enHi.neg()).add(eHi.fma(nLo, eLo.mul(nHi)));
                FloatVector sHi = one.add(enHi);
                FloatVector up = sHi.add(one.sub(sHi).add(enHi).add(enLo));
                FloatVector down = enHi.add(enLo).neg();
                up.blend(down, neg).blend(one, identity).intoArray(slope, yOff + i);
            }
            // G(a) = g0 + s·P(s) as gHi + gLo, M = G/(a + 1), Φ(−a) = E·M, y = x·Φ(x).
            FloatVector pgE = FloatVector.broadcast(S, GeluMath.G1[10]).blend(GeluMath.G0[10], first), pgO = FloatVector.broadcast(S, GeluMath.G1[9]).blend(GeluMath.G0[9], first);
            pgE = pgE.fma(s2, FloatVector.broadcast(S, GeluMath.G1[8]).blend(GeluMath.G0[8], first));
            pgO = pgO.fma(s2, FloatVector.broadcast(S, GeluMath.G1[7]).blend(GeluMath.G0[7], first));
            pgE = pgE.fma(s2, FloatVector.broadcast(S, GeluMath.G1[6]).blend(GeluMath.G0[6], first));
            pgO = pgO.fma(s2, FloatVector.broadcast(S, GeluMath.G1[5]).blend(GeluMath.G0[5], first));
            pgE = pgE.fma(s2, FloatVector.broadcast(S, GeluMath.G1[4]).blend(GeluMath.G0[4], first));
            pgO = pgO.fma(s2, FloatVector.broadcast(S, GeluMath.G1[3]).blend(GeluMath.G0[3], first));
            pgE = pgE.fma(s2, FloatVector.broadcast(S, GeluMath.G1[2]).blend(GeluMath.G0[2], first));
            pgO = pgO.fma(s2, FloatVector.broadcast(S, GeluMath.G1[1]).blend(GeluMath.G0[1], first));
            pgE = pgE.fma(s2, FloatVector.broadcast(S, GeluMath.G1[0]).blend(GeluMath.G0[0], first));
            FloatVector pg = pgO.fma(s, pgE);
            FloatVector g0Hi = FloatVector.broadcast(S, GeluMath.G1_HI).blend(GeluMath.G0_HI, first);
            FloatVector g0Lo = FloatVector.broadcast(S, GeluMath.G1_LO).blend(GeluMath.G0_LO, first);
            FloatVector sp = s.mul(pg), spLo = s.fma(pg, sp.neg());
            FloatVector gHi = g0Hi.add(sp);
            FloatVector gLo = g0Hi.sub(gHi).add(sp).add(spLo.add(g0Lo));
            FloatVector dHi = a.add(one);
            VectorMask<Float> aBig = a.compare(VectorOperators.GT, 1f);  // max and min by blends: Math.max's ±0 and NaN rules cost more
            FloatVector dLo = one.blend(a, aBig).sub(dHi).add(a.blend(one, aBig));
            FloatVector rd = one.div(dHi);
            FloatVector m = gHi.mul(rd);
            FloatVector res = m.neg().fma(dHi, gHi).add(gLo);
            res = m.neg().fma(dLo, res);
            FloatVector mLo = res.mul(rd);
            FloatVector qHi = eHi.mul(m);
            FloatVector qLo = eHi.fma(m, qHi.neg()).add(eHi.fma(mLo, eLo.mul(m)));
            FloatVector fHi = one.sub(qHi);
            FloatVector fLo = one.sub(fHi).sub(qHi).sub(qLo);
            fHi = fHi.blend(qHi, neg);
            fLo = fLo.blend(qLo, neg);
            v.fma(fHi, v.mul(fLo)).blend(v, a.eq(0f).or(identity)).intoArray(y, yOff + i);
        }
        TAIL.geluForward(n - i, x, xOff + i, y, slope, yOff + i);
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
