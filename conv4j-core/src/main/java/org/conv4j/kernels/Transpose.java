package org.conv4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * V × V blocks of floats transposed in vector registers (V = {@link Lanes#COUNT}): V rows, one
 * vector load each, come out as V columns, one vector store each. For products that read an operand
 * across its layout: the GEMM's packing of a transposed B and the convolutions' channels-last copies,
 * where a scalar copy moves one float per load and store and this one a whole vector.
 *
 * <p>log₂ V stages; stage b pairs the rows whose indexes differ in bit b only and swaps bit b of the
 * row index with bit b of the lane index, one two-source permutation per output row ({@code selectFrom},
 * vpermt2ps on AVX-512): V·log₂ V permutations per block. {@link #VECTOR} is false for other than 8 or 16
 * lanes, where callers keep their scalar loops; {@link #reference} is the scalar definition the tests
 * hold this to.
 */
public final class Transpose {
    static final VectorSpecies<Float> S = Lanes.SPECIES;
    /** Floats per block side. */
    public static final int V = S.length();
    /** True when {@link #block} is written for this many lanes (8 with AVX2, 16 with AVX-512). */
    public static final boolean VECTOR = V == 8 || V == 16;

    // Permutation indexes of stage b (absent stages unused): lane l of the pair's first output takes
    // lane l of the first row if bit b of l is clear, else lane l ^ 2^b of the second; the second output
    // takes lane l | 2^b of the first row if bit b is clear, else lane l of the second.
    private static final FloatVector LOW0 = stage(0, true), HIGH0 = stage(0, false);
    private static final FloatVector LOW1 = stage(1, true), HIGH1 = stage(1, false);
    private static final FloatVector LOW2 = stage(2, true), HIGH2 = stage(2, false);
    private static final FloatVector LOW3 = stage(3, true), HIGH3 = stage(3, false);

    private Transpose() {}

    private static FloatVector stage(int b, boolean low) {
        float[] index = new float[V];
        int bit = 1 << b;
        for (int l = 0; l < V && bit < V; l++) {
            boolean set = (l & bit) != 0;
            index[l] = low ? (set ? V + (l ^ bit) : l) : (set ? V + l : l | bit);
        }
        return FloatVector.fromArray(S, index, 0);
    }

    /**
     * dst[base + to[at + i] + j] = src[from + j·stride + i] for i, j &lt; V: row j of the block is V
     * consecutive floats of src, column i lands at its own offset in dst. Requires {@link #VECTOR}.
     *
     * @param src    the source
     * @param from   index of the block's first row in src
     * @param stride distance between the block's rows in src
     * @param dst    the destination
     * @param base   offset added to every destination offset
     * @param to     destination offsets of the V columns, at to[at] .. to[at + V − 1]
     * @param at     index of the first column's offset in {@code to}
     * @throws IllegalStateException if V is neither 8 nor 16
     */
    public static void block(float[] src, int from, int stride, float[] dst, int base, int[] to, int at) {
        if (V == 16) block16(src, from, stride, dst, base, to, at);
        else if (V == 8) block8(src, from, stride, dst, base, to, at);
        else throw new IllegalStateException("no vector transpose for " + V + " lanes");
    }

    /**
     * {@link #block}'s scalar definition, for any V.
     *
     * @param src    the source
     * @param from   index of the block's first row in src
     * @param stride distance between the block's rows in src
     * @param dst    the destination
     * @param base   offset added to every destination offset
     * @param to     destination offsets of the V columns, at to[at] .. to[at + V − 1]
     * @param at     index of the first column's offset in {@code to}
     */
    public static void reference(float[] src, int from, int stride, float[] dst, int base, int[] to, int at) {
        for (int i = 0; i < V; i++) {
            for (int j = 0; j < V; j++) dst[base + to[at + i] + j] = src[from + j * stride + i];
        }
    }

    private static void block16(float[] src, int from, int stride, float[] dst, int base, int[] to, int at) {
        FloatVector r0 = FloatVector.fromArray(S, src, from), r1 = FloatVector.fromArray(S, src, from + 1 * stride);
        FloatVector r2 = FloatVector.fromArray(S, src, from + 2 * stride), r3 = FloatVector.fromArray(S, src, from + 3 * stride);
        FloatVector r4 = FloatVector.fromArray(S, src, from + 4 * stride), r5 = FloatVector.fromArray(S, src, from + 5 * stride);
        FloatVector r6 = FloatVector.fromArray(S, src, from + 6 * stride), r7 = FloatVector.fromArray(S, src, from + 7 * stride);
        FloatVector r8 = FloatVector.fromArray(S, src, from + 8 * stride), r9 = FloatVector.fromArray(S, src, from + 9 * stride);
        FloatVector r10 = FloatVector.fromArray(S, src, from + 10 * stride), r11 = FloatVector.fromArray(S, src, from + 11 * stride);
        FloatVector r12 = FloatVector.fromArray(S, src, from + 12 * stride), r13 = FloatVector.fromArray(S, src, from + 13 * stride);
        FloatVector r14 = FloatVector.fromArray(S, src, from + 14 * stride), r15 = FloatVector.fromArray(S, src, from + 15 * stride);
        FloatVector t, lo, hi;
        // Rows i and i + 1 (bit 0 of i clear) exchange bit 0 of the row and lane indexes.
        lo = LOW0;
        hi = HIGH0;
        t = r0; r0 = lo.selectFrom(t, r1); r1 = hi.selectFrom(t, r1);
        t = r2; r2 = lo.selectFrom(t, r3); r3 = hi.selectFrom(t, r3);
        t = r4; r4 = lo.selectFrom(t, r5); r5 = hi.selectFrom(t, r5);
        t = r6; r6 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        t = r8; r8 = lo.selectFrom(t, r9); r9 = hi.selectFrom(t, r9);
        t = r10; r10 = lo.selectFrom(t, r11); r11 = hi.selectFrom(t, r11);
        t = r12; r12 = lo.selectFrom(t, r13); r13 = hi.selectFrom(t, r13);
        t = r14; r14 = lo.selectFrom(t, r15); r15 = hi.selectFrom(t, r15);
        // Rows i and i + 2 (bit 1 of i clear) exchange bit 1 of the row and lane indexes.
        lo = LOW1;
        hi = HIGH1;
        t = r0; r0 = lo.selectFrom(t, r2); r2 = hi.selectFrom(t, r2);
        t = r1; r1 = lo.selectFrom(t, r3); r3 = hi.selectFrom(t, r3);
        t = r4; r4 = lo.selectFrom(t, r6); r6 = hi.selectFrom(t, r6);
        t = r5; r5 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        t = r8; r8 = lo.selectFrom(t, r10); r10 = hi.selectFrom(t, r10);
        t = r9; r9 = lo.selectFrom(t, r11); r11 = hi.selectFrom(t, r11);
        t = r12; r12 = lo.selectFrom(t, r14); r14 = hi.selectFrom(t, r14);
        t = r13; r13 = lo.selectFrom(t, r15); r15 = hi.selectFrom(t, r15);
        // Rows i and i + 4 (bit 2 of i clear) exchange bit 2 of the row and lane indexes.
        lo = LOW2;
        hi = HIGH2;
        t = r0; r0 = lo.selectFrom(t, r4); r4 = hi.selectFrom(t, r4);
        t = r1; r1 = lo.selectFrom(t, r5); r5 = hi.selectFrom(t, r5);
        t = r2; r2 = lo.selectFrom(t, r6); r6 = hi.selectFrom(t, r6);
        t = r3; r3 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        t = r8; r8 = lo.selectFrom(t, r12); r12 = hi.selectFrom(t, r12);
        t = r9; r9 = lo.selectFrom(t, r13); r13 = hi.selectFrom(t, r13);
        t = r10; r10 = lo.selectFrom(t, r14); r14 = hi.selectFrom(t, r14);
        t = r11; r11 = lo.selectFrom(t, r15); r15 = hi.selectFrom(t, r15);
        // Rows i and i + 8 (bit 3 of i clear) exchange bit 3 of the row and lane indexes.
        lo = LOW3;
        hi = HIGH3;
        t = r0; r0 = lo.selectFrom(t, r8); r8 = hi.selectFrom(t, r8);
        t = r1; r1 = lo.selectFrom(t, r9); r9 = hi.selectFrom(t, r9);
        t = r2; r2 = lo.selectFrom(t, r10); r10 = hi.selectFrom(t, r10);
        t = r3; r3 = lo.selectFrom(t, r11); r11 = hi.selectFrom(t, r11);
        t = r4; r4 = lo.selectFrom(t, r12); r12 = hi.selectFrom(t, r12);
        t = r5; r5 = lo.selectFrom(t, r13); r13 = hi.selectFrom(t, r13);
        t = r6; r6 = lo.selectFrom(t, r14); r14 = hi.selectFrom(t, r14);
        t = r7; r7 = lo.selectFrom(t, r15); r15 = hi.selectFrom(t, r15);
        r0.intoArray(dst, base + to[at]); r1.intoArray(dst, base + to[at + 1]); r2.intoArray(dst, base + to[at + 2]); r3.intoArray(dst, base + to[at + 3]);
        r4.intoArray(dst, base + to[at + 4]); r5.intoArray(dst, base + to[at + 5]); r6.intoArray(dst, base + to[at + 6]); r7.intoArray(dst, base + to[at + 7]);
        r8.intoArray(dst, base + to[at + 8]); r9.intoArray(dst, base + to[at + 9]); r10.intoArray(dst, base + to[at + 10]); r11.intoArray(dst, base + to[at + 11]);
        r12.intoArray(dst, base + to[at + 12]); r13.intoArray(dst, base + to[at + 13]); r14.intoArray(dst, base + to[at + 14]); r15.intoArray(dst, base + to[at + 15]);
    }

    private static void block8(float[] src, int from, int stride, float[] dst, int base, int[] to, int at) {
        FloatVector r0 = FloatVector.fromArray(S, src, from), r1 = FloatVector.fromArray(S, src, from + 1 * stride);
        FloatVector r2 = FloatVector.fromArray(S, src, from + 2 * stride), r3 = FloatVector.fromArray(S, src, from + 3 * stride);
        FloatVector r4 = FloatVector.fromArray(S, src, from + 4 * stride), r5 = FloatVector.fromArray(S, src, from + 5 * stride);
        FloatVector r6 = FloatVector.fromArray(S, src, from + 6 * stride), r7 = FloatVector.fromArray(S, src, from + 7 * stride);
        FloatVector t, lo, hi;
        // Rows i and i + 1 (bit 0 of i clear) exchange bit 0 of the row and lane indexes.
        lo = LOW0;
        hi = HIGH0;
        t = r0; r0 = lo.selectFrom(t, r1); r1 = hi.selectFrom(t, r1);
        t = r2; r2 = lo.selectFrom(t, r3); r3 = hi.selectFrom(t, r3);
        t = r4; r4 = lo.selectFrom(t, r5); r5 = hi.selectFrom(t, r5);
        t = r6; r6 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        // Rows i and i + 2 (bit 1 of i clear) exchange bit 1 of the row and lane indexes.
        lo = LOW1;
        hi = HIGH1;
        t = r0; r0 = lo.selectFrom(t, r2); r2 = hi.selectFrom(t, r2);
        t = r1; r1 = lo.selectFrom(t, r3); r3 = hi.selectFrom(t, r3);
        t = r4; r4 = lo.selectFrom(t, r6); r6 = hi.selectFrom(t, r6);
        t = r5; r5 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        // Rows i and i + 4 (bit 2 of i clear) exchange bit 2 of the row and lane indexes.
        lo = LOW2;
        hi = HIGH2;
        t = r0; r0 = lo.selectFrom(t, r4); r4 = hi.selectFrom(t, r4);
        t = r1; r1 = lo.selectFrom(t, r5); r5 = hi.selectFrom(t, r5);
        t = r2; r2 = lo.selectFrom(t, r6); r6 = hi.selectFrom(t, r6);
        t = r3; r3 = lo.selectFrom(t, r7); r7 = hi.selectFrom(t, r7);
        r0.intoArray(dst, base + to[at]); r1.intoArray(dst, base + to[at + 1]); r2.intoArray(dst, base + to[at + 2]); r3.intoArray(dst, base + to[at + 3]);
        r4.intoArray(dst, base + to[at + 4]); r5.intoArray(dst, base + to[at + 5]); r6.intoArray(dst, base + to[at + 6]); r7.intoArray(dst, base + to[at + 7]);
    }
}
