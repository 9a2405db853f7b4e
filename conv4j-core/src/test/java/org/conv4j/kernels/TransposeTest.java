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
}
