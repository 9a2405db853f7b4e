package org.conv4j.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;
import org.conv4j.kernels.Parallel;
import org.conv4j.tensor.WindowGeometry;

/**
 * The depthwise convolution (groups = C = F: MobileNet's and EfficientNet's 3×3 and 5×5 layers) with output
 * positions in the vector lanes. As one GEMM per channel (im2col) it is a 1-row product, all packing and
 * padding rows; here each output row is V positions at a time, one FMA per tap.
 *
 * <p>Per (image, channel) task the channel is zero-padded into {@code sW} phase planes of {@code Hp} rows:
 * phase b holds the padded columns b, b + sW, b + 2sW, … of each row, so output column ow's tap at padded
 * column ow·sW + jd (jd = j·dilW) is column ow + jd / sW of phase jd mod sW, and V neighbouring outputs
 * read V consecutive floats. Rows need no phases: output row oh reads padded row oh·sH + i·dilH. The phase
 * rows are wide enough that the last vector of a row reads zeros, never the next row's pixels; its extra
 * lanes are stored over the next output row's start and rewritten by it (see {@code channel}).
 *
 * <p>Every output is {@link ScalarDepthwiseConv}'s operations (a chain of FMAs from zero over the taps in
 * (i, j) order, then the bias), so the two agree bit for bit. Tasks are (image, channel) pairs, independent
 * of the thread count.
 */
final class VectorDepthwiseConv {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();

    private VectorDepthwiseConv() {}

    /**
     * out = conv(x, w) + b.
     *
     * @param x   [N, C, H, W]
     * @param w   [C, 1, KH, KW]
     * @param b   [C], or null
     * @param out [N, C, OH, OW], overwritten
     */
    static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out,
                        Workspace ws) {
        ConvKernels.requireDepthwise(c);
        int channels = c.inChannels(), inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW();
        int kH = g.kH(), kW = g.kW(), sH = g.strideH(), sW = g.strideW(), dH = g.dilationH(), dW = g.dilationW();
        int hp = g.padTop() + inH + g.padBottom();
        // Padded rows reach at least as far as any output reads: (OH − 1)·sH + effective KH.
        int rows = Math.max(hp, (outH - 1) * sH + g.effectiveKH());
        // Phase width: every padded column, and the furthest read, ow + jd / sW over the last vector of a row.
        int wp = g.padLeft() + inW + g.padRight();
        int pitch = Math.max((wp + sW - 1) / sW, roundUp(outW, V) + (g.effectiveKW() - 1) / sW);
        int phaseSize = rows * pitch;
        int tasks = n * channels, taps = kH * kW;
        // Where tap (i, j) reads, relative to the output row's first padded row and the vector's first column:
        // worked out once, not with a division per tap and vector.
        int[] tapAt = new int[taps];
        for (int i = 0; i < kH; i++) {
            for (int j = 0; j < kW; j++) {
                int jd = j * dW;
                tapAt[i * kW + j] = (jd % sW) * phaseSize + i * dH * pitch + jd / sW;
            }
        }
        // About 16K outputs per chunk, but at least eight chunks per thread where there are enough planes: at
        // batch 1 the last chunk is what the other thread waits for.
        int grain = Math.max(1, Math.min(Math.max(1, (1 << 14) / Math.max(1, outH * outW)), tasks / (8 * Parallel.threads())));
        Parallel.forChunks(tasks, grain, (lo, hi) -> {
            float[] xp = ws.take(sW * phaseSize), rowOut = ws.take(V);
            for (int task = lo; task < hi; task++) {
                int ch = task % channels;
                pad(x, task * inH * inW, inH, inW, g.padTop(), g.padLeft(), sW, rows, pitch, xp);
                channel(xp, w, ch * taps, tapAt, outH, outW, sH * pitch, rowOut, b, ch, out, task * outH * outW);
            }
            ws.give(xp);
            ws.give(rowOut);
        });
    }

    /**
     * One channel's outputs from its padded phase planes. The plane's outputs are a grid of OH rows by
     * ⌈OW / V⌉ vectors; four vectors of it at a time, in row-major order, carry four independent FMA chains
     * (one chain would wait on the FMA's latency at every tap): four along a wide row, or the same column of
     * four narrow rows (14 or 7 outputs wide). A vector that runs past its row's end stores its extra lanes on
     * the next row's first outputs, which are computed and stored later; only the plane's last row ends in a
     * copy, so no store leaves the plane. The bias is added after the chain, or −0 without one (x + −0 = x for
     * every x, −0 and NaN included), as the scalar reference adds it. A method of its own, with no branch in
     * the tap loops, so that C2 compiles it once and keeps it.
     */
    private static void channel(float[] xp, float[] w, int wAt, int[] tapAt, int outH, int outW, int rowStep,
                                float[] rowOut, float[] b, int ch, float[] out, int outPlane) {
        int taps = tapAt.length, nv = (outW + V - 1) / V, cells = outH * nv;
        FloatVector bias = FloatVector.broadcast(S, b == null ? -0f : b[ch]);
        int planeEnd = outPlane + outH * outW;
        Cursor at = new Cursor(nv, rowStep, outW);
        int q = 0;
        for (; q + 4 <= cells; q += 4) {
            int x0 = at.x, o0 = at.o;
            at.next();
            int x1 = at.x, o1 = at.o;
            at.next();
            int x2 = at.x, o2 = at.o;
            at.next();
            int x3 = at.x, o3 = at.o;
            at.next();
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++) {
                FloatVector wv = FloatVector.broadcast(S, w[wAt + t]);
                int tap = tapAt[t];
                a0 = wv.fma(FloatVector.fromArray(S, xp, tap + x0), a0);
                a1 = wv.fma(FloatVector.fromArray(S, xp, tap + x1), a1);
                a2 = wv.fma(FloatVector.fromArray(S, xp, tap + x2), a2);
                a3 = wv.fma(FloatVector.fromArray(S, xp, tap + x3), a3);
            }
            store(a0.add(bias), out, outPlane + o0, planeEnd, rowOut);
            store(a1.add(bias), out, outPlane + o1, planeEnd, rowOut);
            store(a2.add(bias), out, outPlane + o2, planeEnd, rowOut);
            store(a3.add(bias), out, outPlane + o3, planeEnd, rowOut);
        }
        for (; q < cells; q++, at.next()) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.broadcast(S, w[wAt + t]).fma(FloatVector.fromArray(S, xp, tapAt[t] + at.x), acc);
            }
            store(acc.add(bias), out, outPlane + at.o, planeEnd, rowOut);
        }
    }

    /**
     * Walks a plane's grid of output vectors in row-major order: {@code x} is where the vector's first tap reads
     * in the phase planes (row·rowStep + column·V), {@code o} where it stores in the output plane (row·OW +
     * column·V). Stepped, not divided: with a division per vector, MobileNetV2's depthwise layers at batch 1
     * took 10–20% longer on one thread.
     */
    private static final class Cursor {
        private final int perRow, rowStep, outW;
        private int column;
        int x, o;

        Cursor(int perRow, int rowStep, int outW) {
            this.perRow = perRow;
            this.rowStep = rowStep;
            this.outW = outW;
        }

        void next() {
            if (++column < perRow) {
                x += V;
                o += V;
            } else {
                x += rowStep - (perRow - 1) * V;
                o += outW - (perRow - 1) * V;
                column = 0;
            }
        }
    }

    /** Stores V outputs at out[o], or, where they would pass the plane's end, those before it (through {@code tmp}). */
    private static void store(FloatVector v, float[] out, int o, int planeEnd, float[] tmp) {
        if (o + V <= planeEnd) {
            v.intoArray(out, o);
        } else {
            v.intoArray(tmp, 0);
            System.arraycopy(tmp, 0, out, o, planeEnd - o);
        }
    }

    /**
     * xp [sW][rows][pitch] = the channel src [inH, inW] at (padTop, padLeft) in a zero-padded image, padded
     * column x stored in phase x mod sW at column x / sW. With stride 1 only the border is zeroed: the
     * interior is overwritten.
     */
    private static void pad(float[] src, int off, int inH, int inW, int padTop, int padLeft, int sW, int rows,
                            int pitch, float[] xp) {
        if (sW == 1) {
            Arrays.fill(xp, 0, padTop * pitch, 0f);
            for (int h = 0; h < inH; h++) {
                int row = (padTop + h) * pitch;
                Arrays.fill(xp, row, row + padLeft, 0f);
                System.arraycopy(src, off + h * inW, xp, row + padLeft, inW);
                Arrays.fill(xp, row + padLeft + inW, row + pitch, 0f);
            }
            Arrays.fill(xp, (padTop + inH) * pitch, rows * pitch, 0f);
            return;
        }
        Arrays.fill(xp, 0, sW * rows * pitch, 0f);
        int phaseSize = rows * pitch;
        if (sW == 2) {
            // Padded column padLeft + xc: the even xc to phase padLeft mod 2 from column padLeft / 2, the odd ones
            // to the other phase from column (padLeft + 1) / 2.
            int even = (padLeft % 2) * phaseSize + padLeft / 2, odd = ((padLeft + 1) % 2) * phaseSize + (padLeft + 1) / 2;
            for (int h = 0; h < inH; h++) {
                int from = off + h * inW, row = (padTop + h) * pitch;
                EveryOther.copy(src, from, (inW + 1) / 2, xp, even + row);
                EveryOther.copy(src, from + 1, inW / 2, xp, odd + row);
            }
            return;
        }
        for (int h = 0; h < inH; h++) {
            int from = off + h * inW, row = (padTop + h) * pitch;
            // Padded column px = padLeft + xc goes to phase px mod sW, column px / sW: both stepped, not divided.
            int phase = padLeft % sW, col = padLeft / sW;
            for (int xc = 0; xc < inW; xc++) {
                xp[phase * phaseSize + row + col] = src[from + xc];
                if (++phase == sW) {
                    phase = 0;
                    col++;
                }
            }
        }
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }
}
