package org.conv4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.conv4j.kernels.conv.Im2col;
import org.conv4j.tensor.WindowGeometry;

/**
 * The seed's picture of im2col on a tiny one-channel example: the zero-padded input with one receptive
 * field outlined, that field laid out as a column, and the whole columns matrix
 * [KH·KW, OH·OW] with the same column outlined. The columns come from {@link Im2col}, the code the
 * convolution really runs, so the picture is the algorithm, not an illustration of it.
 */
public final class Im2colFigure {
    static final Color HIGHLIGHT = new Color(0xff, 0x7f, 0x0e);
    static final Color PADDING = new Color(0xf0, 0xf0, 0xf0);
    static final int IN_CELL = 40, COL_CELL_W = 20, COL_CELL_H = 22, PAD = 16, TITLE_H = 56;

    private Im2colFigure() {}

    /**
     * Draws the figure for the receptive field of output (outRow, outCol).
     *
     * @param x        [H, W] values of the tiny input (one channel), row-major
     * @param g        geometry of the window on that input
     * @param outRow   output row of the receptive field to highlight
     * @param outCol   output column of the receptive field to highlight
     * @return a new image sized to fit the three parts
     * @throws IllegalArgumentException if {@code x} does not have H·W values or the output position is outside OH×OW
     */
    public static BufferedImage render(float[] x, WindowGeometry g, int outRow, int outCol) {
        int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW(), kh = g.kH(), kw = g.kW();
        if (x.length != h * w) throw new IllegalArgumentException("im2col figure: input has " + x.length + " values, geometry needs " + h + "x" + w);
        if (outRow < 0 || outRow >= oh || outCol < 0 || outCol >= ow) {
            throw new IllegalArgumentException("im2col figure: output position (" + outRow + ", " + outCol + ") outside " + oh + "x" + ow);
        }
        int rows = kh * kw, colsN = oh * ow, column = outRow * ow + outCol;
        float[] cols = new float[rows * colsN]; // [KH·KW, OH·OW]
        Im2col.im2col(x, 0, 1, g, cols, 0);

        int ph = h + g.padTop() + g.padBottom(), pw = w + g.padLeft() + g.padRight();
        int inW = pw * IN_CELL, inH = ph * IN_CELL;
        int stripX = PAD + inW + 70, stripW = 110;
        int matY = TITLE_H + Math.max(inH, rows * COL_CELL_H) + 60;
        int width = Math.max(stripX + stripW + PAD, PAD + 70 + colsN * COL_CELL_W + PAD);
        int height = matY + rows * COL_CELL_H + 50;
        BufferedImage img = Draw.canvas(width, height);
        Graphics2D gr = Draw.graphics(img);
        try {
            gr.setFont(Draw.TITLE);
            gr.drawString(String.format(Locale.ROOT, "im2col: %dx%d kernel, stride %d, padding %d on a %dx%d input -> columns [%d x %d]",
                    kh, kw, g.strideH(), g.padTop(), h, w, rows, colsN), PAD, 22);
            gr.setFont(Draw.LABEL);
            gr.drawString("Every receptive field becomes one column; the convolution is then one matrix product: "
                    + "W [F, C*KH*KW] x columns.", PAD, 42);

            // zero-padded input with the receptive field outlined
            int y0 = TITLE_H;
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float v : x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
            gr.setFont(Draw.SMALL);
            for (int r = 0; r < ph; r++) {
                for (int c = 0; c < pw; c++) {
                    int iy = r - g.padTop(), ix = c - g.padLeft();
                    boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                    float v = inside ? x[iy * w + ix] : 0f;
                    cell(gr, PAD + c * IN_CELL, y0 + r * IN_CELL, IN_CELL, IN_CELL, inside ? v : Float.NaN, lo, hi, true);
                }
            }
            gr.setColor(Draw.TEXT);
            gr.drawString("input, zero-padded (grey cells are padding)", PAD, y0 + inH + 16);
            int fy = outRow * g.strideH(), fx = outCol * g.strideW();
            gr.setColor(HIGHLIGHT);
            gr.setStroke(new BasicStroke(3f));
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    gr.drawRect(PAD + (fx + j * g.dilationW()) * IN_CELL, y0 + (fy + i * g.dilationH()) * IN_CELL, IN_CELL, IN_CELL);
                }
            }

            // the field as one column, labelled with its kernel position
            gr.setStroke(new BasicStroke(1f));
            int sy = y0;
            for (int r = 0; r < rows; r++) {
                cell(gr, stripX + 50, sy + r * COL_CELL_H, 60, COL_CELL_H, cols[r * colsN + column], lo, hi, true);
                gr.setColor(Draw.TEXT);
                Draw.rightAligned(gr, "(" + r / kw + "," + r % kw + ")", stripX + 44, sy + r * COL_CELL_H + 15);
            }
            gr.setColor(HIGHLIGHT);
            gr.setStroke(new BasicStroke(3f));
            gr.drawRect(stripX + 50, sy, 60, rows * COL_CELL_H);
            arrow(gr, PAD + inW + 8, sy + 40, stripX + 4, sy + 40);
            gr.setColor(Draw.TEXT);
            gr.drawString("column " + column + " = output (" + outRow + ", " + outCol + ")", stripX, sy + rows * COL_CELL_H + 16);

            // the whole columns matrix, shaded, same column outlined
            gr.setStroke(new BasicStroke(1f));
            gr.setFont(Draw.LABEL);
            gr.drawString("columns matrix [KH*KW = " + rows + " rows, OH*OW = " + colsN + " columns]", PAD, matY - 10);
            int mx = PAD + 70;
            gr.setFont(Draw.SMALL);
            for (int r = 0; r < rows; r++) {
                gr.setColor(Draw.TEXT);
                Draw.rightAligned(gr, "(" + r / kw + "," + r % kw + ")", mx - 6, matY + r * COL_CELL_H + 15);
                for (int c = 0; c < colsN; c++) {
                    cell(gr, mx + c * COL_CELL_W, matY + r * COL_CELL_H, COL_CELL_W, COL_CELL_H, cols[r * colsN + c], lo, hi, false);
                }
            }
            gr.setColor(HIGHLIGHT);
            gr.setStroke(new BasicStroke(3f));
            gr.drawRect(mx + column * COL_CELL_W, matY, COL_CELL_W, rows * COL_CELL_H);
            arrow(gr, stripX + 80, sy + rows * COL_CELL_H + 24, mx + column * COL_CELL_W + COL_CELL_W / 2, matY - 4);
            gr.setColor(Draw.TEXT);
            gr.setFont(Draw.SMALL);
            gr.drawString("row (i,j) = kernel position; column = output position, row-major over the " + oh + "x" + ow + " output",
                    PAD, matY + rows * COL_CELL_H + 18);
        } finally {
            gr.dispose();
        }
        return img;
    }

    /** One grey cell shaded by value; NaN is a padding cell; numbers drawn when asked. */
    private static void cell(Graphics2D g, int x, int y, int w, int h, float v, float lo, float hi, boolean number) {
        boolean pad = Float.isNaN(v);
        int level = pad ? 0 : Draw.level(v, lo, hi);
        // light shading so the numbers stay readable: 255 (low) .. 140 (high)
        int shade = 255 - level * 115 / 255;
        g.setColor(pad ? PADDING : new Color(shade, shade, shade));
        g.fillRect(x, y, w, h);
        g.setColor(Draw.GRID.darker());
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, w, h);
        if (number) {
            g.setColor(pad ? Draw.AXIS : Draw.TEXT);
            Draw.centred(g, pad ? "0" : String.format(Locale.ROOT, "%.2f", v), x + w / 2, y + h / 2 + 4);
        }
    }

    private static void arrow(Graphics2D g, int x1, int y1, int x2, int y2) {
        g.setColor(HIGHLIGHT);
        g.setStroke(new BasicStroke(2f));
        g.drawLine(x1, y1, x2, y2);
        double a = Math.atan2(y2 - y1, x2 - x1);
        int[] xs = {x2, (int) (x2 - 10 * Math.cos(a - 0.4)), (int) (x2 - 10 * Math.cos(a + 0.4))};
        int[] ys = {y2, (int) (y2 - 10 * Math.sin(a - 0.4)), (int) (y2 - 10 * Math.sin(a + 0.4))};
        g.fillPolygon(xs, ys, 3);
    }
}
