package org.conv4j.kernels.conv;

import org.conv4j.kernels.Transpose;

/**
 * The channel-minor copy of NCHW planes that the weight-gradient products read: one pixel's channels
 * contiguous, so a micro-kernel loads them as one vector. Whole groups of V channels (the vector width)
 * go through {@link Transpose}, V pixels by V channels in registers; the channels left over are copied
 * eight channel rows at a time, pixel by pixel (eight sequential read streams, one contiguous run of
 * writes per pixel). Either way one group of channel planes is streamed after another: copying one
 * channel plane at a time wrote a cache line per float (37% of fmnist-c1's forward + backward), and
 * reading all channels of a pixel at once put every read in one L1 set when the planes are 4 KB apart
 * (cifar-c3's 32 × 32), 2.4 ns per float. Blocking the pixels so that dst stays in L1 across the channel
 * groups helped fmnist-c1 by 10% and slowed cifar-c3 by 12% (short runs of its 4 KB-apart planes).
 */
final class ChannelsLast {
    /** Each pixel's offset in dst for {@link #copyBlocks}, per thread, grown to the largest plane seen. */
    private static final ThreadLocal<int[]> OFFSETS = ThreadLocal.withInitial(() -> new int[0]);

    private ChannelsLast() {}

    /**
     * dst[dstOff + ((top + y)·cols + left + z)·stride + ch] = src[srcOff + (ch·h + y)·w + z] for every
     * ch < channels, y < h, z < w. Nothing else in dst is written.
     *
     * @param src    [channels, h, w] from srcOff
     * @param cols   pixels per row of dst
     * @param stride floats per pixel of dst (≥ channels)
     */
    static void copy(float[] src, int srcOff, int channels, int h, int w, float[] dst, int dstOff,
                     int top, int left, int cols, int stride) {
        int hw = h * w, ch = 0;
        if (Transpose.VECTOR && channels >= Transpose.V && hw >= Transpose.V) {
            ch = copyBlocks(src, srcOff, channels, h, w, dst, dstOff, top, left, cols, stride);
        }
        for (; ch + 8 <= channels; ch += 8) {
            for (int y = 0; y < h; y++) {
                int to = dstOff + ((top + y) * cols + left) * stride + ch, at = srcOff + ch * hw + y * w;
                for (int z = 0; z < w; z++, to += stride, at++) {
                    dst[to] = src[at];
                    dst[to + 1] = src[at + hw];
                    dst[to + 2] = src[at + 2 * hw];
                    dst[to + 3] = src[at + 3 * hw];
                    dst[to + 4] = src[at + 4 * hw];
                    dst[to + 5] = src[at + 5 * hw];
                    dst[to + 6] = src[at + 6 * hw];
                    dst[to + 7] = src[at + 7 * hw];
                }
            }
        }
        for (; ch < channels; ch++) {
            for (int y = 0; y < h; y++) {
                int to = dstOff + ((top + y) * cols + left) * stride + ch, at = srcOff + ch * hw + y * w;
                for (int z = 0; z < w; z++, to += stride, at++) dst[to] = src[at];
            }
        }
    }

    /**
     * {@link #copy} for the first channels/V·V channels, V channels by V pixels at a time transposed in
     * registers ({@link Transpose}: half the scalar copy's time per float), one group of V channel planes
     * streamed after another like the scalar copy; the pixels after the last whole block of V go one
     * float at a time. A block's pixels may cross image rows (fmnist's 14-wide planes), so each pixel's
     * place in dst comes from a table made once per call. Returns the channels done.
     */
    private static int copyBlocks(float[] src, int srcOff, int channels, int h, int w, float[] dst, int dstOff,
                                  int top, int left, int cols, int stride) {
        int v = Transpose.V, hw = h * w, whole = hw / v * v, done = channels / v * v;
        int[] to = OFFSETS.get();
        if (to.length < hw) OFFSETS.set(to = new int[hw]);
        for (int y = 0, q = 0; y < h; y++) {
            for (int z = 0; z < w; z++) to[q++] = ((top + y) * cols + left + z) * stride;
        }
        for (int ch = 0; ch < done; ch += v) {
            int from = srcOff + ch * hw, base = dstOff + ch;
            for (int q = 0; q < whole; q += v) Transpose.block(src, from + q, hw, dst, base, to, q);
            for (int q = whole; q < hw; q++) {
                for (int j = 0; j < v; j++) dst[base + to[q] + j] = src[from + j * hw + q];
            }
        }
        return done;
    }
}
