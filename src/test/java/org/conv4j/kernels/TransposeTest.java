package org.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** The register transpose against its scalar definition, and the GEMM's transposed-B packing that uses it. */
class TransposeTest {
    private static final int V = Transpose.V;

    /** Every block moves each float to its place and writes nothing else (NaN-filled dst around it). */
    @Test
    void blockIsItsScalarDefinition() {
        assumeTrue(Transpose.VECTOR, "no register transpose for " + V + " lanes");
        Rng rng = new Rng(3);
        for (int stride : new int[] {V, V + 1, 3 * V + 5, 207}) {
            for (int from : new int[] {0, 1, 13}) {
                float[] src = new float[from + (V - 1) * stride + V + 7];
                for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat() - 0.5f;
                // Columns land at scattered offsets (as pixels crossing an image row do), read from an
                // offset into the table.
                int at = 3, base = 5;
                int[] to = new int[at + V];
                for (int i = 0, o = 2; i < V; i++, o += V + (i % 3) * 7) to[at + i] = o;
                int size = base + to[at + V - 1] + V + 9;
                float[] fast = new float[size], slow = new float[size];
                java.util.Arrays.fill(fast, Float.NaN);
                java.util.Arrays.fill(slow, Float.NaN);
                Transpose.block(src, from, stride, fast, base, to, at);
                Transpose.reference(src, from, stride, slow, base, to, at);
                assertArrayEquals(slow, fast, "stride " + stride + ", from " + from);
                // The definition itself: column i of the block is row i of the result.
                assertEquals(src[from + 2 * stride + 1], slow[base + to[at + 1] + 2]);
            }
        }
    }

    /** op(B) = Bᵀ packed for the micro-kernel: vector blocks, the k steps left over and partial panels. */
    @Test
    void transposedPanelsMatchTheScalarPacking() {
        int nr = VectorGemm.NR;
        Rng rng = new Rng(4);
        for (int kc : new int[] {1, V - 1, V, V + 3, 5 * V + 7}) {
            for (int n : new int[] {nr, nr + 5, 2 * nr, 3}) {
                int ldb = kc + 11, p0 = 2;
                float[] b = new float[n * ldb + p0 + kc];
                for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat();
                for (int j0 = 0; j0 < n; j0 += nr) {
                    float[] dst = new float[kc * nr];
                    java.util.Arrays.fill(dst, Float.NaN);
                    VectorGemm.packB(true, b, 1, ldb, n, j0, p0, kc, dst, 0);
                    for (int p = 0; p < kc; p++) {
                        for (int q = 0; q < nr; q++) {
                            float want = j0 + q < n ? b[1 + (j0 + q) * ldb + p0 + p] : 0f;
                            assertEquals(want, dst[p * nr + q], "kc " + kc + ", n " + n + ", k step " + p + ", column " + (j0 + q));
                        }
                    }
                }
            }
        }
    }
}
