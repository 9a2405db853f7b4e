package org.conv4j.report;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Test images in a grid, each framed green (right) or red (wrong), with the true class and the top-3
 * predictions with their probabilities written underneath.
 *
 * <p>Tiles are {@code tileWidth x tileHeight}; up to {@link #COLUMNS} per row.
 */
public final class Gallery {
    static final int COLUMNS = 6, PAD = 10, GAP = 8, TITLE_H = 30, IMAGE_TARGET = 84, TEXT_LINE = 14, TEXT_LINES = 4,
            MIN_TILE_W = 150, MIN_WIDTH = 360;

    private Gallery() {}

    /**
     * {@return the width in pixels of one tile for H×W images}
     *
     * @param h H, the image height
     * @param w W, the image width
     */
    public static int tileWidth(int h, int w) { return Math.max(MIN_TILE_W, w * ImageGrid.scale(h, w, IMAGE_TARGET) + 8); }

    /**
     * {@return the height in pixels of one tile for H×W images: the image and four lines of text}
     *
     * @param h H, the image height
     * @param w W, the image width
     */
    public static int tileHeight(int h, int w) { return h * ImageGrid.scale(h, w, IMAGE_TARGET) + 8 + TEXT_LINES * TEXT_LINE + 6; }

    /**
     * {@return the width in pixels of the picture of {@code n} H×W samples}
     *
     * @param n the number of samples
     * @param h H, the image height
     * @param w W, the image width
     */
    public static int width(int n, int h, int w) {
        int cols = Math.max(1, Math.min(n, COLUMNS));
        return Math.max(MIN_WIDTH, 2 * PAD + cols * tileWidth(h, w) + (cols - 1) * GAP);
    }

    /**
     * {@return the height in pixels of the picture of {@code n} H×W samples}
     *
     * @param n the number of samples
     * @param h H, the image height
     * @param w W, the image width
     */
    public static int height(int n, int h, int w) {
        int rows = Math.max(1, (n + COLUMNS - 1) / COLUMNS);
        return TITLE_H + PAD + rows * tileHeight(h, w) + (rows - 1) * GAP + PAD;
    }

    /**
     * All samples must have the same image shape; an empty list draws a note saying so.
     *
     * @param title      drawn above the grid
     * @param samples    the samples, drawn in order
     * @param classNames class names by index; a missing name is drawn as "class k"
     * @param h          H, every image's height
     * @param w          W, every image's width
     * @return a new image of {@link #width} × {@link #height}
     * @throws IllegalArgumentException if a sample's image is not H×W
     */
    public static BufferedImage render(String title, List<GallerySample> samples, List<String> classNames, int h, int w) {
        int n = samples.size();
        BufferedImage img = Draw.canvas(width(n, h, w), height(n, h, w));
        Graphics2D g = Draw.graphics(img);
        try {
            g.setFont(Draw.TITLE);
            g.drawString(Draw.fit(g, title, img.getWidth() - 2 * PAD), PAD, 20);
            if (n == 0) {
                g.setFont(Draw.LABEL);
                g.drawString("none", PAD, TITLE_H + PAD + 20);
            }
            int s = ImageGrid.scale(h, w, IMAGE_TARGET), tw = tileWidth(h, w), th = tileHeight(h, w);
            for (int i = 0; i < n; i++) {
                GallerySample smp = samples.get(i);
                int[] shape = smp.image().shape();
                if (shape[1] != h || shape[2] != w) {
                    throw new IllegalArgumentException("gallery image " + i + " is " + shape[1] + "x" + shape[2] + ", expected " + h + "x" + w);
                }
                int x = PAD + (i % COLUMNS) * (tw + GAP), y = TITLE_H + PAD + (i / COLUMNS) * (th + GAP);
                g.setColor(smp.correct() ? Draw.RIGHT : Draw.WRONG);
                g.setStroke(new BasicStroke(3f));
                int imgX = x + (tw - w * s) / 2;
                g.drawRect(imgX - 3, y + 1, w * s + 5, h * s + 5);
                ImageGrid.paint(img, smp.image().data(), 0, shape[0], h, w, imgX, y + 4, s);
                int ty = y + h * s + 8 + TEXT_LINE;
                g.setFont(Draw.SMALL.deriveFont(java.awt.Font.BOLD));
                g.setColor(Draw.TEXT);
                g.drawString(Draw.fit(g, "true: " + name(classNames, smp.label()), tw - 4), x + 2, ty);
                g.setFont(Draw.SMALL);
                int[] top = smp.topClasses();
                float[] prob = smp.topProbs();
                for (int j = 0; j < Math.min(3, top.length); j++) {
                    g.setColor(top[j] == smp.label() ? Draw.RIGHT : Draw.TEXT);
                    String p = String.format(Locale.ROOT, "%5.1f%%", 100.0 * prob[j]);
                    int pw = g.getFontMetrics().stringWidth(p);
                    g.drawString(Draw.fit(g, (j + 1) + ". " + name(classNames, top[j]), tw - pw - 10), x + 2, ty + (j + 1) * TEXT_LINE);
                    Draw.rightAligned(g, p, x + tw - 2, ty + (j + 1) * TEXT_LINE);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String name(List<String> names, int k) {
        return k >= 0 && k < names.size() ? names.get(k) : "class " + k;
    }
}
