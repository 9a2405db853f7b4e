package org.conv4j.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * The GEMM's MR × NR register tile, the inner loop of every Vector API product: {@link VectorGemm}, and
 * the direct and Winograd convolutions, which pack their own panels. MR rows by NR = 2 vectors: with
 * AVX2, 4 × 16 floats (8 accumulators + 2 B vectors + 1 broadcast fit the 16 registers); with AVX-512,
 * 8 × 32 (16 accumulators of 32 registers, enough independent FMA chains to hide the FMA latency).
 * Larger tiles spill accumulators. MR is a constant, so C2 keeps one of the two written-out bodies.
 *
 * <p>Static methods on a static final species: calls from hot loops are direct and C2 inlines them. The
 * bodies are written out rather than through helpers: a vector passed to a call that C2 does not inline is
 * boxed on the heap.
 */
public final class MicroKernel {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    /** Rows per tile: 8 with 512-bit vectors, else 4. */
    public static final int MR = V >= 16 ? 8 : 4;
    /** Columns per tile: two vectors. */
    public static final int NR = 2 * V;

    private MicroKernel() {}

    /**
     * C[MR×NR] = beta·C + Apanel·Bpanel: every accumulator lives in a register for the whole k loop; each
     * step loads two B vectors and broadcasts MR A values (one FMA per accumulator), so every C element
     * is one k-ordered chain of FMAs from zero, added to beta·C in one rounding at the end, whatever MR
     * is. A is {@code pa[aBase + p·MR + r]}, B is {@code pb[bBase + p·NR + j]}, for p &lt; kc; C rows are
     * {@code ldc} apart and NR floats of each are written; beta is 0 (C's old contents ignored), 1, or
     * any other.
     */
    public static void multiply(float[] pa, int aBase, float[] pb, int bBase, int kc,
                                float[] c, int cIdx, int ldc, float beta) {
        // MR is a constant, so C2 keeps one of the two.
        if (MR == 8) kernel8(pa, aBase, pb, bBase, kc, c, cIdx, ldc, beta);
        else kernel4(pa, aBase, pb, bBase, kc, c, cIdx, ldc, beta);
    }

    /** {@link #multiply} for MR = 4. */
    private static void kernel4(float[] pa, int aBase, float[] pb, int bBase, int kc,
                                float[] c, int cIdx, int ldc, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            // Indices written from the loop variable p so C2 can hoist the bounds checks.
            int ia = aBase + p * 4, ib = bBase + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + V);
            FloatVector av = FloatVector.broadcast(S, pa[ia]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        // Written out rather than through a helper: a vector passed to a call that C2 does not inline is
        // boxed on the heap (the GEMM then runs 4× slower; seen in a benchmark whose profile differed).
        int i1 = cIdx + ldc, i2 = i1 + ldc, i3 = i2 + ldc;
        if (beta != 0f) {
            // beta·C + acc in one rounding; for beta = 1 exactly C + acc.
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromArray(S, c, cIdx).fma(bv, c00); c01 = FloatVector.fromArray(S, c, cIdx + V).fma(bv, c01);
            c10 = FloatVector.fromArray(S, c, i1).fma(bv, c10); c11 = FloatVector.fromArray(S, c, i1 + V).fma(bv, c11);
            c20 = FloatVector.fromArray(S, c, i2).fma(bv, c20); c21 = FloatVector.fromArray(S, c, i2 + V).fma(bv, c21);
            c30 = FloatVector.fromArray(S, c, i3).fma(bv, c30); c31 = FloatVector.fromArray(S, c, i3 + V).fma(bv, c31);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, i1); c11.intoArray(c, i1 + V);
        c20.intoArray(c, i2); c21.intoArray(c, i2 + V);
        c30.intoArray(c, i3); c31.intoArray(c, i3 + V);
    }

    /** {@link #multiply} for MR = 8. */
    /**
     * Rows [0, rows) of the tile {@link #multiply} computes with beta 0, into {@code tile} (rows NR apart): each
     * element the same k-ordered chain of FMAs from zero, so bitwise the same values. For edge tiles with a
     * few rows (a batch-1 product), where the full tile would spend most of its FMAs on padding rows.
     *
     * @param rows rows wanted, at most MR
     */
    public static void multiplyRows(float[] pa, int aBase, float[] pb, int bBase, int kc, int rows, float[] tile) {
        for (int r = 0; r < rows; r++) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ib = bBase + p * NR;
                FloatVector av = FloatVector.broadcast(S, pa[aBase + p * MR + r]);
                c0 = av.fma(FloatVector.fromArray(S, pb, ib), c0);
                c1 = av.fma(FloatVector.fromArray(S, pb, ib + V), c1);
            }
            c0.intoArray(tile, r * NR);
            c1.intoArray(tile, r * NR + V);
        }
    }

    private static void kernel8(float[] pa, int aBase, float[] pb, int bBase, int kc,
                                float[] c, int cIdx, int ldc, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = aBase + p * 8, ib = bBase + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + V);
            FloatVector av = FloatVector.broadcast(S, pa[ia]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, pa[ia + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, pa[ia + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, pa[ia + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, pa[ia + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        // Written out, as in kernel4: C2 stopped inlining a store helper called 8 times here (4× slower).
        int i1 = cIdx + ldc, i2 = i1 + ldc, i3 = i2 + ldc, i4 = i3 + ldc, i5 = i4 + ldc, i6 = i5 + ldc, i7 = i6 + ldc;
        if (beta != 0f) {
            // beta·C + acc in one rounding; for beta = 1 exactly C + acc.
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromArray(S, c, cIdx).fma(bv, c00); c01 = FloatVector.fromArray(S, c, cIdx + V).fma(bv, c01);
            c10 = FloatVector.fromArray(S, c, i1).fma(bv, c10); c11 = FloatVector.fromArray(S, c, i1 + V).fma(bv, c11);
            c20 = FloatVector.fromArray(S, c, i2).fma(bv, c20); c21 = FloatVector.fromArray(S, c, i2 + V).fma(bv, c21);
            c30 = FloatVector.fromArray(S, c, i3).fma(bv, c30); c31 = FloatVector.fromArray(S, c, i3 + V).fma(bv, c31);
            c40 = FloatVector.fromArray(S, c, i4).fma(bv, c40); c41 = FloatVector.fromArray(S, c, i4 + V).fma(bv, c41);
            c50 = FloatVector.fromArray(S, c, i5).fma(bv, c50); c51 = FloatVector.fromArray(S, c, i5 + V).fma(bv, c51);
            c60 = FloatVector.fromArray(S, c, i6).fma(bv, c60); c61 = FloatVector.fromArray(S, c, i6 + V).fma(bv, c61);
            c70 = FloatVector.fromArray(S, c, i7).fma(bv, c70); c71 = FloatVector.fromArray(S, c, i7 + V).fma(bv, c71);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, i1); c11.intoArray(c, i1 + V);
        c20.intoArray(c, i2); c21.intoArray(c, i2 + V);
        c30.intoArray(c, i3); c31.intoArray(c, i3 + V);
        c40.intoArray(c, i4); c41.intoArray(c, i4 + V);
        c50.intoArray(c, i5); c51.intoArray(c, i5 + V);
        c60.intoArray(c, i6); c61.intoArray(c, i6 + V);
        c70.intoArray(c, i7); c71.intoArray(c, i7 + V);
    }

    /**
     * part[MR × NR tile at pIdx, row stride ldp] += Σ over positions (y, x), y in [y0, y1), x &lt; outW,
     * of xp[kOff[r0+r] + y·pitch + x] ⊗ dOutP[bBase + (y·outW + x)·NR .. + NR]: the same register tile
     * as {@link #multiply}, with A read through row offsets from an unpacked image instead of a packed
     * panel (the direct convolution's weight gradient, whose A rows are shifted copies of one padded
     * image). The accumulators start from C and every product is one FMA into C's running sum, in
     * position order: bitwise unlike {@link #multiply}'s sum-then-add, so the two are not interchangeable.
     */
    public static void accumulateShifted(float[] xp, int[] kOff, int r0, int pitch, int y0, int y1, int outW,
                                         float[] dOutP, int bBase, float[] part, int pIdx, int ldp) {
        if (MR == 8) accumulateShifted8(xp, kOff, r0, pitch, y0, y1, outW, dOutP, bBase, part, pIdx, ldp);
        else accumulateShifted4(xp, kOff, r0, pitch, y0, y1, outW, dOutP, bBase, part, pIdx, ldp);
    }

    /** {@link #accumulateShifted} for MR = 8. */
    private static void accumulateShifted8(float[] xp, int[] kOff, int r0, int pitch, int y0, int y1, int outW,
                                           float[] dOutP, int bBase, float[] part, int pIdx, int ldp) {
        int p1 = pIdx + ldp, p2 = pIdx + 2 * ldp, p3 = pIdx + 3 * ldp;
        int p4 = pIdx + 4 * ldp, p5 = pIdx + 5 * ldp, p6 = pIdx + 6 * ldp, p7 = pIdx + 7 * ldp;
        FloatVector c00 = FloatVector.fromArray(S, part, pIdx), c01 = FloatVector.fromArray(S, part, pIdx + V);
        FloatVector c10 = FloatVector.fromArray(S, part, p1), c11 = FloatVector.fromArray(S, part, p1 + V);
        FloatVector c20 = FloatVector.fromArray(S, part, p2), c21 = FloatVector.fromArray(S, part, p2 + V);
        FloatVector c30 = FloatVector.fromArray(S, part, p3), c31 = FloatVector.fromArray(S, part, p3 + V);
        FloatVector c40 = FloatVector.fromArray(S, part, p4), c41 = FloatVector.fromArray(S, part, p4 + V);
        FloatVector c50 = FloatVector.fromArray(S, part, p5), c51 = FloatVector.fromArray(S, part, p5 + V);
        FloatVector c60 = FloatVector.fromArray(S, part, p6), c61 = FloatVector.fromArray(S, part, p6 + V);
        FloatVector c70 = FloatVector.fromArray(S, part, p7), c71 = FloatVector.fromArray(S, part, p7 + V);
        int a0 = kOff[r0], a1 = kOff[r0 + 1], a2 = kOff[r0 + 2], a3 = kOff[r0 + 3];
        int a4 = kOff[r0 + 4], a5 = kOff[r0 + 5], a6 = kOff[r0 + 6], a7 = kOff[r0 + 7];
        for (int y = y0; y < y1; y++) {
            int qx = y * pitch, qt = bBase + y * outW * NR;
            for (int x = 0; x < outW; x++, qx++, qt += NR) {
                FloatVector b0 = FloatVector.fromArray(S, dOutP, qt);
                FloatVector b1 = FloatVector.fromArray(S, dOutP, qt + V);
                FloatVector av = FloatVector.broadcast(S, xp[a0 + qx]);
                c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, xp[a1 + qx]);
                c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, xp[a2 + qx]);
                c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, xp[a3 + qx]);
                c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
                av = FloatVector.broadcast(S, xp[a4 + qx]);
                c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
                av = FloatVector.broadcast(S, xp[a5 + qx]);
                c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
                av = FloatVector.broadcast(S, xp[a6 + qx]);
                c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
                av = FloatVector.broadcast(S, xp[a7 + qx]);
                c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
            }
        }
        c00.intoArray(part, pIdx); c01.intoArray(part, pIdx + V);
        c10.intoArray(part, p1); c11.intoArray(part, p1 + V);
        c20.intoArray(part, p2); c21.intoArray(part, p2 + V);
        c30.intoArray(part, p3); c31.intoArray(part, p3 + V);
        c40.intoArray(part, p4); c41.intoArray(part, p4 + V);
        c50.intoArray(part, p5); c51.intoArray(part, p5 + V);
        c60.intoArray(part, p6); c61.intoArray(part, p6 + V);
        c70.intoArray(part, p7); c71.intoArray(part, p7 + V);
    }

    /** {@link #accumulateShifted} for MR = 4. */
    private static void accumulateShifted4(float[] xp, int[] kOff, int r0, int pitch, int y0, int y1, int outW,
                                           float[] dOutP, int bBase, float[] part, int pIdx, int ldp) {
        int p1 = pIdx + ldp, p2 = pIdx + 2 * ldp, p3 = pIdx + 3 * ldp;
        FloatVector c00 = FloatVector.fromArray(S, part, pIdx), c01 = FloatVector.fromArray(S, part, pIdx + V);
        FloatVector c10 = FloatVector.fromArray(S, part, p1), c11 = FloatVector.fromArray(S, part, p1 + V);
        FloatVector c20 = FloatVector.fromArray(S, part, p2), c21 = FloatVector.fromArray(S, part, p2 + V);
        FloatVector c30 = FloatVector.fromArray(S, part, p3), c31 = FloatVector.fromArray(S, part, p3 + V);
        int a0 = kOff[r0], a1 = kOff[r0 + 1], a2 = kOff[r0 + 2], a3 = kOff[r0 + 3];
        for (int y = y0; y < y1; y++) {
            int qx = y * pitch, qt = bBase + y * outW * NR;
            for (int x = 0; x < outW; x++, qx++, qt += NR) {
                FloatVector b0 = FloatVector.fromArray(S, dOutP, qt);
                FloatVector b1 = FloatVector.fromArray(S, dOutP, qt + V);
                FloatVector av = FloatVector.broadcast(S, xp[a0 + qx]);
                c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, xp[a1 + qx]);
                c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, xp[a2 + qx]);
                c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, xp[a3 + qx]);
                c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            }
        }
        c00.intoArray(part, pIdx); c01.intoArray(part, pIdx + V);
        c10.intoArray(part, p1); c11.intoArray(part, p1 + V);
        c20.intoArray(part, p2); c21.intoArray(part, p2 + V);
        c30.intoArray(part, p3); c31.intoArray(part, p3 + V);
    }
}
