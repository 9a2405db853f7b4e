package org.conv4j.kernels.conv;

import org.conv4j.tensor.WindowGeometry;

/**
 * The depthwise convolution (one filter per channel: groups = C = F) as plain loops: the reference
 * {@link VectorDepthwiseConv} is tested against bit for bit. Each output is one chain of fused multiply-adds
 * from zero over the taps in (i, j) order, a padding tap multiplying zero like any other (so a zero output's
 * sign is the same as when the padded image is read), then plus the bias in one rounding: the operations
 * the im2col product performs on the same column.
 */
final class ScalarDepthwiseConv {
    private ScalarDepthwiseConv() {}

    /**
     * out = conv(x, w) + b.
     *
     * @param x   [N, C, H, W]
     * @param w   [C, 1, KH, KW]
     * @param b   [C], or null
     * @param out [N, C, OH, OW], overwritten
     */
    static void forward(ConvChannels c, WindowGeometry g, int n, float[] x, float[] w, float[] b, float[] out) {
        ConvKernels.requireDepthwise(c);
        int channels = c.inChannels(), inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW();
        int kH = g.kH(), kW = g.kW();
        for (int item = 0; item < n; item++) {
            for (int ch = 0; ch < channels; ch++) {
                int plane = (item * channels + ch) * inH * inW, outPlane = (item * channels + ch) * outH * outW;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        float acc = 0f;
                        for (int i = 0; i < kH; i++) {
                            int y = oh * g.strideH() - g.padTop() + i * g.dilationH();
                            for (int j = 0; j < kW; j++) {
                                int xc = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                                float v = y >= 0 && y < inH && xc >= 0 && xc < inW ? x[plane + y * inW + xc] : 0f;
                                acc = Math.fma(w[(ch * kH + i) * kW + j], v, acc);
                            }
                        }
                        out[outPlane + oh * outW + ow] = b == null ? acc : acc + b[ch];
                    }
                }
            }
        }
    }
}
