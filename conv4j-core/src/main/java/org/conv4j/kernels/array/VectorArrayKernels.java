package org.conv4j.kernels.array;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link ArrayKernels} on the Vector API. Every loop has the same shape: a vector body up to
 * {@code S.loopBound(n)}, then a scalar tail doing exactly what {@link ScalarArrayKernels} does. axpy and
 * scaleShift use the same operations as the scalar reference, so they agree bit for bit; the ordered sums
 * follow {@link OrderedSum}'s written-down order, so they agree bit for bit too; the plain sums (sum, dot,
 * squared deviation) keep two vector accumulators and differ only by summation order, which is fixed: the
 * same inputs give the same bits whether the code runs interpreted, under C1 or under C2.
 */
public final class VectorArrayKernels implements ArrayKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    private static final ScalarArrayKernels TAIL = new ScalarArrayKernels();

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += V) {
            a.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        TAIL.axpy(n - i, alpha, x, xOff + i, y, yOff + i);
    }

    @Override
    public void scaleShift(int n, float[] x, int xOff, float scale, float shift, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector.fromArray(S, x, xOff + i).fma(scale, shift).intoArray(y, yOff + i);
        }
        TAIL.scaleShift(n - i, x, xOff + i, scale, shift, y, yOff + i);
    }

    @Override
    public void clamp(int n, float lo, float hi, float[] x, int xOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            // Blends on the two comparisons (false for NaN), not min/max, which would turn NaN and −0 around.
            v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi)).intoArray(y, yOff + i);
        }
        TAIL.clamp(n - i, lo, hi, x, xOff + i, y, yOff + i);
    }

    @Override
    public int multiplyAbove(int n, float t, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        int i = 0, bound = S.loopBound(n), notAbove = 0;
        for (; i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, a, aOff + i);
            VectorMask<Float> above = v.compare(VectorOperators.GT, t);   // false for NaN
            v.blend(v.mul(FloatVector.fromArray(S, b, bOff + i)), above).intoArray(y, yOff + i);
            notAbove += V - above.trueCount();
        }
        return notAbove + TAIL.multiplyAbove(n - i, t, a, aOff + i, b, bOff + i, y, yOff + i);
    }

    @Override
    public double sum(int n, float[] x, int xOff) {
        // Float lanes over blocks of 4096 values, each block's total added in double: float error stays
        // bounded by the block length, not n.
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = s0.add(FloatVector.fromArray(S, x, at + i));
                s1 = s1.add(FloatVector.fromArray(S, x, at + i + V));
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.sum(len - i, x, at + i);
        }
        return total;
    }

    private static final int BLOCK = 4096;

    /**
     * The lanes of v summed one by one in lane order, in double. Not reduceLanes: its order differs between
     * the C2 intrinsic and the interpreter/C1 fallback, so the same computation would round differently
     * before and after JIT warm-up.
     */
    private static double lanesInOrder(FloatVector v) {
        float[] lanes = new float[V];
        v.intoArray(lanes, 0);
        double t = 0;
        for (float x : lanes) t += x;
        return t;
    }

    /** OrderedSum's eight running sums are the lanes of one 256-bit vector: element q goes to lane q mod 8. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    /**
     * Four rows at a time, each row's eight running sums the lanes of a 256-bit vector added in the
     * scalar order (so the bits are OrderedSum's), four independent chains of vector adds where the scalar
     * sum is one row's eight scalar chains.
     * Rows left over, and vectors narrower than 256 bits, take the scalar reference.
     */
    @Override
    public void addOrderedSums(int rows, int n, float[] x, int xOff, int stride, float[] dst, int dstOff) {
        int r = 0, bound = n & ~7;
        if (S.vectorBitSize() >= 256) {
            for (; r + 4 <= rows; r += 4) {
                int a0 = xOff + r * stride, a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride;
                FloatVector s0 = FloatVector.zero(S8), s1 = s0, s2 = s0, s3 = s0;
                for (int q = 0; q < bound; q += 8) {
                    s0 = s0.add(FloatVector.fromArray(S8, x, a0 + q));
                    s1 = s1.add(FloatVector.fromArray(S8, x, a1 + q));
                    s2 = s2.add(FloatVector.fromArray(S8, x, a2 + q));
                    s3 = s3.add(FloatVector.fromArray(S8, x, a3 + q));
                }
                dst[dstOff + r] += finishOrderedSum(s0, x, a0 + bound, n - bound);
                dst[dstOff + r + 1] += finishOrderedSum(s1, x, a1 + bound, n - bound);
                dst[dstOff + r + 2] += finishOrderedSum(s2, x, a2 + bound, n - bound);
                dst[dstOff + r + 3] += finishOrderedSum(s3, x, a3 + bound, n - bound);
            }
        }
        TAIL.addOrderedSums(rows - r, n, x, xOff + r * stride, stride, dst, dstOff + r);
    }

    /** OrderedSum's ending: the tail into the first running sum, then the eight combined pairwise. */
    private static float finishOrderedSum(FloatVector sums, float[] x, int tail, int count) {
        float s0 = sums.lane(0);
        for (int i = 0; i < count; i++) s0 += x[tail + i];
        return ((s0 + sums.lane(1)) + (sums.lane(2) + sums.lane(3))) + ((sums.lane(4) + sums.lane(5)) + (sums.lane(6) + sums.lane(7)));
    }

    @Override
    public double sumSquaredDeviation(int n, float[] x, int xOff, float mean) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start), at = xOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                FloatVector d0 = FloatVector.fromArray(S, x, at + i).sub(mean);
                FloatVector d1 = FloatVector.fromArray(S, x, at + i + V).sub(mean);
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.sumSquaredDeviation(len - i, x, at + i, mean);
        }
        return total;
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            int xa = xOff + start, ya = yOff + start;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            int i = 0, bound = len - len % (2 * V);
            for (; i < bound; i += 2 * V) {
                s0 = FloatVector.fromArray(S, x, xa + i).fma(FloatVector.fromArray(S, y, ya + i), s0);
                s1 = FloatVector.fromArray(S, x, xa + i + V).fma(FloatVector.fromArray(S, y, ya + i + V), s1);
            }
            total += lanesInOrder(s0.add(s1));
            total += TAIL.dot(len - i, x, xa + i, y, ya + i);
        }
        return total;
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
