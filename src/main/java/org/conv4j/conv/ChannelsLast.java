package org.conv4j.conv;

/**
 * The channel-minor copy of NCHW planes that the weight-gradient products read: one pixel's channels
 * contiguous, so a micro-kernel loads them as one vector. A transpose done eight channel rows at a time,
 * pixel by pixel (eight sequential read streams, one contiguous run of writes per pixel): copying one
 * channel plane at a time wrote a cache line per float (37% of fmnist-c1's forward + backward), and
 * reading all channels of a pixel at once put every read in one L1 set when the planes are 4 KB apart
 * (cifar-c3's 32 × 32), 2.4 ns per float. Blocking the pixels so that dst stays in L1 across the channel
 * groups helped fmnist-c1 by 10% and slowed cifar-c3 by 12% (short runs of its 4 KB-apart planes), so
 * each group streams whole planes.
 */
final class ChannelsLast {
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
}
