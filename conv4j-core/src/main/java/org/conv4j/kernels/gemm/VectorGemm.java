package org.conv4j.kernels.gemm;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.Transpose;

/**
 * Packed, register-blocked SGEMM on the Vector API (Goto/BLIS layout).
 *
 * <p>For each KC-deep slice of the k dimension, op(A) is packed into MR-row panels and op(B) into
 * NR-column panels (zero-padded at the edges, transposes resolved by the packing, never materialised).
 * The C grid is then cut into MC×NCT blocks that run in parallel on {@link Parallel}; inside a block
 * {@link MicroKernel#multiply} computes each MR×NR tile with the whole tile held in vector registers. Each
 * C element is computed by one task in k order, so the result does not depend on the thread count.
 *
 * <p>Packing buffers are per calling thread and the edge tile per pool thread, all reused, so steady-state
 * calls allocate nothing.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    /** Floats per vector. */
    static final int V = S.length();
    static final int MR = MicroKernel.MR;
    static final int NR = MicroKernel.NR;
    /**
     * Deepest k slice: an NR×KC B micro-panel (24 KB) stays in L1 and the MC×KC A block in L2. k is cut
     * into equal slices no deeper than this (k = 288 is one slice of 288, not 256 + a 32-deep remainder
     * whose C reload would cost more than its FMAs).
     */
    static final int KC = 384;
    /** Rows per block (multiple of MR): the MC×KC packed A block (≈ 96 KB) stays in L2. */
    static final int MC = 96;
    /** Columns per parallel block: a multiple of NR. */
    static final int NCT = 256;
    /** Below this many multiply-adds the packing does not pay; the plain loop is used. */
    static final long SMALL = 8L * 8 * 8;

    /** Offsets of V consecutive k steps in a packed B panel: the row starts {@link Transpose#block} writes. */
    private static final int[] PANEL_ROWS = IntStream.range(0, V).map(i -> i * NR).toArray();

    private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[2][0]);
    /** The scratch tile of {@link #kernelEdge}, per thread (one per task was 1 KB each, hundreds per call). */
    private static final ThreadLocal<float[]> EDGE_TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            GemmChecks.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k < SMALL) {
            plain(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        packed(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Packs op(A) once, in the panels {@link #packed} would build for each product: one array per k slice,
     * into {@code reuse}'s arrays when they have the sizes needed.
     */
    @Override
    public PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, PackedA reuse) {
        GemmChecks.checkA(transA, m, k, a, aOff, lda);
        if (m == 0 || k == 0) return new PackedA(transA, m, k, a, aOff, lda, null);
        int mPanels = (m + MR - 1) / MR, slices = (k + KC - 1) / KC, kcMax = (k + slices - 1) / slices;
        float[][] old = reuse == null ? null : reuse.panels();
        float[][] panels = old != null && old.length == slices ? old : new float[slices][];
        for (int s = 0, pc = 0; pc < k; s++, pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            if (panels[s] == null || panels[s].length != mPanels * MR * kc) panels[s] = new float[mPanels * MR * kc];
            for (int q = 0; q < mPanels; q++) packA(transA, a, aOff, lda, m, q * MR, pc, kc, panels[s], q * MR * kc);
        }
        return new PackedA(transA, m, k, a, aOff, lda, panels);
    }

    @Override
    public void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int m = a.m(), k = a.k();
        GemmChecks.check(a.transA(), transB, m, n, k, a.a(), a.aOff(), a.lda(), b, bOff, ldb, c, cOff, ldc);
        if (a.panels() == null || m == 0 || n == 0 || (long) m * n * k < SMALL) {
            sgemm(a.transA(), transB, m, n, k, a.a(), a.aOff(), a.lda(), b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        blocked(a.panels(), null, a.transA(), transB, m, n, k, a.a(), a.aOff(), a.lda(), b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Packs op(B) once, in the panels {@link #packed} would build for each product: one array per k slice.
     */
    @Override
    public PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        GemmChecks.checkB(transB, k, n, b, bOff, ldb);
        if (n == 0 || k == 0) return new PackedB(transB, k, n, b, bOff, ldb, null);
        int nPanels = (n + NR - 1) / NR, slices = (k + KC - 1) / KC, kcMax = (k + slices - 1) / slices;
        float[][] panels = new float[slices][];
        for (int s = 0, pc = 0; pc < k; s++, pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            panels[s] = new float[nPanels * NR * kc];
            for (int q = 0; q < nPanels; q++) packB(transB, b, bOff, ldb, n, q * NR, pc, kc, panels[s], q * NR * kc);
        }
        return new PackedB(transB, k, n, b, bOff, ldb, panels);
    }

    @Override
    public void sgemm(boolean transA, int m, float[] a, int aOff, int lda, PackedB b,
                      float beta, float[] c, int cOff, int ldc) {
        int n = b.n(), k = b.k();
        GemmChecks.check(transA, b.transB(), m, n, k, a, aOff, lda, b.b(), b.bOff(), b.ldb(), c, cOff, ldc);
        if (b.panels() == null || m == 0 || n == 0 || (long) m * n * k < SMALL) {
            sgemm(transA, b.transB(), m, n, k, a, aOff, lda, b.b(), b.bOff(), b.ldb(), beta, c, cOff, ldc);
            return;
        }
        blocked(null, b.panels(), transA, b.transB(), m, n, k, a, aOff, lda, b.b(), b.bOff(), b.ldb(), beta, c, cOff, ldc);
    }

    /** The blocked path at any size, for tests: the edges exercised at tiny sizes. Otherwise as sgemm. */
    public void packed(boolean transA, boolean transB, int m, int n, int k,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float beta, float[] c, int cOff, int ldc) {
        blocked(null, null, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * The blocked product; {@code aPanels}, when not null, are op(A)'s panels per k slice from {@link #pack},
     * and {@code bPanels} op(B)'s from {@link #packB}.
     *
     * <p>Two parallel calls, whatever the depth: one packs every k slice of the operands not packed yet, one
     * computes the C blocks, each block running its slices in order (slice 0 with beta, the others adding). Each
     * C element therefore sees the same operations as with a call per slice, and no thread waits between
     * slices: at batch 1 a 960-deep product (three slices, a few C blocks each) spent most of its time in the
     * hand-offs.
     */
    private void blocked(float[][] aPanels, float[][] bPanels, boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        int mPanels = (m + MR - 1) / MR, nPanels = (n + NR - 1) / NR;
        int slices = (k + KC - 1) / KC, kcMax = (k + slices - 1) / slices;
        float[][] buf = buffers.get();
        // Slice s of a buffer starts where the slices before it end: at panels × MR (or NR) × s·kcMax.
        int needA = aPanels != null ? 0 : mPanels * MR * k, needB = bPanels != null ? 0 : nPanels * NR * k;
        if (buf[0].length < needA) buf[0] = new float[needA];
        if (buf[1].length < needB) buf[1] = new float[needB];
        float[] packedA = buf[0], packedB = buf[1];
        int aCount = aPanels != null ? 0 : mPanels, bCount = bPanels != null ? 0 : nPanels, perSlice = aCount + bCount;
        if (perSlice > 0) {
            Parallel.forChunks(slices * perSlice, packGrain(kcMax), (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int slice = t / perSlice, q = t - slice * perSlice, p0 = slice * kcMax, kc = Math.min(kcMax, k - p0);
                    if (q < aCount) packA(transA, a, aOff, lda, m, q * MR, p0, kc, packedA, mPanels * MR * p0 + q * MR * kc);
                    else packB(transB, b, bOff, ldb, n, (q - aCount) * NR, p0, kc, packedB, nPanels * NR * p0 + (q - aCount) * NR * kc);
                }
            });
        }
        // Blocks of MC×NCT, narrower and then shorter while the grid is too coarse to keep every thread busy to
        // the end (a block's rows stay a multiple of MR, so its A panels are whole).
        int nct = NCT;
        while (((m + MC - 1) / MC) * ((n + nct - 1) / nct) < MIN_BLOCKS && nct > 4 * NR) nct /= 2;
        int nBlocks = (n + nct - 1) / nct;
        int mc = MC;
        while (((m + mc - 1) / mc) * nBlocks < MIN_BLOCKS && mc > 2 * MR) mc = Math.max(2 * MR, (mc / 2 + MR - 1) / MR * MR);
        int rows = mc, cols = nct, mBlocks = (m + mc - 1) / mc;
        Parallel.forChunks(mBlocks * nBlocks, 1, (lo, hi) -> {
            float[] tile = EDGE_TILE.get();
            for (int t = lo; t < hi; t++) {
                int i0 = (t / nBlocks) * rows, j0 = (t % nBlocks) * cols;
                for (int slice = 0, p0 = 0; p0 < k; slice++, p0 += kcMax) {
                    int kc = Math.min(kcMax, k - p0);
                    float[] pa = aPanels != null ? aPanels[slice] : packedA;
                    float[] pb = bPanels != null ? bPanels[slice] : packedB;
                    int aAt = aPanels != null ? 0 : mPanels * MR * p0, bAt = bPanels != null ? 0 : nPanels * NR * p0;
                    block(pa, aAt, pb, bAt, kc, m, n, i0, Math.min(m, i0 + rows), j0, Math.min(n, j0 + cols),
                            p0 == 0 ? beta : 1f, c, cOff, ldc, tile);
                }
            }
        });
    }

    /** The fewest C blocks a product is cut into when its size allows: a tail of one block is short beside them. */
    private static final int MIN_BLOCKS = 8;

    /** Panels per packing task: about 16K floats, enough work per task to beat the submit cost. */
    private static int packGrain(int kc) {
        return Math.max(1, (1 << 14) / (kc * NR));
    }

    /**
     * One block of C rows [i0, i1) × columns [j0, j1) over one k slice: B micro-panels outer (held in L1), A
     * panels inner (from L2). The slice's A panels start at {@code aAt} in {@code pa}, its B panels at {@code bAt}.
     */
    private static void block(float[] pa, int aAt, float[] pb, int bAt, int kc, int m, int n, int i0, int i1, int j0, int j1,
                              float beta, float[] c, int cOff, int ldc, float[] tile) {
        for (int j = j0; j < j1; j += NR) {
            int nr = Math.min(NR, n - j);
            int bBase = bAt + (j / NR) * NR * kc;
            for (int i = i0; i < i1; i += MR) {
                int mr = Math.min(MR, m - i);
                int aBase = aAt + (i / MR) * MR * kc;
                int cIdx = cOff + i * ldc + j;
                if (mr == MR && nr == NR) {
                    MicroKernel.multiply(pa, aBase, pb, bBase, kc, c, cIdx, ldc, beta);
                } else {
                    kernelEdge(pa, aBase, pb, bBase, kc, c, cIdx, ldc, beta, mr, nr, tile);
                }
            }
        }
    }

    /** A partial tile at the bottom or right edge: full kernel into {@code tile}, then the valid part. */
    private static void kernelEdge(float[] pa, int aBase, float[] pb, int bBase, int kc,
                                   float[] c, int cIdx, int ldc, float beta, int mr, int nr, float[] tile) {
        // One or two rows (a batch-1 product): only those rows' FMAs, not the full tile's MR.
        if (mr <= MR / 4) MicroKernel.multiplyRows(pa, aBase, pb, bBase, kc, mr, tile);
        else MicroKernel.multiply(pa, aBase, pb, bBase, kc, tile, 0, NR, 0f);
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * ldc;
            for (int q = 0; q < nr; q++) {
                float v = tile[r * NR + q];
                c[row + q] = beta == 0f ? v : v + beta * c[row + q];
            }
        }
    }

    /**
     * Packs rows [i0, i0+MR) × k-columns [p0, p0+kc) of op(A) as kc groups of MR values
     * (dst[p·MR + r] = op(A)[i0+r][p0+p]); rows past m are zero.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int m, int i0, int p0, int kc,
                      float[] dst, int d) {
        int mr = Math.min(MR, m - i0);
        if (transA) {
            // op(A)[i][p] = a[p·lda + i]: MR consecutive floats per k step.
            int src = aOff + p0 * lda + i0;
            for (int p = 0; p < kc; p++, src += lda, d += MR) {
                for (int r = 0; r < mr; r++) dst[d + r] = a[src + r];
                for (int r = mr; r < MR; r++) dst[d + r] = 0f;
            }
        } else {
            // op(A)[i][p] = a[i·lda + p]: walk each row contiguously, write with stride MR.
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i0 + r) * lda + p0;
                for (int p = 0, w = d + r; p < kc; p++, w += MR) dst[w] = a[src + p];
            }
            for (int r = mr; r < MR; r++) {
                for (int p = 0, w = d + r; p < kc; p++, w += MR) dst[w] = 0f;
            }
        }
    }

    /**
     * Packs k-rows [p0, p0+kc) × columns [j0, j0+NR) of op(B) as kc groups of NR values
     * (dst[p·NR + q] = op(B)[p0+p][j0+q]); columns past n are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int n, int j0, int p0, int kc,
                      float[] dst, int d) {
        int nr = Math.min(NR, n - j0);
        if (!transB) {
            // op(B)[p][j] = b[p·ldb + j]: NR consecutive floats per k step, copied as two vectors.
            int src = bOff + p0 * ldb + j0;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + V).intoArray(dst, d + V);
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    for (int q = 0; q < nr; q++) dst[d + q] = b[src + q];
                    for (int q = nr; q < NR; q++) dst[d + q] = 0f;
                }
            }
        } else {
            // op(B)[p][j] = b[j·ldb + p]: V columns by V k steps transposed in registers (the scalar copy
            // was 18% of a 1×1 convolution's forward + backward, JFR), then the k steps and columns left
            // over one float at a time, each column's k run read contiguously.
            int p1 = 0;
            if (Transpose.VECTOR && nr == NR) {
                for (; p1 + V <= kc; p1 += V) {
                    for (int h = 0; h < NR; h += V) {
                        Transpose.block(b, bOff + (j0 + h) * ldb + p0 + p1, ldb, dst, d + p1 * NR + h, PANEL_ROWS, 0);
                    }
                }
            }
            for (int q = 0; q < nr; q++) {
                int src = bOff + (j0 + q) * ldb + p0;
                for (int p = p1, w = d + p1 * NR + q; p < kc; p++, w += NR) dst[w] = b[src + p];
            }
            for (int q = nr; q < NR; q++) {
                for (int p = 0, w = d + q; p < kc; p++, w += NR) dst[w] = 0f;
            }
        }
    }

    /** Small products: i-p-j loop with a vectorised axpy over the row of C (no packing). */
    private static void plain(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (transB) {
                    for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                } else {
                    int src = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += av * b[src + j];
                }
            }
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? row[j] : row[j] + beta * c[ci + j];
        }
    }
}
