package org.conv4j.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * rows are wide enough that the last vector of a row reads zeros, never the next row's pixels, and its
 * stores are masked to OW.
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
        int tasks = n * channels;
        int grain = Math.max(1, Math.min(16, tasks / (4 * Parallel.threads())));
        VectorMask<Float> tail = S.indexInRange(roundUp(outW, V) - V, outW);
        Parallel.forChunks(tasks, grain, (lo, hi) -> {
            float[] xp = ws.take(sW * phaseSize);
            try {
                for (int task = lo; task < hi; task++) {
                    int ch = task % channels;
                    pad(x, task * inH * inW, inH, inW, g.padTop(), g.padLeft(), sW, rows, pitch, xp);
                    int outPlane = task * outH * outW;
                    float bias = b == null ? 0f : b[ch];
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow += V) {
                            FloatVector acc = FloatVector.zero(S);
                            for (int i = 0; i < kH; i++) {
                                int row = (oh * sH + i * dH) * pitch;
                                for (int j = 0; j < kW; j++) {
                                    int jd = j * dW;
                                    FloatVector v = FloatVector.fromArray(S, xp, (jd % sW) * phaseSize + row + ow + jd / sW);
                                    acc = FloatVector.broadcast(S, w[(ch * kH + i) * kW + j]).fma(v, acc);
                                }
                            }
                            if (b != null) acc = acc.add(bias);
                            int at = outPlane + oh * outW + ow;
                            if (ow + V <= outW) acc.intoArray(out, at);
                            else acc.intoArray(out, at, tail);
                        }
                    }
                }
            } finally {
                ws.give(xp);
            }
        });
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
            for (int xc = 0; xc < inW; xc++) {
                int px = padLeft + xc;
                xp[(px % sW) * phaseSize + row + px / sW] = src[from + xc];
            }
        }
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }
}
