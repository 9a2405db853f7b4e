package org.conv4j.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Shared Java2D set-up for every picture: headless AWT, white canvas, antialiased text and lines. */
final class Draw {
    static {
        // Reports are written by servers and CI jobs with no display.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    static final Color AXIS = new Color(0x88, 0x88, 0x88);
    static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    static final Color TEST = new Color(0xff, 0x7f, 0x0e);
    static final Color RIGHT = new Color(0x2c, 0xa0, 0x2c);
    static final Color WRONG = new Color(0xd6, 0x27, 0x28);

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Draw() {}

    /** A white RGB canvas of {@code width x height} and its graphics, ready for drawing. */
    static BufferedImage canvas(int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(TEXT);
        return g;
    }

    /** Draws {@code s} centred horizontally on {@code cx} with its baseline at {@code y}. */
    static void centred(Graphics2D g, String s, int cx, int y) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, y);
    }

    /** Draws {@code s} right-aligned at {@code right}. */
    static void rightAligned(Graphics2D g, String s, int right, int y) {
        g.drawString(s, right - g.getFontMetrics().stringWidth(s), y);
    }

    /** {@code s} shortened with an ellipsis so that it fits in {@code maxWidth} pixels. */
    static String fit(Graphics2D g, String s, int maxWidth) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= maxWidth) return s;
        String dots = "\u2026";
        int n = s.length();
        while (n > 0 && fm.stringWidth(s.substring(0, n) + dots) > maxWidth) n--;
        return s.substring(0, n) + dots;
    }

    /** Grey level 0..255 for {@code v} mapped linearly from [lo, hi]; a flat range gives mid-grey. */
    static int level(float v, float lo, float hi) {
        if (!(hi > lo)) return 128;
        float t = (v - lo) / (hi - lo);
        return Math.max(0, Math.min(255, Math.round(t * 255f)));
    }

    /** A sequential white-to-blue colour for {@code t} in [0, 1] (confusion matrix cells). */
    static Color blues(double t) {
        t = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(247 + (8 - 247) * t);
        int gr = (int) Math.round(251 + (48 - 251) * t);
        int b = (int) Math.round(255 + (107 - 255) * t);
        return new Color(r, gr, b);
    }
}
