package org.conv4j.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.gemm.MicroKernel;
import org.conv4j.tensor.WindowGeometry;

/**
 * dW and dB of a 3×3, stride-1 convolution in the Winograd F(2×2, 3×3) domain: the adjoint of
 * {@link VectorWinograd}'s forward. The forward is Y = Aᵀ [Σ_c U_c ⊙ V_c] A with U = G g Gᵀ, so
 * <pre>
 *   per tile t (2×2 outputs, 4×4 inputs at stride 2) and position e = (ξ, ν) of the 4×4 transform:
 *   V  [16][T, C]  = Bᵀ d B            the forward's input transform, channels in the vector lanes
 *   dM [16][T, F]  = A dY Aᵀ            dY: the tile's 2×2 of dOut, zero past an odd edge
 *   dU [16][F, C]  = Σ_t dM[e][t] ⊗ V[e][t]     16 GEMMs whose depth is the tiles, on the MicroKernel
 *   dW [F, C, 3, 3] += Gᵀ dU G          once per call, in double, rounded once
 * </pre>
 * The products are 16·F·C per tile instead of the direct 36·F·C per 2×2 outputs (2.25× fewer). Tested
 * bitwise against {@link ScalarWinograd#weightGradient} and within the bound below against
 * the double loops of {@code conv.ReferenceConv2d}.
 *
 * <p><b>Error.</b> |V_e| ≤ ‖d‖₁ and |dM_e| ≤ ‖dY‖₁ (their matrices have entries 0, ±1 and two non-zeros
 * per row), each with two levels of rounded additions; each dU_e is a sum over all T tiles of the batch
 * (chains of fused multiply-adds per block, then block and chunk partials added), and each dW sums the 16
 * dU_e with weights |G_ξi · G_νj| ≤ 1. To first order in u = 2⁻²⁴, every dW[f, c, i, j] is within
 * <pre>   16 · (T + 16) · u · Σ_t ‖d_(c,t)‖₁ · ‖dY_(f,t)‖₁</pre>
 * of the exact sum (plus u·|dW| for the add into dW); {@code VectorWinogradWeightGradTest} checks this element
 * by element. The direct product sums one term per output position (4·T of them) and is within about
 * 4·T·u·Σ |x|·|dY| over those terms; the tile norms are larger and mixed over 16 positions, which is
 * Winograd's extra (bounded) error.
 *
 * <p><b>Layout and work.</b> The batch is cut into at most {@link Chunks#MAX_CHUNKS} chunks of whole
 * images, fixed by N alone, each with its own partial dU; partials are summed in chunk order, so results
 * are bitwise identical on any number of threads. Per image, x is copied channels-last and zero-padded
 * into {@code xh [hp, wp, cPad]} and dOut into {@code dh [2·tH, 2·tW, fPad]} (zeros past the edge), so
 * both transforms run on channel vectors with plain loads. Each block of whole tile rows (about
 * {@link VectorWinograd#TILE_BLOCK} tiles) writes dM as the micro-kernel's A operand
 * {@code am[e][f/MR][t][f%MR]} and V as its B operand {@code vb[e][c/NR][t][c%NR]}, and each (e, F group,
 * C panel) adds one MR × NR tile of its product into the chunk's partial {@code [16][fPad][cPad]}.
 * dB is {@link BiasGrad}'s in the same chunks as VectorDirectConv's, so it is bitwise the same.
 */
final class VectorWinogradWeightGrad {
    static final VectorSpecies<Float> S = Lanes.SPECIES;
    static final int V = S.length();
    static final int MR = MicroKernel.MR;
    static final int NR = MicroKernel.NR;
    /** MR output channels per vector: one micro-kernel row group of dM per store. */
    static final VectorSpecies<Float> SM = VectorSpecies.of(float.class, VectorShape.forBitSize(MR * Float.SIZE));
    static final int SKEW = VectorWinograd.SKEW;

    private VectorWinogradWeightGrad() {}

    /**
     * dW += ∂L/∂w and dB += ∂L/∂b of out = conv(x, w) + b given dOut.
     *
     * @param x    [N, C, H, W]
     * @param dOut [N, F, OH, OW]
     * @param dW   [F, C, 3, 3], added into
     * @param dB   [F], added into; null when the convolution has no bias
     */
    public static void backward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] dOut, float[] dW,
                                float[] dB, Workspace ws) {
        ConvKernels.requireWinograd(c, g);
        GradTiling plan = new GradTiling(c.inChannels(), c.outChannels(), g);
        int grain = Chunks.grain(n);
        float[][] partials = ws.partials(Parallel.chunkCount(n, grain), plan.partialSize);
        Parallel.forChunks(n, grain, (lo, hi) -> {
            float[] partial = partials[lo / grain];
            Arrays.fill(partial, 0, plan.partialSize, 0f);
            float[] xh = ws.take(plan.hp * plan.wp * plan.cPad);
            float[] dh = ws.take(2 * plan.tH * 2 * plan.tW * plan.fPad);
            float[] vb = ws.take(16 * plan.vbStride);
            float[] am = ws.take(16 * plan.amStride);
            try {
                // The borders and padding channels, which ChannelsLast.copy leaves as they are.
                Arrays.fill(xh, 0, plan.hp * plan.wp * plan.cPad, 0f);
                Arrays.fill(dh, 0, 2 * plan.tH * 2 * plan.tW * plan.fPad, 0f);
                for (int item = lo; item < hi; item++) {
                    ChannelsLast.copy(x, item * plan.cin * plan.inH * plan.inW, plan.cin, plan.inH, plan.inW,
                            xh, 0, plan.padTop, plan.padLeft, plan.wp, plan.cPad);
                    ChannelsLast.copy(dOut, item * plan.f * plan.outH * plan.outW, plan.f, plan.outH, plan.outW,
                            dh, 0, 0, 0, 2 * plan.tW, plan.fPad);
                    for (int ty0 = 0; ty0 < plan.tH; ty0 += plan.blockRows) {
                        int ty1 = Math.min(plan.tH, ty0 + plan.blockRows), tiles = (ty1 - ty0) * plan.tW;
                        plan.inputTransform(xh, ty0, ty1, tiles, vb);
                        plan.gradTransform(dh, ty0, ty1, tiles, am);
                        plan.multiply(am, vb, tiles, partial);
                    }
                    if (dB != null) {
                        int p = plan.outH * plan.outW;
                        BiasGrad.addImage(dOut, item * plan.f * p, plan.f, p, partial, plan.dbAt);
                    }
                }
            } finally {
                ws.give(xh);
                ws.give(dh);
                ws.give(vb);
                ws.give(am);
            }
        });
        plan.reduce(partials, dW);
        if (dB != null) BiasGrad.reduce(partials, plan.dbAt, plan.f, dB);
    }

    /** Tile rows per block of an image with tH × tW tiles: about {@link VectorWinograd#TILE_BLOCK} tiles. */
    static int blockRows(int tH, int tW) {
        int rows = Math.max(1, VectorWinograd.TILE_BLOCK / tW), blocks = (tH + rows - 1) / rows;
        return (tH + blocks - 1) / blocks;
    }

    /** Everything that depends on the geometry and not on the data. */
    private static final class GradTiling {
        final int cin, f, inH, inW, padTop, padLeft, outH, outW;
        /** Tiles down and across; the padded image's rows and columns (every tile reads in bounds). */
        final int tH, tW, hp, wp;
        /** Channels rounded up to a B panel (NR) and to an A row group (MR). */
        final int cPad, fPad;
        final int blockRows;
        /** Floats per position e of vb and am (for the largest block), skewed. */
        final int vbStride, amStride;
        /** Floats per position e of the partial dU [fPad, cPad], skewed; where dB's partial starts. */
        final int eStride, dbAt, partialSize;

        GradTiling(int cin, int f, WindowGeometry g) {
            this.cin = cin;
            this.f = f;
            this.inH = g.inH();
            this.inW = g.inW();
            this.padTop = g.padTop();
            this.padLeft = g.padLeft();
            this.outH = g.outH();
            this.outW = g.outW();
            this.tH = (outH + 1) / 2;
            this.tW = (outW + 1) / 2;
            // padTop + inH = outH + 2 − padBottom ≤ 2·tH + 2, so the image fits; the rest is zeros.
            this.hp = 2 * tH + 2;
            this.wp = 2 * tW + 2;
            this.cPad = VectorWinograd.roundUp(cin, NR);
            this.fPad = VectorWinograd.roundUp(f, MR);
            this.blockRows = VectorWinogradWeightGrad.blockRows(tH, tW);
            int blockTiles = blockRows * tW;
            this.vbStride = cPad * blockTiles + SKEW;
            this.amStride = fPad * blockTiles + SKEW;
            this.eStride = fPad * cPad + SKEW;
            this.dbAt = 16 * eStride;
            this.partialSize = dbAt + f;
        }

        /**
         * vb[e][c/NR][t][c%NR] = (Bᵀ d B)[e] of tile t (row-major in tile rows [ty0, ty1)) and channel c,
         * V channels per vector: rows by d B, then columns by Bᵀ, the operations of
         * {@link ScalarWinograd#inputTransform}.
         */
        void inputTransform(float[] xh, int ty0, int ty1, int tiles, float[] vb) {
            int rs = wp * cPad;
            for (int ty = ty0; ty < ty1; ty++) {
                for (int tx = 0; tx < tW; tx++) {
                    int t = (ty - ty0) * tW + tx;
                    for (int c0 = 0; c0 < cPad; c0 += V) {
                        int s = (2 * ty * wp + 2 * tx) * cPad + c0;
                        // d B along each of the four rows, written out: C2 stops inlining a helper per row at its
                        // node-count cutoff, and each call it leaves boxes a vector. A row's columns x0..x3 from
                        // pixel s are cPad apart (V channels per vector); d B = (x0 − x2, x1 + x2, x2 − x1, x1 − x3).
                        FloatVector x0 = FloatVector.fromArray(S, xh, s), x1 = FloatVector.fromArray(S, xh, s + cPad);
                        FloatVector x2 = FloatVector.fromArray(S, xh, s + 2 * cPad), x3 = FloatVector.fromArray(S, xh, s + 3 * cPad);
                        FloatVector a0 = x0.sub(x2), a1 = x1.add(x2), a2 = x2.sub(x1), a3 = x1.sub(x3);
                        s += rs;
                        x0 = FloatVector.fromArray(S, xh, s);
                        x1 = FloatVector.fromArray(S, xh, s + cPad);
                        x2 = FloatVector.fromArray(S, xh, s + 2 * cPad);
                        x3 = FloatVector.fromArray(S, xh, s + 3 * cPad);
                        FloatVector b0 = x0.sub(x2), b1 = x1.add(x2), b2 = x2.sub(x1), b3 = x1.sub(x3);
                        s += rs;
                        x0 = FloatVector.fromArray(S, xh, s);
                        x1 = FloatVector.fromArray(S, xh, s + cPad);
                        x2 = FloatVector.fromArray(S, xh, s + 2 * cPad);
                        x3 = FloatVector.fromArray(S, xh, s + 3 * cPad);
                        FloatVector c0v = x0.sub(x2), c1 = x1.add(x2), c2 = x2.sub(x1), c3 = x1.sub(x3);
                        s += rs;
                        x0 = FloatVector.fromArray(S, xh, s);
                        x1 = FloatVector.fromArray(S, xh, s + cPad);
                        x2 = FloatVector.fromArray(S, xh, s + 2 * cPad);
                        x3 = FloatVector.fromArray(S, xh, s + 3 * cPad);
                        FloatVector d0 = x0.sub(x2), d1 = x1.add(x2), d2 = x2.sub(x1), d3 = x1.sub(x3);
                        // Bᵀ · down each column: row ξ of V is (a − c, b + c, c − b, b − d).
                        int at = ((c0 / NR) * tiles + t) * NR + c0 % NR, es = vbStride;
                        a0.sub(c0v).intoArray(vb, at);              a1.sub(c1).intoArray(vb, at + es);
                        a2.sub(c2).intoArray(vb, at + 2 * es);      a3.sub(c3).intoArray(vb, at + 3 * es);
                        b0.add(c0v).intoArray(vb, at + 4 * es);     b1.add(c1).intoArray(vb, at + 5 * es);
                        b2.add(c2).intoArray(vb, at + 6 * es);      b3.add(c3).intoArray(vb, at + 7 * es);
                        c0v.sub(b0).intoArray(vb, at + 8 * es);     c1.sub(b1).intoArray(vb, at + 9 * es);
                        c2.sub(b2).intoArray(vb, at + 10 * es);     c3.sub(b3).intoArray(vb, at + 11 * es);
                        b0.sub(d0).intoArray(vb, at + 12 * es);     b1.sub(d1).intoArray(vb, at + 13 * es);
                        b2.sub(d2).intoArray(vb, at + 14 * es);     b3.sub(d3).intoArray(vb, at + 15 * es);
                    }
                }
            }
        }

        /**
         * am[e][f/MR][t][f%MR] = (A dY Aᵀ)[e] of tile t's 2×2 of dOut for channel f, MR channels per vector:
         * rows by dY Aᵀ, each row (p, q) to (p, p + q, p − q, −q), then columns by A ·, the operations
         * of {@link ScalarWinograd#gradTransform}.
         */
        void gradTransform(float[] dh, int ty0, int ty1, int tiles, float[] am) {
            int rs = 2 * tW * fPad;
            for (int ty = ty0; ty < ty1; ty++) {
                for (int tx = 0; tx < tW; tx++) {
                    int t = (ty - ty0) * tW + tx;
                    for (int f0 = 0; f0 < fPad; f0 += MR) {
                        int s = (2 * ty * 2 * tW + 2 * tx) * fPad + f0;
                        FloatVector y00 = FloatVector.fromArray(SM, dh, s);
                        FloatVector y01 = FloatVector.fromArray(SM, dh, s + fPad);
                        FloatVector y10 = FloatVector.fromArray(SM, dh, s + rs);
                        FloatVector y11 = FloatVector.fromArray(SM, dh, s + rs + fPad);
                        // dY Aᵀ: row i of dY to (p, p + q, p − q, −q).
                        FloatVector p1 = y00.add(y01), p2 = y00.sub(y01), p3 = y01.neg();
                        FloatVector q1 = y10.add(y11), q2 = y10.sub(y11), q3 = y11.neg();
                        // A ·: down each column ν, (r0, r0 + r1, r0 − r1, −r1).
                        int at = ((f0 / MR) * tiles + t) * MR, es = amStride;
                        y00.intoArray(am, at);                       p1.intoArray(am, at + es);
                        p2.intoArray(am, at + 2 * es);               p3.intoArray(am, at + 3 * es);
                        y00.add(y10).intoArray(am, at + 4 * es);     p1.add(q1).intoArray(am, at + 5 * es);
                        p2.add(q2).intoArray(am, at + 6 * es);       p3.add(q3).intoArray(am, at + 7 * es);
                        y00.sub(y10).intoArray(am, at + 8 * es);     p1.sub(q1).intoArray(am, at + 9 * es);
                        p2.sub(q2).intoArray(am, at + 10 * es);      p3.sub(q3).intoArray(am, at + 11 * es);
                        y10.neg().intoArray(am, at + 12 * es);       q1.neg().intoArray(am, at + 13 * es);
                        q2.neg().intoArray(am, at + 14 * es);        q3.neg().intoArray(am, at + 15 * es);
                    }
                }
            }
        }

        /**
         * partial[e][fPad, cPad] += am[e]ᵀ · vb[e] over this block's tiles: per e and C panel, the F groups
         * pass over one B panel (tiles · NR floats, in L1).
         */
        void multiply(float[] am, float[] vb, int tiles, float[] partial) {
            int fGroups = fPad / MR, cPanels = cPad / NR;
            for (int e = 0; e < 16; e++) {
                for (int cp = 0; cp < cPanels; cp++) {
                    int bBase = e * vbStride + cp * tiles * NR;
                    for (int fg = 0; fg < fGroups; fg++) {
                        MicroKernel.multiply(am, e * amStride + fg * tiles * MR, vb, bBase, tiles,
                                partial, e * eStride + fg * MR * cPad + cp * NR, cPad, 1f);
                    }
                }
            }
        }

        /**
         * dW[f, c] += Gᵀ dU G, dU = the partials summed in chunk order. Split over f on the pool: each
         * element is still summed by one task in a fixed order.
         */
        void reduce(float[][] partials, float[] dW) {
            int grain = Math.max(1, (1 << 16) / (cPad * 16 * Math.max(1, partials.length)));
            Parallel.forChunks(f, grain, (lo, hi) -> {
                float[] du = new float[16 * cPad];
                double[] t = new double[12];
                for (int fo = lo; fo < hi; fo++) {
                    // du[e][c] = Σ over chunks in chunk order, V channels at a time (the same sums per lane).
                    for (int e = 0; e < 16; e++) {
                        int at = e * eStride + fo * cPad;
                        for (int c0 = 0; c0 < cPad; c0 += V) {
                            FloatVector s = FloatVector.zero(S);
                            for (float[] part : partials) s = s.add(FloatVector.fromArray(S, part, at + c0));
                            s.intoArray(du, e * cPad + c0);
                        }
                    }
                    for (int ci = 0; ci < cin; ci++) {
                        // dU G [4×3] along rows, then Gᵀ · down columns: G's columns are (1, ½, ½, 0),
                        // (0, ½, −½, 0) and (0, ½, ½, 1); ScalarWinograd.weightTransform's sums.
                        for (int a = 0; a < 4; a++) {
                            int ua = 4 * a * cPad + ci;
                            double u0 = du[ua], u1 = du[ua + cPad], u2 = du[ua + 2 * cPad], u3 = du[ua + 3 * cPad];
                            t[3 * a] = u0 + 0.5 * u1 + 0.5 * u2;
                            t[3 * a + 1] = 0.5 * u1 + -0.5 * u2;
                            t[3 * a + 2] = 0.5 * u1 + 0.5 * u2 + u3;
                        }
                        int at = (fo * cin + ci) * 9;
                        for (int j = 0; j < 3; j++) {
                            double t0 = t[j], t1 = t[3 + j], t2 = t[6 + j], t3 = t[9 + j];
                            dW[at + j] += (float) (t0 + 0.5 * t1 + 0.5 * t2);
                            dW[at + 3 + j] += (float) (0.5 * t1 + -0.5 * t2);
                            dW[at + 6 + j] += (float) (0.5 * t1 + 0.5 * t2 + t3);
                        }
                    }
                }
            });
        }
    }
}
