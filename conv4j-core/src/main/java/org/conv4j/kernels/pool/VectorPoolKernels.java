package org.conv4j.kernels.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * {@link PoolKernels} on the Vector API, bitwise equal to {@link ScalarPoolKernels}: V outputs per step,
 * window cells compared (or added) in the scalar loop's order, with the same tie and NaN rules; edges,
 * short rows and strides above 2 take the scalar loops.
 */
public final class VectorPoolKernels implements PoolKernels {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    private static final ScalarPoolKernels TAIL = new ScalarPoolKernels();

    /** Lane indices 0, 2, 4, … and 1, 3, 5, … into the concatenation of two vectors: deinterleave. */
    private static final FloatVector EVEN = FloatVector.fromArray(S, lanes(0, 2), 0);
    private static final FloatVector ODD = FloatVector.fromArray(S, lanes(1, 2), 0);

    private static float[] lanes(int first, int step) {
        float[] l = new float[V];
        for (int i = 0; i < V; i++) l[i] = first + step * i;
        return l;
    }

    /** Plane-relative indices are carried in float lanes; exact up to 2^24. */
    private static final int EXACT_FLOAT_INT = 1 << 24;

    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] out, int[] argmax, int oOff, boolean relu) {
        // One output row at a time, V outputs per step: load 2V inputs of the window's top row and 2V of its
        // bottom row, split each into even and odd columns with a two-vector
        // selectFrom, take the row-wise winners, then the vertical winner. Tie order: within a row the left
        // cell wins a tie, and the top row's winner beats the bottom's on a tie, which is exactly "first
        // maximum in row-major order" of the scalar loop; NaN beats numbers, the first NaN wins.
        // The argmax is carried as a plane-relative float (exact below 2^24) so every blend stays on one
        // species; it becomes an int once, on the way out.
        if (h * w >= EXACT_FLOAT_INT) {
            TAIL.maxPool2x2(planes, h, w, x, xOff, out, argmax, oOff, relu);
            return;
        }
        // ReLU enters as data, not as a branch around vector code (which made C2 box the vectors): cells
        // below this floor become +0, and no cell is below −∞.
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int oh = h / 2, ow = w / 2, used = 2 * ow; // an odd last column is not covered (floor mode)
        // A slice loads whole vectors, reading past its row into x's next cells, and stores all V outputs:
        // those past the row's end belong to outputs of this call that come later and are written again
        // then. (Masked loads and stores cost as much as the rest of a slice together.) Where that would
        // read past x or write past this call's output range, which another thread may own, the rest of
        // the row goes through the scalar loop: only at the end of a range.
        int oEnd = oOff + planes * oh * ow, xLimit = x.length - w - 2 * V;
        for (int pl = 0; pl < planes; pl++) {
            int plane = xOff + pl * h * w, o = oOff + pl * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int top = 2 * oy * w; // plane-relative start of the window's top row
                for (int j = 0; j < used; j += 2 * V) {
                    if (plane + top + j > xLimit || o + j / 2 + V > oEnd) {
                        ScalarPoolKernels.maxPool2x2Row(x, plane + top, w, j / 2, ow, out, argmax, o, relu);
                        break;
                    }
                    poolSlice(x, plane, top + j, w, floor, out, argmax, o + j / 2);
                }
            }
        }
    }

    /**
     * V outputs of one row from the 2×(2V) inputs at plane-relative cell {@code at} (top row) and
     * {@code at + w} (bottom row), each first raised to +0 if below {@code floor}. The caller guarantees
     * that all of them lie in the arrays and may be read and written (lanes past the row's end carry
     * values that later slices overwrite). A method of its own so that C1 can compile it (the whole loop
     * nest ran out of registers there and stayed in the slow tier-2 code, which boxes every vector), and
     * so that no vector outlives one call.
     */
    private static void poolSlice(float[] x, int plane, int at, int w, float floor, float[] out, int[] argmax, int o) {
        FloatVector t0 = FloatVector.fromArray(S, x, plane + at);
        FloatVector t1 = FloatVector.fromArray(S, x, plane + at + V);
        FloatVector b0 = FloatVector.fromArray(S, x, plane + at + w);
        FloatVector b1 = FloatVector.fromArray(S, x, plane + at + w + V);
        t0 = t0.blend(0f, t0.lt(floor));
        t1 = t1.blend(0f, t1.lt(floor));
        b0 = b0.blend(0f, b0.lt(floor));
        b1 = b1.blend(0f, b1.lt(floor));
        FloatVector col = EVEN.add((float) at);
        // Top row, left vs right. "v beats best" is v > best, or v NaN and best not; written out because a
        // C2 does not inline a helper taking vectors, and then boxes them.
        FloatVector tl = EVEN.selectFrom(t0, t1), tr = ODD.selectFrom(t0, t1);
        VectorMask<Float> takeR = tr.compare(VectorOperators.GT, tl).or(tr.compare(VectorOperators.NE, tr).andNot(tl.compare(VectorOperators.NE, tl)));
        FloatVector tBest = tl.blend(tr, takeR);
        FloatVector tAt = col.blend(col.add(1f), takeR);
        // Bottom row.
        FloatVector bl = EVEN.selectFrom(b0, b1), br = ODD.selectFrom(b0, b1);
        VectorMask<Float> takeBr = br.compare(VectorOperators.GT, bl).or(br.compare(VectorOperators.NE, br).andNot(bl.compare(VectorOperators.NE, bl)));
        FloatVector bBest = bl.blend(br, takeBr);
        FloatVector bCol = col.add((float) w);
        FloatVector bAt = bCol.blend(bCol.add(1f), takeBr);
        // Top vs bottom: the top row wins a tie.
        VectorMask<Float> takeB = bBest.compare(VectorOperators.GT, tBest)
                .or(bBest.compare(VectorOperators.NE, bBest).andNot(tBest.compare(VectorOperators.NE, tBest)));
        tBest.blend(bBest, takeB).intoArray(out, o);
        IntVector idx = (IntVector) tAt.blend(bAt, takeB).convert(VectorOperators.F2I, 0);
        idx.add(plane).intoArray(argmax, o);
    }

    @Override
    public void maxPool2x2Values(int planes, int h, int w, float[] x, int xOff, float[] out, int oOff, boolean relu) {
        // maxPool2x2's loop and comparisons without the index lanes: the same winners, so the same bits.
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int oh = h / 2, ow = w / 2, used = 2 * ow;
        int oEnd = oOff + planes * oh * ow, xLimit = x.length - w - 2 * V;
        for (int pl = 0; pl < planes; pl++) {
            int plane = xOff + pl * h * w, o = oOff + pl * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int top = plane + 2 * oy * w;
                for (int j = 0; j < used; j += 2 * V) {
                    if (top + j > xLimit || o + j / 2 + V > oEnd) {
                        ScalarPoolKernels.maxPool2x2Row(x, top, w, j / 2, ow, out, null, o, relu);
                        break;
                    }
                    poolSliceValues(x, top + j, w, floor, out, o + j / 2);
                }
            }
        }
    }

    /** {@link #poolSlice}'s values: V outputs from the 2×(2V) inputs at x[at] and x[at + w]. */
    private static void poolSliceValues(float[] x, int at, int w, float floor, float[] out, int o) {
        FloatVector t0 = FloatVector.fromArray(S, x, at);
        FloatVector t1 = FloatVector.fromArray(S, x, at + V);
        FloatVector b0 = FloatVector.fromArray(S, x, at + w);
        FloatVector b1 = FloatVector.fromArray(S, x, at + w + V);
        t0 = t0.blend(0f, t0.lt(floor));
        t1 = t1.blend(0f, t1.lt(floor));
        b0 = b0.blend(0f, b0.lt(floor));
        b1 = b1.blend(0f, b1.lt(floor));
        FloatVector tl = EVEN.selectFrom(t0, t1), tr = ODD.selectFrom(t0, t1);
        VectorMask<Float> takeR = tr.compare(VectorOperators.GT, tl).or(tr.compare(VectorOperators.NE, tr).andNot(tl.compare(VectorOperators.NE, tl)));
        FloatVector tBest = tl.blend(tr, takeR);
        FloatVector bl = EVEN.selectFrom(b0, b1), br = ODD.selectFrom(b0, b1);
        VectorMask<Float> takeBr = br.compare(VectorOperators.GT, bl).or(br.compare(VectorOperators.NE, br).andNot(bl.compare(VectorOperators.NE, bl)));
        FloatVector bBest = bl.blend(br, takeBr);
        VectorMask<Float> takeB = bBest.compare(VectorOperators.GT, tBest)
                .or(bBest.compare(VectorOperators.NE, bBest).andNot(tBest.compare(VectorOperators.NE, tBest)));
        tBest.blend(bBest, takeB).intoArray(out, o);
    }

    /** Lane indices 0, 1, 2, …: the cells of V windows one apart. */
    private static final FloatVector IOTA = FloatVector.fromArray(S, lanes(0, 1), 0);

    @Override
    public void maxPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float floor,
                            float[] best, float[] at) {
        // V outputs per step. Stride 1 loads V cells per window column, stride 2 loads 2V and keeps the even
        // ones; the cells of window column kx are compared with the best so far in kx order, so the leftmost
        // maximum wins as in the scalar loop. A step covers the row's edges too, as if the row went on into
        // the cells around it; the scalar loop then rewrites the outputs whose windows cross an edge (the
        // rows of a 3×3/2/1 pool on 32 columns have 15 inside windows, too few to fill 16 lanes otherwise).
        // A row shorter than V and strides above 2 take the scalar loop.
        if (stride > 2 || ow < V || h * w >= EXACT_FLOAT_INT) {
            TAIL.maxPoolRows(h, w, k, stride, pad, ow, x, xOff, floor, best, at);
            return;
        }
        int inLo = Math.min(ow, (pad + stride - 1) / stride);
        int inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - k + pad, stride) + 1));
        int reach = k - 1 + stride * V;   // cells a step loads from its first window's first cell
        for (int r = 0; r < h; r++) {
            // The last step may overlap the one before it and write some outputs twice, with the same values.
            for (int ox = 0; ox < ow; ox += V) {
                int first = Math.min(ox, ow - V), c = first * stride - pad, from = xOff + r * w + c;
                if (from < 0 || from + reach > x.length) {
                    ScalarPoolKernels.maxPoolRowSpan(r, w, k, stride, pad, first, first + V, ow, x, xOff, floor, best, at);
                } else if (stride == 1) {
                    rowStep1(x, xOff, r * w + c, k, floor, best, at, r * ow + first);
                } else {
                    rowStep2(x, xOff, r * w + c, k, floor, best, at, r * ow + first);
                }
            }
            ScalarPoolKernels.maxPoolRowSpan(r, w, k, stride, pad, 0, inLo, ow, x, xOff, floor, best, at);
            ScalarPoolKernels.maxPoolRowSpan(r, w, k, stride, pad, inHi, ow, ow, x, xOff, floor, best, at);
        }
    }

    /**
     * V windows of stride 1 whose first cells are at plane-relative cell {@code cell} onwards. Stride 1 and 2
     * are separate methods with no vector crossing a branch (which made C2 box them).
     */
    private static void rowStep1(float[] x, int xOff, int cell, int k, float floor, float[] best, float[] at, int o) {
        FloatVector b = FloatVector.fromArray(S, x, xOff + cell);
        b = b.blend(0f, b.lt(floor));
        FloatVector col = IOTA.add((float) cell), a = col;
        for (int kx = 1; kx < k; kx++) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + cell + kx);
            v = v.blend(0f, v.lt(floor));
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(col.add((float) kx), take);
        }
        b.intoArray(best, o);
        a.intoArray(at, o);
    }

    /** {@link #rowStep1} for stride 2: each window column's V cells are the even lanes of 2V loaded. */
    private static void rowStep2(float[] x, int xOff, int cell, int k, float floor, float[] best, float[] at, int o) {
        FloatVector b = EVEN.selectFrom(FloatVector.fromArray(S, x, xOff + cell), FloatVector.fromArray(S, x, xOff + cell + V));
        b = b.blend(0f, b.lt(floor));
        FloatVector col = EVEN.add((float) cell), a = col;
        for (int kx = 1; kx < k; kx++) {
            int c = xOff + cell + kx;
            FloatVector v = EVEN.selectFrom(FloatVector.fromArray(S, x, c), FloatVector.fromArray(S, x, c + V));
            v = v.blend(0f, v.lt(floor));
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(col.add((float) kx), take);
        }
        b.intoArray(best, o);
        a.intoArray(at, o);
    }

    @Override
    public void maxPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] best, float[] at,
                               float[] out, int[] argmax, int oOff, int atBase) {
        // V output columns per step, rows compared top to bottom so that the topmost maximum wins; a row
        // shorter than V takes the scalar loop, a longer one ends with a step overlapping the one before.
        if (ow < V) {
            TAIL.maxPoolColumns(h, k, stride, pad, oh, ow, best, at, out, argmax, oOff, atBase);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            for (int ox = 0; ox < ow; ox += V) {
                columnStep(best, at, r0, r1, ow, Math.min(ox, ow - V), out, argmax, oOff + oy * ow, atBase);
            }
        }
    }

    /** Output columns ox..ox+V-1 of the output row at out[o]: the maximum over rows r0..r1-1. */
    private static void columnStep(float[] best, float[] at, int r0, int r1, int ow, int ox, float[] out, int[] argmax,
                                   int o, int atBase) {
        FloatVector b = FloatVector.fromArray(S, best, r0 * ow + ox);
        FloatVector a = FloatVector.fromArray(S, at, r0 * ow + ox);
        for (int r = r0 + 1; r < r1; r++) {
            FloatVector v = FloatVector.fromArray(S, best, r * ow + ox);
            VectorMask<Float> take = v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v).andNot(b.compare(VectorOperators.NE, b)));
            b = b.blend(v, take);
            a = a.blend(FloatVector.fromArray(S, at, r * ow + ox), take);
        }
        b.intoArray(out, o + ox);
        ((IntVector) a.convert(VectorOperators.F2I, 0)).add(atBase).intoArray(argmax, o + ox);
    }

    @Override
    public void avgPoolRows(int h, int w, int k, int stride, int pad, int ow, float[] x, int xOff, float[] sums) {
        // As maxPoolRows: whole steps across the row's edges, then the scalar loop rewrites the edge windows.
        if (stride > 2 || ow < V) {
            TAIL.avgPoolRows(h, w, k, stride, pad, ow, x, xOff, sums);
            return;
        }
        int inLo = Math.min(ow, (pad + stride - 1) / stride);
        int inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - k + pad, stride) + 1));
        int reach = k - 1 + stride * V;
        for (int r = 0; r < h; r++) {
            for (int ox = 0; ox < ow; ox += V) {
                int first = Math.min(ox, ow - V), c = first * stride - pad, from = xOff + r * w + c;
                if (from < 0 || from + reach > x.length) {
                    ScalarPoolKernels.avgPoolRowSpan(r, w, k, stride, pad, first, first + V, ow, x, xOff, sums);
                } else if (stride == 1) {
                    avgRowStep1(x, from, k, sums, r * ow + first);
                } else {
                    avgRowStep2(x, from, k, sums, r * ow + first);
                }
            }
            ScalarPoolKernels.avgPoolRowSpan(r, w, k, stride, pad, 0, inLo, ow, x, xOff, sums);
            ScalarPoolKernels.avgPoolRowSpan(r, w, k, stride, pad, inHi, ow, ow, x, xOff, sums);
        }
    }

    /** V window sums of stride 1, the first window's first cell at x[from]; added left to right from +0. */
    private static void avgRowStep1(float[] x, int from, int k, float[] sums, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = 0; kx < k; kx++) s = s.add(FloatVector.fromArray(S, x, from + kx));
        s.intoArray(sums, o);
    }

    /** {@link #avgRowStep1} for stride 2: each window column's V cells are the even lanes of 2V loaded. */
    private static void avgRowStep2(float[] x, int from, int k, float[] sums, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = 0; kx < k; kx++) {
            s = s.add(EVEN.selectFrom(FloatVector.fromArray(S, x, from + kx), FloatVector.fromArray(S, x, from + kx + V)));
        }
        s.intoArray(sums, o);
    }

    @Override
    public void avgPoolColumns(int h, int k, int stride, int pad, int oh, int ow, float[] sums, float[] rowDiv,
                               float[] colDiv, float[] out, int oOff) {
        if (ow < V) {
            TAIL.avgPoolColumns(h, k, stride, pad, oh, ow, sums, rowDiv, colDiv, out, oOff);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            // The last step may overlap the one before it: the outputs it writes twice get the same values.
            for (int ox = 0; ox < ow; ox += V) avgColumnStep(sums, r0, r1, ow, Math.min(ox, ow - V), rowDiv[oy], colDiv, out, oOff + oy * ow);
        }
    }

    private static void avgColumnStep(float[] sums, int r0, int r1, int ow, int ox, float rowDiv, float[] colDiv, float[] out, int o) {
        FloatVector s = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) s = s.add(FloatVector.fromArray(S, sums, r * ow + ox));
        s.div(FloatVector.fromArray(S, colDiv, ox).mul(rowDiv)).intoArray(out, o + ox);
    }

    @Override
    public void avgPoolColumnsBackward(int h, int k, int stride, int pad, int oh, int ow, float[] dOut, int oOff,
                                       float[] rowDiv, float[] colDiv, float[] dSums) {
        // Whole steps only (an overlapping one would add twice); the columns past the last take the scalar loop.
        java.util.Arrays.fill(dSums, 0, h * ow, 0f);
        int whole = ow - ow % V;
        for (int oy = 0; oy < oh; oy++) {
            int r0 = Math.max(oy * stride - pad, 0), r1 = Math.min(oy * stride - pad + k, h);
            for (int ox = 0; ox < whole; ox += V) avgColumnBackwardStep(dOut, oOff + oy * ow + ox, r0, r1, ow, ox, rowDiv[oy], colDiv, dSums);
            ScalarPoolKernels.avgPoolColumnBackwardSpan(h, k, stride, pad, oy, whole, ow, ow, dOut, oOff, rowDiv, colDiv, dSums);
        }
    }

    private static void avgColumnBackwardStep(float[] dOut, int o, int r0, int r1, int ow, int ox, float rowDiv, float[] colDiv, float[] dSums) {
        FloatVector d = FloatVector.fromArray(S, dOut, o).div(FloatVector.fromArray(S, colDiv, ox).mul(rowDiv));
        for (int r = r0; r < r1; r++) FloatVector.fromArray(S, dSums, r * ow + ox).add(d).intoArray(dSums, r * ow + ox);
    }

    /** Per thread: one row of {@link #avgPoolRowsBackward}'s window gradients, spread out and zero-padded. */
    private static final ThreadLocal<float[]> LINE = ThreadLocal.withInitial(() -> new float[0]);

    /** Lanes 0, z, 1, z, 2, z, … and V/2, z, V/2 + 1, z, …, z picking a zero lane: spread V values over 2V. */
    private static final FloatVector SPREAD_LO = FloatVector.fromArray(S, spread(0), 0);
    private static final FloatVector SPREAD_HI = FloatVector.fromArray(S, spread(V / 2), 0);

    private static float[] spread(int first) {
        float[] l = new float[V];
        for (int i = 0; i < V; i++) l[i] = i % 2 == 0 ? first + i / 2 : V;
        return l;
    }

    @Override
    public void avgPoolRowsBackward(int h, int w, int k, int stride, int pad, int ow, float[] dSums, float[] dX, int xOff) {
        // Gathered, not scattered: a row's window gradients are laid out at their windows' first cells in a
        // zero-padded line (u[ox] at z + stride·ox), and cell c sums line[z + c + pad − kx] for kx from k − 1
        // down to 0, i.e. its windows in increasing ox, the scalar loop's order. The zeros it adds where no
        // window starts change no bits, as a sum begun at +0 is never −0. (Adding each window column into
        // the row in place would stall on every overlapping store and load.)
        if (stride > 2 || w < V) {
            TAIL.avgPoolRowsBackward(h, w, k, stride, pad, ow, dSums, dX, xOff);
            return;
        }
        int z = k - 1, len = z + Math.max(stride * ow, w + pad) + 2 * V, whole = ow - ow % V;
        float[] line = LINE.get();
        if (line.length < len) LINE.set(line = new float[len]);
        java.util.Arrays.fill(line, 0, len, 0f);
        for (int r = 0; r < h; r++) {
            int row = r * ow;
            if (stride == 1) {
                System.arraycopy(dSums, row, line, z, ow);
            } else {
                for (int ox = 0; ox < whole; ox += V) spreadStep(dSums, row + ox, line, z + 2 * ox);
                for (int ox = whole; ox < ow; ox++) line[z + 2 * ox] = dSums[row + ox];
            }
            // The last step may overlap the one before it and write some cells twice, with the same values.
            for (int c = 0; c < w; c += V) {
                int first = Math.min(c, w - V);
                gatherStep(line, z + first + pad, k, dX, xOff + r * w + first);
            }
        }
    }

    /** V window gradients from dSums[from] to every other cell of line from {@code at}, zeros between. */
    private static void spreadStep(float[] dSums, int from, float[] line, int at) {
        FloatVector u = FloatVector.fromArray(S, dSums, from), zero = FloatVector.zero(S);
        SPREAD_LO.selectFrom(u, zero).intoArray(line, at);
        SPREAD_HI.selectFrom(u, zero).intoArray(line, at + V);
    }

    /** dX[to …] = 0 + line[at − k + 1 …] + … + line[at …]: V cells' windows, left to right. */
    private static void gatherStep(float[] line, int at, int k, float[] dX, int to) {
        FloatVector s = FloatVector.zero(S);
        for (int kx = k - 1; kx >= 0; kx--) s = s.add(FloatVector.fromArray(S, line, at - kx));
        s.intoArray(dX, to);
    }

    @Override
    public String name() { return "vector-" + S.vectorBitSize() + "bit"; }
}
