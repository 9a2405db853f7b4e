package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * The channels-last copy against its definition at awkward sizes: channel counts below, at and past the
 * register-transpose width, planes whose pixel blocks cross image rows, and a bordered, strided dst
 * whose other floats must stay as they were.
 */
class ChannelsLastTest {
    @Test
    void everyFloatLandsAtItsPlaceAndNothingElseIsWritten() {
        Rng rng = new Rng(9);
        int[][] planes = {{1, 1}, {3, 5}, {14, 14}, {13, 15}, {8, 8}, {2, 33}};
        for (int channels : new int[] {1, 3, 8, 13, 16, 17, 33, 64}) {
            for (int[] hw : planes) {
                int h = hw[0], w = hw[1], top = 2, left = 1, cols = w + 3, stride = channels + 5, off = 7;
                float[] src = new float[off + channels * h * w];
                for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat();
                float[] dst = new float[11 + (top + h + 1) * cols * stride];
                Arrays.fill(dst, Float.NaN);
                ChannelsLast.copy(src, off, channels, h, w, dst, 11, top, left, cols, stride);
                float[] want = new float[dst.length];
                Arrays.fill(want, Float.NaN);
                for (int ch = 0; ch < channels; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int z = 0; z < w; z++) {
                            want[11 + ((top + y) * cols + left + z) * stride + ch] = src[off + (ch * h + y) * w + z];
                        }
                    }
                }
                for (int i = 0; i < dst.length; i++) {
                    assertEquals(want[i], dst[i], channels + " channels of " + h + "x" + w + ": dst[" + i + "]");
                }
            }
        }
    }
}
