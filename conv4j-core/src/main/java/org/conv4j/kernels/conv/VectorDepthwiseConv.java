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
 * rows are wide enough that the last vector of a row reads zeros, never the next row's pixels; a row is
 * computed into a scratch row of whole vectors and its OW outputs copied out.
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
        int grain = Math.max(1, Math.min(16, tasks / (4 * Parallel.threads())));
        int rowFloats = roundUp(outW, V);
        Parallel.forChunks(tasks, grain, (lo, hi) -> {
            float[] xp = ws.take(sW * phaseSize), rowOut = ws.take(rowFloats);
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
     * One channel's outputs from its padded phase planes: each output row as whole vectors into {@code rowOut}
     * (the last one's extra lanes read zeros and are dropped), then copied out, plus the bias when there is one.
     * A method of its own, with no branch or mask in the loops, so that C2 compiles it once and keeps it.
     */
    private static void channel(float[] xp, float[] w, int wAt, int[] tapAt, int outH, int outW, int rowStep,
                                float[] rowOut, float[] b, int ch, float[] out, int outPlane) {
        int taps = tapAt.length, rowFloats = roundUp(outW, V);
        for (int oh = 0; oh < outH; oh++) {
            int row = oh * rowStep, ow = 0;
            // Four vectors at a time: four independent FMA chains hide the FMA's latency (one chain per
            // vector would wait on each step). Every output keeps its own chain, so the bits do not change.
            for (; ow + 4 * V <= rowFloats; ow += 4 * V) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int t = 0; t < taps; t++) {
                    FloatVector wv = FloatVector.broadcast(S, w[wAt + t]);
                    int at = tapAt[t] + row + ow;
                    a0 = wv.fma(FloatVector.fromArray(S, xp, at), a0);
                    a1 = wv.fma(FloatVector.fromArray(S, xp, at + V), a1);
                    a2 = wv.fma(FloatVector.fromArray(S, xp, at + 2 * V), a2);
                    a3 = wv.fma(FloatVector.fromArray(S, xp, at + 3 * V), a3);
                }
                a0.intoArray(rowOut, ow);
                a1.intoArray(rowOut, ow + V);
                a2.intoArray(rowOut, ow + 2 * V);
                a3.intoArray(rowOut, ow + 3 * V);
            }
            for (; ow < rowFloats; ow += V) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    acc = FloatVector.broadcast(S, w[wAt + t]).fma(FloatVector.fromArray(S, xp, tapAt[t] + row + ow), acc);
                }
                acc.intoArray(rowOut, ow);
            }
            int at = outPlane + oh * outW;
            if (b == null) {
                System.arraycopy(rowOut, 0, out, at, outW);
            } else {
                float add = b[ch];
                for (int x = 0; x < outW; x++) out[at + x] = rowOut[x] + add;
            }
        }
    }

    /**
     * xp [sW][rows][pitch] = the channel src [inH, inW] at (padTop, padLeft) in a zero-padded image, padded
     * column x stored in phase x mod sW at column x / sW.
     */
    private static void pad(float[] src, int off, int inH, int inW, int padTop, int padLeft, int sW, int rows,
                            int pitch, float[] xp) {
        Arrays.fill(xp, 0, sW * rows * pitch, 0f);
        int phaseSize = rows * pitch;
        for (int h = 0; h < inH; h++) {
            int from = off + h * inW, row = (padTop + h) * pitch;
            if (sW == 1) {
                System.arraycopy(src, from, xp, row + padLeft, inW);
                continue;
            }
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
