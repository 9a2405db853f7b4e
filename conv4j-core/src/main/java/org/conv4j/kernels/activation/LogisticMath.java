package org.conv4j.kernels.activation;

/**
 * Sigmoid and tanh, and their gradients, in float arithmetic only: the scalar definitions that
 * {@link VectorActivationKernels} repeats lane by lane, operation for operation (the same additions,
 * products, fused multiply-adds and divisions in the same order), so the two give the same bits at every
 * vector width.
 *
 * <p>Accuracy, for every finite and infinite float x (checked over all 2³² floats by
 * {@code org.conv4j.experiments.ActivationUlps}): σ(x), tanh x, σ'(x) and tanh'(x) are within one ulp of
 * the double-precision function rounded to float (at most 0.5 ulp from the rounding plus a few hundredths
 * from the approximations). Saturation is the float function's: tanh is ±1 beyond |x| ≈ 9.01, σ is 1 above
 * x ≈ 16.6 and keeps its relative accuracy down to the subnormals (σ(x) = 0 below about −103.97), the
 * gradients keep theirs until they underflow. NaN gives NaN; ±∞ gives σ = 1 or 0, tanh = ±1 and a zero
 * gradient (NaN when dOut is infinite, as 0·∞).
 *
 * <p>How: e = e^t for t = −|x| or −2|x| (exact in float) is computed as an unevaluated sum of two floats,
 * e_hi + e_lo, good to about 2⁻³⁰ relative: t = k·ln2 + r with |r| ≤ ln2/2 (the residual r kept as r + r_lo),
 * e^r = (1 + r) + r²·Q(r), Q the Taylor polynomial of (e^r − 1 − r)/r² to degree 6 (truncation 2⁻³² on that
 * interval), 1 + r split exactly into two floats, then scaled by 2^k in two steps so that subnormal results
 * round once. The quotients (1 − e)/(1 + e), 1/(1 + e), e/(1 + e) and the gradients' c·e/(1 + e)² are taken
 * as float divisions of those pairs, corrected by one Newton step on the exact residual (a fused
 * multiply-add), which leaves the division's own half ulp and little else. For |x| &lt; 9/16, where 1 − e
 * would lose bits, tanh x = x + x³·P(x²), P a degree-4 least-squares fit of (tanh x − x)/x³ (its error is
 * below 2⁻²⁸ of tanh x there).
 */
final class LogisticMath {
    private LogisticMath() {}

    /**
     * Below this t, e^t and 4e^t both round to 0, even among the subnormals (4e^−106 &lt; 2⁻¹⁵⁰); clamping t
     * there keeps the exponents of 2^k's two factors in range.
     */
    static final float EXP_FLOOR = -106f;
    static final float LOG2E = 1.44269504f;
    /** 1.5·2²³: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
    static final float SHIFTER = 0x1.8p23f;
    static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    /** ln 2 = LN2_HI + LN2_LO; k·LN2_HI is subtracted exactly by a fused multiply-add. */
    static final float LN2_HI = (float) Math.log(2), LN2_LO = (float) (Math.log(2) - LN2_HI);
    /** Q(r) = Σ r^j/(j + 2)!, j = 0..6: (e^r − 1 − r)/r². */
    static final float[] EXP_Q = {1f / 2, 1f / 6, 1f / 24, 1f / 120, 1f / 720, 1f / 5040, 1f / 40320};
    /** tanh x takes the odd polynomial below this |x|, the quotient of exponentials from here on. */
    static final float TANH_POLY_BELOW = 0.5625f;
    /** P(u), u = x²: (tanh x − x)/x³ on [0, 9/16], least squares at Chebyshev nodes, float coefficients. */
    static final float[] TANH_P = {-0.3333331346511841f, 0.1333242654800415f, -0.05383512005209923f,
            0.020999180153012276f, -0.006169444881379604f};

    /** σ(x), or tanh x when {@code tanh}. */
    static float value(boolean tanh, float x) { return eval(tanh, false, x); }

    /** σ'(x) = σ(x)(1 − σ(x)), or tanh'(x) = 1 − tanh²x when {@code tanh}. */
    static float slope(boolean tanh, float x) { return eval(tanh, true, x); }

    private static float eval(boolean tanh, boolean slope, float x) {
        float a = Math.abs(x);
        // c = e^t, t = −|x| (sigmoid) or −2|x| (tanh), as cHi + cLo. For tanh c is 4e, by k + 2, so that the
        // slope 4e/(1 + e)² rounds once where it is subnormal; e = c/4.
        float tScale = tanh ? -2f : -1f, eScale = tanh ? 0.25f : 1f;
        float t = a * tScale;
        t = t < EXP_FLOOR ? EXP_FLOOR : t;
        float j = Math.fma(t, LOG2E, SHIFTER);
        float kf = j - SHIFTER;
        int k = Float.floatToRawIntBits(j) - (SHIFTER_BITS - (tanh ? 2 : 0));
        float r1 = Math.fma(kf, -LN2_HI, t);            // exact
        float r = Math.fma(kf, -LN2_LO, r1);
        float rLo = Math.fma(kf, -LN2_LO, r1 - r);      // what r lost
        float q = EXP_Q[6];
        for (int i = 5; i >= 0; i--) q = Math.fma(q, r, EXP_Q[i]);
        float pHi = 1f + r;
        float pLo = (1f - pHi) + r;                     // exact: 1 + r = pHi + pLo
        pLo = Math.fma(r * r, q, pLo);
        pLo = Math.fma(rLo, pHi, pLo);                  // e^(r + rLo) ≈ e^r·(1 + rLo)
        float p = pHi + pLo;                            // renormalised (exactly p + pLo'), so that the
        pLo = (pHi - p) + pLo;                          // Newton steps below see a low part below an ulp
        pHi = p;
        int k1 = k >> 1;
        float s1 = Float.intBitsToFloat((k1 + 127) << 23), s2 = Float.intBitsToFloat((k - k1 + 127) << 23);
        float cHi = pHi * s1 * s2, cLo = pLo * s1 * s2;
        float eHi = cHi * eScale, eLo = cLo * eScale;
        float sHi = 1f + eHi;                           // 1 + e, exactly sHi + sLo
        float sLo = ((1f - sHi) + eHi) + eLo;
        float rd = 1f / sHi;
        if (slope) {
            // c/(1 + e)²: the pair d = s², divided with rd² as the reciprocal estimate.
            float dHi = sHi * sHi;
            float dLo = Math.fma(2f * sHi, sLo, Math.fma(sHi, sHi, -dHi));
            float rd2 = rd * rd;
            float q0 = cHi * rd2;
            float res = Math.fma(-q0, dHi, cHi) + cLo;  // the first product is exact
            res = Math.fma(-q0, dLo, res);
            return Math.fma(res, rd2, q0);
        }
        // n/(1 + e): n = 1 − e for tanh; 1 for σ at x ≥ 0, e below.
        float nHi, nLo;
        if (tanh) {
            nHi = 1f - eHi;
            nLo = ((1f - nHi) - eHi) - eLo;
        } else {
            boolean up = x >= 0f;
            nHi = up ? 1f : eHi;
            nLo = up ? 0f : eLo;
        }
        float q0 = nHi * rd;
        float res = Math.fma(-q0, sHi, nHi) + nLo;
        res = Math.fma(-q0, sLo, res);
        float y = Math.fma(res, rd, q0);
        if (!tanh) return y;
        if (a < TANH_POLY_BELOW) {                      // x + x³·P(x²); ±0 itself, as x³·P(x²) would give +0
            float u = x * x;
            float poly = TANH_P[4];
            for (int i = 3; i >= 0; i--) poly = Math.fma(poly, u, TANH_P[i]);
            float small = Math.fma(x * u, poly, x);
            return a == 0f ? x : small;
        }
        return x < 0f ? -y : y;
    }
}
