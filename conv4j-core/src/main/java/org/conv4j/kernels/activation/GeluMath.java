package org.conv4j.kernels.activation;

/**
 * The exact GELU, y = x·Φ(x), and its derivative Φ(x) + x·φ(x), in float arithmetic for x in (−6, ∞): the
 * scalar definition that {@link VectorActivationKernels} repeats lane by lane, operation for operation, so
 * the two give the same bits at every vector width. Below −6, at +∞ and for NaN both take the
 * double-precision definition ({@link ActivationMath}) rounded once, which those rare lanes can afford.
 *
 * <p>How, with a = |x|, E = e^(−x²/2) and c = 1/√(2π): Φ(−a) = E·G(a)/(a + 1) and
 * c·a − G(a)/(a + 1) = (a − a₀)·V(a), where a₀ = 0.7517915… is where the derivative crosses zero (at
 * x = −a₀). G and V are flat (G within [0.45, 0.53], V within [0.44, 0.67] over [0, 6]), so polynomials of
 * degree 11 and 10 on each of [0, 2) and [2, 6) reach them to 2⁻²⁸ (experiments/gelu_float_fit.py fitted
 * them), and their leading term, added as a pair of floats, carries most of the value. Then
 * Φ(x) = Φ(−a) for x &lt; 0 and 1 − Φ(−a) above; y = x·Φ(x); the derivative is −E·(a − a₀)·V(a) for x &lt; 0
 * and 1 + E·(a − a₀)·V(a) above. The root factor a − a₀ (exact near the root) keeps the derivative's
 * relative accuracy where Φ(x) and x·φ(x) cancel. Every product and sum on the way is carried as an
 * unevaluated pair of floats (a fused multiply-add gives each product's error), E included: x² is split
 * exactly, t = −x²/2 = k·ln2 + r as in {@link LogisticMath}, e^r = (1 + r) + r²·Q(r). Each result rounds
 * once at the end. From x = 6 on, y = x and the derivative is 1 (the float nearest to the exact values).
 *
 * <p>Accuracy over every float: see docs/kernels.md (checked by {@code org.conv4j.experiments.ActivationUlps}).
 */
final class GeluMath {
    private GeluMath() {}

    /** At or below this x, and at +∞ and NaN, the double-precision definition runs. */
    static final float FLOAT_ABOVE = -6f;
    /** From here on y = x and the derivative is 1 (1 − Φ(6) ≈ 1e-9, below half an ulp of both). */
    static final float IDENTITY_FROM = 6f;
    /** The polynomials switch from their first interval (s = a − 1) to the second (s = (a − 4)/2) here. */
    static final float SPLIT = 2f;
    /** a₀ = A0_HI + A0_LO, the root of c·a − Φ(−a)·e^(a²/2): the derivative is zero at x = −a₀. */
    static final float A0_HI = 0.7517915368080139f, A0_LO = -1.211444988769017e-08f;

    // G(a) = (a + 1)·e^(a²/2)·Φ(−a) = C0_HI + C0_LO + s·P(s), P's coefficients from s¹ up.
    static final float G0_HI = 0.5231565833091736f, G0_LO = 9.267566714044051e-10f;
    static final float[] G0 = {-0.0131496861577034f, -0.013149721547961235f, 0.011935951188206673f,
            -0.0065744249150156975f, 0.002923108171671629f, -0.0011380177456885576f, 0.0004008948162663728f,
            -0.00012711134331766516f, 3.880513395415619e-05f, -1.4306351658888161e-05f, 3.928623300453182e-06f};
    static final float G1_HI = 0.472053200006485f, G1_LO = 7.13457781742477e-09f;
    static final float[] G1 = {-0.024175871163606644f, 0.0069188992492854595f, -0.0015015561366453767f,
            8.13930164440535e-05f, 0.00016141889500431716f, -0.00013302001752890646f, 7.377209112746641e-05f,
            -3.050082887057215e-05f, 1.3220532309787814e-05f, -9.375909939990379e-06f, 3.6139413168712053e-06f};
    // V(a) = (c·a − G(a)/(a + 1))/(a − a₀), the same way.
    static final float V0_HI = 0.5534218549728394f, V0_LO = -2.5326404085035392e-08f;
    static final float[] V0 = {-0.0689563974738121f, 0.027594706043601036f, -0.010108692571520805f,
            0.003438303479924798f, -0.0010976308258250356f, 0.00033101625740528107f, -9.354579378850758e-05f,
            2.5689789254101925e-05f, -8.141665603034198e-06f, 2.0409931948961457e-06f};
    static final float V1_HI = 0.4622112512588501f, V1_LO = -7.314606698116677e-09f;
    static final float[] V1 = {-0.02584148570895195f, 0.0102393114939332f, -0.003943135961890221f,
            0.001478436402976513f, -0.0005418102373369038f, 0.0001934808969963342f, -6.451903755078092e-05f,
            2.1964602638036013e-05f, -1.0365126399847213e-05f, 3.42268549502478e-06f};

    /**
     * Σ c[i]·sⁱ as E(s²) + s·O(s²), each half by Horner from its top coefficient: two chains half as long
     * as one, which the vector loop, bound by the latency of its dependent operations, runs side by side.
     */
    static float evenOdd(float[] c, float s) {
        float s2 = s * s;
        int top = c.length - 1, evenTop = top - top % 2, oddTop = top - (1 - top % 2);
        float e = c[evenTop], o = c[oddTop];
        for (int i = evenTop - 2; i >= 0; i -= 2) e = Math.fma(e, s2, c[i]);
        for (int i = oddTop - 2; i >= 1; i -= 2) o = Math.fma(o, s2, c[i]);
        return Math.fma(o, s, e);
    }

    /** GELU(x) = x·Φ(x). */
    static float value(float x) {
        if (!(x > FLOAT_ABOVE) || x == Float.POSITIVE_INFINITY) {
            double v = x;
            return (float) (v * ActivationMath.cdf(v));
        }
        return eval(x, false);
    }

    /** GELU'(x) = Φ(x) + x·φ(x). */
    static float slope(float x) {
        if (!(x > FLOAT_ABOVE) || x == Float.POSITIVE_INFINITY) {
            double v = x;
            return (float) ActivationMath.geluSlope(v, ActivationMath.cdf(v));
        }
        return eval(x, true);
    }

    private static float eval(float x, boolean slope) {
        if (x >= IDENTITY_FROM) return slope ? 1f : x;
        float a = Math.abs(x);
        // E = e^t·e^(−uLo/2), t = −u/2, x² = u + uLo exactly; as eHi + eLo. t ≥ −18: 2^k stays normal.
        float u = x * x, uLo = Math.fma(x, x, -u);
        float t = -0.5f * u;
        float j = Math.fma(t, LogisticMath.LOG2E, LogisticMath.SHIFTER);
        float kf = j - LogisticMath.SHIFTER;
        int k = Float.floatToRawIntBits(j) - LogisticMath.SHIFTER_BITS;
        float r1 = Math.fma(kf, -LogisticMath.LN2_HI, t);   // exact
        float r = Math.fma(kf, -LogisticMath.LN2_LO, r1);
        float rLo = Math.fma(kf, -LogisticMath.LN2_LO, r1 - r);
        // Q(r) by its even and odd halves in r²: shorter chains of dependent operations than Horner's.
        float[] eq = LogisticMath.EXP_Q;
        float r2 = r * r;
        float qe = Math.fma(Math.fma(Math.fma(eq[6], r2, eq[4]), r2, eq[2]), r2, eq[0]);
        float qo = Math.fma(Math.fma(eq[5], r2, eq[3]), r2, eq[1]);
        float q = Math.fma(qo, r, qe);
        float pHi = 1f + r;
        float pLo = (1f - pHi) + r;
        pLo = Math.fma(r2, q, pLo);
        pLo = Math.fma(rLo, pHi, pLo);
        float p = pHi + pLo;                                  // renormalised, so that pHi is e^r to a float
        pLo = (pHi - p) + pLo;
        pHi = p;
        pLo = Math.fma(pHi, -0.5f * uLo, pLo);                // e^(−uLo/2) ≈ 1 − uLo/2 (|uLo| ≤ 2⁻¹⁹)
        float scale = Float.intBitsToFloat((k + 127) << 23);
        float eHi = pHi * scale, eLo = pLo * scale;
        // The interval: its variable s in [−1, 1) and its coefficients.
        boolean first = a < SPLIT;
        float s = first ? a - 1f : (a - 4f) * 0.5f;
        float[] gc = first ? G0 : G1, vc = first ? V0 : V1;
        float g0Hi = first ? G0_HI : G1_HI, g0Lo = first ? G0_LO : G1_LO;
        float v0Hi = first ? V0_HI : V1_HI, v0Lo = first ? V0_LO : V1_LO;
        if (!slope) {
            // G = g0 + s·P(s) as gHi + gLo (Fast2Sum: |s·P| < g0).
            float pg = evenOdd(gc, s);
            float sp = s * pg, spLo = Math.fma(s, pg, -sp);
            float gHi = g0Hi + sp;
            float gLo = ((g0Hi - gHi) + sp) + (spLo + g0Lo);
            // M = G/(a + 1): a + 1 = dHi + dLo exactly, then a division corrected by one Newton step.
            float dHi = a + 1f;
            float dLo = (Math.max(a, 1f) - dHi) + Math.min(a, 1f);
            float rd = 1f / dHi;
            float m = gHi * rd;
            float res = Math.fma(-m, dHi, gHi) + gLo;
            res = Math.fma(-m, dLo, res);
            float mLo = res * rd;
            // Φ(−a) = E·M, then Φ(x): itself for x < 0, 1 − Φ(−a) from 0 up (Fast2Sum: Φ(−a) ≤ ½).
            float qHi = eHi * m;
            float qLo = Math.fma(eHi, m, -qHi) + Math.fma(eHi, mLo, eLo * m);
            float fHi = 1f - qHi;
            float fLo = ((1f - fHi) - qHi) - qLo;
            if (x < 0f) {
                fHi = qHi;
                fLo = qLo;
            }
            float y = Math.fma(x, fHi, x * fLo);
            return a == 0f ? x : y;                           // ±0 itself, whatever fLo's sign
        }
        // (a − a₀)·V(a) as nHi + nLo: a − A0_HI by TwoSum (exact near the root), then A0_LO.
        float pv = evenOdd(vc, s);
        float sp = s * pv, spLo = Math.fma(s, pv, -sp);
        float vHi = v0Hi + sp;
        float vLo = ((v0Hi - vHi) + sp) + (spLo + v0Lo);
        float dHi = a - A0_HI;
        float bb = dHi - a;
        float dLo = ((a - (dHi - bb)) + (-A0_HI - bb)) - A0_LO;
        float nHi = dHi * vHi;
        float nLo = Math.fma(dHi, vHi, -nHi) + Math.fma(dHi, vLo, dLo * vHi);
        float enHi = eHi * nHi;
        float enLo = Math.fma(eHi, nHi, -enHi) + Math.fma(eHi, nLo, eLo * nHi);
        if (x < 0f) return -(enHi + enLo);
        float sHi = 1f + enHi;                                // Fast2Sum: |E·N| ≤ 0.25
        return sHi + (((1f - sHi) + enHi) + enLo);
    }
}
