package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** FastIm2col against the scalar Im2col/Col2im on awkward geometries and arbitrary position tiles. */
class FastIm2colTest {
    /** Geometries: odd sizes, 1-pixel inputs, strides 1–3, dilation, asymmetric padding, non-square kernels. */
    static List<WindowGeometry> geometries() {
        List<WindowGeometry> gs = new ArrayList<>();
        gs.add(WindowGeometry.of(1, 1, 1, 1, 1, 0));
        gs.add(WindowGeometry.of(1, 1, 3, 3, 1, 1));
        gs.add(WindowGeometry.of(3, 3, 3, 3, 1, 1));
        gs.add(WindowGeometry.of(13, 13, 3, 3, 1, 1));
        gs.add(WindowGeometry.of(13, 7, 3, 3, 2, 1));
        gs.add(WindowGeometry.of(28, 28, 5, 5, 2, 2));
        gs.add(WindowGeometry.of(13, 13, 5, 5, 3, 0));
        gs.add(WindowGeometry.of(9, 11, 3, 3, 1, 4));   // padding wider than half the kernel
        gs.add(new WindowGeometry(13, 17, 2, 3, 1, 2, 0, 2, 1, 0, 1, 1, false));
        gs.add(new WindowGeometry(14, 15, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, false));  // dilation 2
        gs.add(new WindowGeometry(7, 207, 1, 7, 1, 3, 0, 0, 3, 3, 1, 1, false));
        return gs;
    }

    @Test
    void im2colEqualsTheScalarOneOnEveryTile() {
        Rng rng = new Rng(9);
        for (WindowGeometry g : geometries()) {
            for (int channels : new int[] {1, 3}) {
                float[] x = new float[channels * g.inH() * g.inW() + 5];
                for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat() - 0.5f;
                int rows = channels * g.kH() * g.kW(), p = g.outH() * g.outW();
                float[] want = new float[rows * p];
                Im2col.im2col(x, 5, channels, g, want, 0);
                for (int[] tile : tiles(p, rng)) {
                    int q0 = tile[0], q1 = tile[1], ld = q1 - q0 + 2;
                    float[] got = new float[rows * ld + 3];
                    java.util.Arrays.fill(got, Float.NaN);
                    FastIm2col.im2col(x, 5, channels, g, q0, q1, got, 3, ld);
                    for (int r = 0; r < rows; r++) {
                        for (int q = q0; q < q1; q++) {
                            float a = want[r * p + q], b = got[3 + r * ld + q - q0];
                            if (Float.floatToRawIntBits(a) != Float.floatToRawIntBits(b)) {
                                fail(g + " C=" + channels + " tile [" + q0 + "," + q1 + ") row " + r + " pos " + q
                                        + ": " + b + " != " + a);
                            }
                        }
                        for (int t = q1 - q0; t < ld && r * ld + t + 3 < got.length; t++) {
                            if (!Float.isNaN(got[3 + r * ld + t])) fail(g + ": wrote past the tile in row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void col2imMatchesTheScalarOne() {
        Rng rng = new Rng(10);
        for (WindowGeometry g : geometries()) {
            int channels = 3, rows = channels * g.kH() * g.kW(), p = g.outH() * g.outW();
            float[] cols = new float[rows * p];
            for (int i = 0; i < cols.length; i++) cols[i] = rng.nextFloat() - 0.5f;
            int size = channels * g.inH() * g.inW();
            float[] want = new float[size + 2];
            Col2im.col2im(cols, 0, channels, g, want, 2);
            // The whole range in one tile adds in the same order: bitwise equal.
            float[] whole = new float[size + 2];
            FastIm2col.col2im(cols, 0, p, channels, g, 0, p, whole, 2);
            for (int i = 0; i < whole.length; i++) assertEquals(want[i], whole[i], 0f, g + " index " + i);
            // Tiles change the summation order only.
            float[] tiled = new float[size + 2];
            for (int[] tile : tiles(p, rng)) {
                int q0 = tile[0], q1 = tile[1], ld = q1 - q0;
                float[] part = new float[rows * ld];
                for (int r = 0; r < rows; r++) System.arraycopy(cols, r * p + q0, part, r * ld, ld);
                FastIm2col.col2im(part, 0, ld, channels, g, q0, q1, tiled, 2);
            }
            for (int i = 0; i < tiled.length; i++) {
                assertEquals(want[i], tiled[i], 1e-6f * rows, g + " index " + i);
            }
        }
    }

    /** A partition of [0, p) into tiles of random width (1 .. p), so tiles start and end mid-row. */
    private static List<int[]> tiles(int p, Rng rng) {
        List<int[]> out = new ArrayList<>();
        for (int q = 0; q < p; ) {
            int w = 1 + rng.nextInt(Math.max(1, p / 2 + 1));
            out.add(new int[] {q, Math.min(p, q + w)});
            q += w;
        }
        return out;
    }
}
