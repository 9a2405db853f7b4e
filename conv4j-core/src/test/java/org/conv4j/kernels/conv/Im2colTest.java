package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.WindowGeometry;
import org.conv4j.testing.TestData;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

class Im2colTest {

    /** A 1x3 kernel over a 2x4 image lays the 1x3 windows out as columns, kernel rows before columns. */
    @Test
    void im2colOfASmallImage() {
        WindowGeometry g = new WindowGeometry(2, 4, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1, false);
        float[] x = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] cols = new float[3 * g.outH() * g.outW()];
        Im2col.im2col(x, 0, 1, g, cols, 0);
        // rows: kernel column j = 0, 1, 2; columns: (oy, ox) = (0,0) (0,1) (1,0) (1,1)
        assertArrayEquals(new float[] {0, 1, 4, 5, 1, 2, 5, 6, 2, 3, 6, 7}, cols);
    }

    /** Against the definition, entry by entry, over random geometries (large pads, strides, dilations). */
    @Test
    void im2colMatchesTheDefinitionOverRandomGeometries() {
        Rng rng = new Rng(17);
        for (int t = 0; t < 300; t++) {
            int h = 1 + rng.nextInt(7), w = 1 + rng.nextInt(7), kh = 1 + rng.nextInt(4), kw = 1 + rng.nextInt(4);
            int sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3), dh = 1 + rng.nextInt(3), dw = 1 + rng.nextInt(3);
            int pt = rng.nextInt(5), pb = rng.nextInt(5), pl = rng.nextInt(5), pr = rng.nextInt(5);
            if (dh * (kh - 1) + 1 > h + pt + pb || dw * (kw - 1) + 1 > w + pl + pr) continue;
            WindowGeometry g = new WindowGeometry(h, w, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, false);
            int c = 2, p = g.outH() * g.outW();
            Tensor x = TestData.uniform(rng, c, h, w);
            float[] cols = new float[c * kh * kw * p];
            java.util.Arrays.fill(cols, Float.NaN);  // every entry must be written
            Im2col.im2col(x.data(), 0, c, g, cols, 0);
            float[] back = new float[x.size()];
            Col2im.col2im(cols, 0, c, g, back, 0);
            float[] expectBack = new float[x.size()];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        for (int oy = 0; oy < g.outH(); oy++) {
                            for (int ox = 0; ox < g.outW(); ox++) {
                                int iy = oy * sh - pt + i * dh, ix = ox * sw - pl + j * dw;
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                float e = inside ? x.data()[(ch * h + iy) * w + ix] : 0f;
                                int at = (((ch * kh + i) * kw + j) * g.outH() + oy) * g.outW() + ox;
                                assertEquals(e, cols[at], g.toString());
                                if (inside) expectBack[(ch * h + iy) * w + ix] += cols[at];
                            }
                        }
                    }
                }
            }
            assertArrayEquals(expectBack, back, 1e-6f, g.toString());
        }
    }

    /** col2im is im2col's adjoint: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any geometry. */
    @Test
    void col2imIsTheAdjointOfIm2col() {
        Rng rng = new Rng(5);
        WindowGeometry[] geometries = {
                new WindowGeometry(5, 7, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, false),
                new WindowGeometry(1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, false),
                new WindowGeometry(13, 3, 4, 3, 3, 1, 2, 2, 1, 1, 2, 1, false)};
        for (WindowGeometry g : geometries) {
            int c = 3, rows = c * g.kH() * g.kW(), p = g.outH() * g.outW();
            Tensor x = TestData.uniform(rng, c, g.inH(), g.inW());
            Tensor cols = TestData.uniform(rng, rows, p);
            float[] xc = new float[rows * p];
            Im2col.im2col(x.data(), 0, c, g, xc, 0);
            float[] back = new float[x.size()];
            Col2im.col2im(cols.data(), 0, c, g, back, 0);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < xc.length; i++) lhs += (double) xc[i] * cols.data()[i];
            for (int i = 0; i < back.length; i++) rhs += (double) x.data()[i] * back[i];
            assertEquals(lhs, rhs, 1e-5 * Math.max(1, Math.abs(lhs)), g.toString());
        }
    }
}
