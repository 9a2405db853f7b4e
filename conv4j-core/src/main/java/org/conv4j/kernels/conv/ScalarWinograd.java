package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;

/**
 * Winograd F(2×2, 3×3) written as the textbook matrices, one tile and one channel at a time: the scalar
 * Winograd kernel of {@link ScalarConvKernels}, and the oracle {@link VectorWinograd} is tested against
 * (bitwise: both do the same float operations in the same order, and both accumulate the channel sum with
 * one fused multiply-add per channel, in channel order).
 *
 * <p>For a 3×3 kernel g and a 4×4 input tile d, the 2×2 output tile of their correlation is
 * <pre>
 *   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A        U = G g Gᵀ  [4×4],  V = Bᵀ d B  [4×4]
 *
 *   Bᵀ = | 1  0 −1  0 |     G = | 1    0    0   |     Aᵀ = | 1  1  1  0 |
 *        | 0  1  1  0 |         | ½    ½    ½   |          | 0  1 −1 −1 |
 *        | 0 −1  1  0 |         | ½   −½    ½   |
 *        | 0  1  0 −1 |         | 0    0    1   |
 * </pre>
 * 16 multiplications per channel instead of 36 for the four outputs. Tile (ty, tx) covers outputs
 * (2ty.., 2tx..) and reads input rows 2ty − padTop .. + 3 and columns 2tx − padLeft .. + 3 (zero outside
 * the image); outputs past OH or OW of the last tile row or column are computed and dropped.
 */
final class ScalarWinograd {
    static final float[][] BT = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
    static final double[][] G = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    static final float[][] AT = {{1, 1, 1, 0}, {0, 1, -1, -1}};

    private ScalarWinograd() {}

    /**
     * out = conv(x, w) + b for a 3×3, stride-1, undilated, ungrouped convolution (any padding).
     *
     * @param x   [N, C, H, W]
     * @param w   [F, C, 3, 3]
     * @param b   [F], or null
     * @param out [N, F, OH, OW], overwritten
     */
    public static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out) {
        int cin = c.inChannels(), f = c.outChannels(), h = g.inH(), wd = g.inW(), oh = g.outH(), ow = g.outW();
        float[][][] u = new float[f][cin][];
        for (int fo = 0; fo < f; fo++) {
            for (int ci = 0; ci < cin; ci++) u[fo][ci] = kernelTransform(w, (fo * cin + ci) * 9, false);
        }
        float[][] d = new float[4][4];
        for (int item = 0; item < n; item++) {
            for (int ty = 0; ty < (oh + 1) / 2; ty++) {
                for (int tx = 0; tx < (ow + 1) / 2; tx++) {
                    float[][] v = new float[cin][];
                    for (int ci = 0; ci < cin; ci++) {
                        v[ci] = inputTransform(inputTile(g, x, (item * cin + ci) * h * wd, ty, tx, d));
                    }
                    for (int fo = 0; fo < f; fo++) {
                        float[] m = new float[16];
                        for (int e = 0; e < 16; e++) {
                            float acc = 0f;
                            for (int ci = 0; ci < cin; ci++) acc = Math.fma(u[fo][ci][e], v[ci][e], acc);
                            m[e] = acc;
                        }
                        float[][] y = outputTransform(m);
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                int oy = 2 * ty + i, ox = 2 * tx + j;
                                if (oy < oh && ox < ow) {
                                    out[((item * f + fo) * oh + oy) * ow + ox] = y[i][j] + (b == null ? 0f : b[fo]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * dW += ∂L/∂w of out = conv(x, w) + b given dOut, as {@link VectorWinogradWeightGrad} computes it: per tile,
     * dU_e += dM_e · V_e with dM = A dY Aᵀ and V = Bᵀ d B, then dW = Gᵀ dU G. The grouping of the sum over
     * tiles is a parameter so that it can be the fast path's: images in chunks of {@code grain}, each
     * image's tile rows in blocks of {@code blockRows}; one chain of fused multiply-adds per block, added
     * to its chunk's partial, the partials added in chunk order.
     *
     * @param x    [N, C, H, W]
     * @param dOut [N, F, OH, OW]
     * @param dW   [F, C, 3, 3], added into
     */
    public static void weightGradient(ConvChannels c, WindowGeometry g, int n, float[] x, float[] dOut, float[] dW,
                                      int grain, int blockRows) {
        int cin = c.inChannels(), f = c.outChannels(), h = g.inH(), wd = g.inW(), oh = g.outH(), ow = g.outW();
        int tH = (oh + 1) / 2, tW = (ow + 1) / 2;
        float[][][] sum = new float[16][f][cin];
        float[][] d = new float[4][4], dy = new float[2][2];
        for (int lo = 0; lo < n; lo += grain) {
            float[][][] part = new float[16][f][cin];
            for (int item = lo; item < Math.min(n, lo + grain); item++) {
                for (int ty0 = 0; ty0 < tH; ty0 += blockRows) {
                    float[][][] acc = new float[16][f][cin];
                    for (int ty = ty0; ty < Math.min(tH, ty0 + blockRows); ty++) {
                        for (int tx = 0; tx < tW; tx++) {
                            float[][] v = new float[cin][], dm = new float[f][];
                            for (int ci = 0; ci < cin; ci++) {
                                v[ci] = inputTransform(inputTile(g, x, (item * cin + ci) * h * wd, ty, tx, d));
                            }
                            for (int fo = 0; fo < f; fo++) {
                                for (int i = 0; i < 2; i++) {
                                    for (int j = 0; j < 2; j++) {
                                        int y = 2 * ty + i, z = 2 * tx + j;
                                        dy[i][j] = y < oh && z < ow ? dOut[((item * f + fo) * oh + y) * ow + z] : 0f;
                                    }
                                }
                                dm[fo] = gradTransform(dy);
                            }
                            for (int e = 0; e < 16; e++) {
                                for (int fo = 0; fo < f; fo++) {
                                    for (int ci = 0; ci < cin; ci++) {
                                        acc[e][fo][ci] = Math.fma(dm[fo][e], v[ci][e], acc[e][fo][ci]);
                                    }
                                }
                            }
                        }
                    }
                    add(part, acc);
                }
            }
            add(sum, part);
        }
        float[] u = new float[16];
        for (int fo = 0; fo < f; fo++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int e = 0; e < 16; e++) u[e] = sum[e][fo][ci];
                double[][] dg = weightTransform(u);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) dW[((fo * cin + ci) * 3 + i) * 3 + j] += (float) dg[i][j];
                }
            }
        }
    }

    private static void add(float[][][] into, float[][][] a) {
        for (int e = 0; e < into.length; e++) {
            for (int i = 0; i < into[e].length; i++) {
                for (int j = 0; j < into[e][i].length; j++) into[e][i][j] += a[e][i][j];
            }
        }
    }

    /**
     * dM = A dY Aᵀ [16, row-major] of a 2×2 output gradient (A = the transpose of Aᵀ): first along rows
     * (dY Aᵀ), then down columns (A ·); the adjoint of {@link #outputTransform}.
     */
    static float[] gradTransform(float[][] dy) {
        float[][] r = new float[2][4];
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                r[i][k] = dot(new float[] {dy[i][0], dy[i][1], 0f, 0f}, new float[] {AT[0][k], AT[1][k], 0f, 0f});
            }
        }
        float[] dm = new float[16];
        for (int a = 0; a < 4; a++) {
            for (int k = 0; k < 4; k++) {
                dm[a * 4 + k] = dot(new float[] {r[0][k], r[1][k], 0f, 0f}, new float[] {AT[0][a], AT[1][a], 0f, 0f});
            }
        }
        return dm;
    }

    /** dg = Gᵀ dU G [3×3] of dU [16, row-major], in double: first along rows (dU G), then down columns. */
    static double[][] weightTransform(float[] du) {
        double[][] t = new double[4][3];
        for (int a = 0; a < 4; a++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) s += du[a * 4 + k] * G[k][j];
                t[a][j] = s;
            }
        }
        double[][] dg = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int a = 0; a < 4; a++) s += G[a][i] * t[a][j];
                dg[i][j] = s;
            }
        }
        return dg;
    }

    /**
     * d = the 4×4 input of tile (ty, tx) from the plane {@code x[at .. at + H·W)}: rows 2ty − padTop .. + 3,
     * columns 2tx − padLeft .. + 3, zero outside the image. Returns d.
     */
    private static float[][] inputTile(WindowGeometry g, float[] x, int at, int ty, int tx, float[][] d) {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int y = 2 * ty - g.padTop() + i, z = 2 * tx - g.padLeft() + j;
                boolean in = y >= 0 && y < g.inH() && z >= 0 && z < g.inW();
                d[i][j] = in ? x[at + y * g.inW() + z] : 0f;
            }
        }
        return d;
    }

    /**
     * U = G g Gᵀ [16, row-major] of the 3×3 kernel at {@code w[at..at+9)}, computed in double and rounded
     * once (it is computed once per call, so the accuracy is free). With {@code rotate}, g is that kernel
     * rotated by 180° (the kernel of the dX correlation).
     */
    static float[] kernelTransform(float[] w, int at, boolean rotate) {
        double[][] t = new double[4][3];
        for (int a = 0; a < 4; a++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int i = 0; i < 3; i++) s += G[a][i] * w[at + (rotate ? (2 - i) * 3 + (2 - j) : i * 3 + j)];
                t[a][j] = s;
            }
        }
        float[] u = new float[16];
        for (int a = 0; a < 4; a++) {
            for (int bb = 0; bb < 4; bb++) {
                double s = 0;
                for (int j = 0; j < 3; j++) s += t[a][j] * G[bb][j];
                u[a * 4 + bb] = (float) s;
            }
        }
        return u;
    }

    /** V = Bᵀ d B [16, row-major]: first along rows (d B), then down columns (Bᵀ ·). */
    static float[] inputTransform(float[][] d) {
        float[][] t = new float[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) t[i][j] = dot(d[i], BT[j]);
        }
        float[] v = new float[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) v[i * 4 + j] = dot(column(t, j), BT[i]);
        }
        return v;
    }

    /** Y = Aᵀ M A [2×2] of M [16, row-major]: first along rows (M A), then down columns (Aᵀ ·). */
    static float[][] outputTransform(float[] m) {
        float[][] r = new float[4][2];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) r[i][j] = dot(new float[] {m[i * 4], m[i * 4 + 1], m[i * 4 + 2], m[i * 4 + 3]}, AT[j]);
        }
        float[][] y = new float[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) y[i][j] = dot(column(r, j), AT[i]);
        }
        return y;
    }

    /** Column j of a 4-row matrix. */
    private static float[] column(float[][] t, int j) {
        return new float[] {t[0][j], t[1][j], t[2][j], t[3][j]};
    }

    /**
     * Σ_k a[k]·coef[k] over the non-zero ±1 coefficients, left to right: multiplying by ±1 is exact, so
     * this is the same float arithmetic as the fast path's written-out adds and subtractions.
     */
    private static float dot(float[] a, float[] coef) {
        float s = 0f;
        boolean first = true;
        for (int k = 0; k < 4; k++) {
            if (coef[k] == 0) continue;
            s = first ? coef[k] * a[k] : s + coef[k] * a[k];
            first = false;
        }
        return s;
    }
}
