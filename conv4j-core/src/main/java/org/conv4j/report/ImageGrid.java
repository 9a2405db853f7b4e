package org.conv4j.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * A grid of small images, one per item of an {@code [N, C, H, W]} tensor: conv filters (N = filters,
 * C = input channels) or feature maps (N = channels, C = 1). Each item is scaled to its own min..max, so
 * the pattern is visible whatever the magnitude; with C = 3 the item is drawn in colour (channels as
 * R, G, B), with any other C > 1 as the grey mean over channels. Pixels are enlarged by an integer
 * factor without smoothing, so one weight is one visible square.
 */
public final class ImageGrid {
    static final int PAD = 10, GAP = 6, TITLE_H = 30, MIN_WIDTH = 360;

    private ImageGrid() {}

    /**
     * Integer enlargement that brings the larger side of an h x w item near {@code cellTarget} pixels.
     *
     * @param h          H, the item height
     * @param w          W, the item width
     * @param cellTarget the side in pixels to aim for
     * @return the factor, at least 1
     */
    public static int scale(int h, int w, int cellTarget) { return Math.max(1, cellTarget / Math.max(h, w)); }

    /**
     * Items per row: all of them up to 8, then 8 up to 64 items, then 16.
     *
     * @param n the number of items
     * @return the number of columns
     */
    public static int columns(int n) { return n <= 8 ? n : n <= 64 ? 8 : 16; }

    /**
     * {@return the width in pixels of the grid of {@code n} H×W items}
     *
     * @param n          the number of items
     * @param h          H, the item height
     * @param w          W, the item width
     * @param cellTarget the side in pixels an item is enlarged towards
     */
    public static int width(int n, int h, int w, int cellTarget) {
        int cols = columns(n), cellW = w * scale(h, w, cellTarget);
        return Math.max(MIN_WIDTH, 2 * PAD + cols * cellW + (cols - 1) * GAP);
    }

    /**
     * {@return the height in pixels of the grid of {@code n} H×W items}
     *
     * @param n          the number of items
     * @param h          H, the item height
     * @param w          W, the item width
     * @param cellTarget the side in pixels an item is enlarged towards
     */
    public static int height(int n, int h, int w, int cellTarget) {
        int cols = columns(n), rows = (n + cols - 1) / cols, cellH = h * scale(h, w, cellTarget);
        return TITLE_H + PAD + rows * cellH + (rows - 1) * GAP + PAD;
    }

    /**
     * Draws the items in a grid under a title.
     *
     * @param title      drawn above the grid
     * @param items      [N, C, H, W]
     * @param cellTarget the side in pixels an item is enlarged towards
     * @return a new image of {@link #width} × {@link #height}
     * @throws org.conv4j.tensor.ShapeException if items is not rank 4
     * @throws IllegalArgumentException if there are no items
     */
    public static BufferedImage render(String title, Tensor items, int cellTarget) {
        Shapes.checkRank("ImageGrid", "items", items, 4);
        int n = items.dim(0), c = items.dim(1), h = items.dim(2), w = items.dim(3);
        if (n < 1) throw new IllegalArgumentException("ImageGrid: nothing to draw, items has shape " + java.util.Arrays.toString(items.shape()));
        int s = scale(h, w, cellTarget), cols = columns(n);
        BufferedImage img = Draw.canvas(width(n, h, w, cellTarget), height(n, h, w, cellTarget));
        Graphics2D g = Draw.graphics(img);
        try {
            g.setFont(Draw.TITLE);
            g.drawString(Draw.fit(g, title, img.getWidth() - 2 * PAD), PAD, 20);
        } finally {
            g.dispose();
        }
        float[] d = items.data();
        int itemSize = c * h * w;
        for (int i = 0; i < n; i++) {
            int x = PAD + (i % cols) * (w * s + GAP), y = TITLE_H + PAD + (i / cols) * (h * s + GAP);
            paint(img, d, i * itemSize, c, h, w, x, y, s);
        }
        return img;
    }

    /**
     * Paints one [C, H, W] item from {@code d} at (x, y), each value a {@code s x s} square, scaled to
     * the item's own min..max (RGB when C = 3, else the grey channel mean).
     */
    static void paint(BufferedImage img, float[] d, int off, int c, int h, int w, int x, int y, int s) {
        int plane = h * w;
        boolean rgb = c == 3;
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        float[] grey = null;
        if (rgb) {
            for (int i = 0; i < 3 * plane; i++) {
                float v = d[off + i];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        } else {
            grey = new float[plane];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < plane; i++) grey[i] += d[off + ch * plane + i];
            }
            for (int i = 0; i < plane; i++) {
                grey[i] /= c;
                if (grey[i] < lo) lo = grey[i];
                if (grey[i] > hi) hi = grey[i];
            }
        }
        for (int r = 0; r < h; r++) {
            for (int col = 0; col < w; col++) {
                int i = r * w + col, argb;
                if (rgb) {
                    argb = Draw.level(d[off + i], lo, hi) << 16 | Draw.level(d[off + plane + i], lo, hi) << 8
                            | Draw.level(d[off + 2 * plane + i], lo, hi);
                } else {
                    int v = Draw.level(grey[i], lo, hi);
                    argb = v << 16 | v << 8 | v;
                }
                for (int dy = 0; dy < s; dy++) {
                    for (int dx = 0; dx < s; dx++) img.setRGB(x + col * s + dx, y + r * s + dy, argb);
                }
            }
        }
    }
}
