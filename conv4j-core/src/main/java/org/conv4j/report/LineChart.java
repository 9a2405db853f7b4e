package org.conv4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of one or more series against a shared x axis, with nice ticks, a grid and a legend.
 * Non-finite y values are gaps. The picture is exactly the size asked for.
 */
public final class LineChart {
    /**
     * One named line; {@code x} and {@code y} have the same length.
     *
     * @param name  the legend entry
     * @param x     the x values
     * @param y     the y values; non-finite ones are gaps
     * @param color the line's colour
     */
    public record Series(String name, double[] x, double[] y, Color color) {
        /**
         * Checks that the two arrays match.
         *
         * @throws IllegalArgumentException if {@code x} and {@code y} differ in length
         */
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    private static final int LEFT = 64, RIGHT = 16, TOP = 34, BOTTOM = 46;

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean integerX;
    private double yMinFloor = Double.NaN, yMaxCeil = Double.NaN;

    /**
     * An empty chart; add series with {@link #add}, then {@link #render}.
     *
     * @param title  drawn above the plot
     * @param xLabel the x axis label
     * @param yLabel the y axis label, drawn rotated
     */
    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /**
     * Adds a line; series are drawn and listed in the legend in the order added.
     *
     * @param name  the legend entry
     * @param x     the x values
     * @param y     the y values, as many as x; non-finite ones are gaps
     * @param color the line's colour
     * @return this chart
     * @throws IllegalArgumentException if {@code x} and {@code y} differ in length
     */
    public LineChart add(String name, double[] x, double[] y, Color color) {
        series.add(new Series(name, x, y, color));
        return this;
    }

    /**
     * Ticks on the x axis at whole numbers only (epochs).
     *
     * @return this chart
     */
    public LineChart integerX() {
        integerX = true;
        return this;
    }

    /**
     * Keeps the y axis inside [lo, hi] (e.g. accuracy in [0, 1]) even when the data pad it.
     *
     * @param lo the lowest y the axis may show
     * @param hi the highest y the axis may show
     * @return this chart
     */
    public LineChart clampY(double lo, double hi) {
        yMinFloor = lo;
        yMaxCeil = hi;
        return this;
    }

    /**
     * Draws the chart; an empty one shows "no data yet", a lone point is drawn as a dot.
     *
     * @param width  the image width in pixels
     * @param height the image height in pixels
     * @return a new RGB image of exactly that size
     */
    public BufferedImage render(int width, int height) {
        BufferedImage img = Draw.canvas(width, height);
        Graphics2D g = Draw.graphics(img);
        try {
            draw(g, width, height);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void draw(Graphics2D g, int width, int height) {
        int plotW = width - LEFT - RIGHT, plotH = height - TOP - BOTTOM;
        g.setFont(Draw.TITLE);
        g.drawString(title, LEFT, 20);
        if (plotW < 10 || plotH < 10) return;

        double xLo = Double.POSITIVE_INFINITY, xHi = Double.NEGATIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) continue;
                xLo = Math.min(xLo, s.x[i]);
                xHi = Math.max(xHi, s.x[i]);
                yLo = Math.min(yLo, s.y[i]);
                yHi = Math.max(yHi, s.y[i]);
            }
        }
        boolean empty = xLo > xHi;
        if (empty) { xLo = 0; xHi = 1; yLo = 0; yHi = 1; }
        if (xHi == xLo) { xLo -= 1; xHi += 1; }
        if (yHi == yLo) { double d = Math.max(Math.abs(yLo) * 0.05, 1e-3); yLo -= d; yHi += d; }
        double margin = 0.04 * (yHi - yLo); // keeps points off the frame
        yLo -= margin;
        yHi += margin;
        double[] yTicks = niceTicks(yLo, yHi, 6);
        yLo = Math.min(yLo, yTicks[0]);
        yHi = Math.max(yHi, yTicks[yTicks.length - 1]);
        if (Double.isFinite(yMinFloor)) yLo = Math.max(yLo, yMinFloor);
        if (Double.isFinite(yMaxCeil)) yHi = Math.min(yHi, yMaxCeil);
        double[] xTicks = niceTicks(xLo, xHi, 8);
        if (integerX) xTicks = integerTicks(xTicks);

        // grid and tick labels
        g.setFont(Draw.SMALL);
        for (double t : yTicks) {
            if (t < yLo - 1e-12 || t > yHi + 1e-12) continue;
            int py = TOP + plotH - (int) Math.round((t - yLo) / (yHi - yLo) * plotH);
            g.setColor(Draw.GRID);
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Draw.TEXT);
            Draw.rightAligned(g, format(t, yTicks), LEFT - 6, py + 4);
        }
        for (double t : xTicks) {
            if (t < xLo - 1e-12 || t > xHi + 1e-12) continue;
            int px = LEFT + (int) Math.round((t - xLo) / (xHi - xLo) * plotW);
            g.setColor(Draw.GRID);
            g.drawLine(px, TOP, px, TOP + plotH);
            g.setColor(Draw.TEXT);
            Draw.centred(g, format(t, xTicks), px, TOP + plotH + 15);
        }
        g.setColor(Draw.AXIS);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.setColor(Draw.TEXT);
        g.setFont(Draw.LABEL);
        Draw.centred(g, xLabel, LEFT + plotW / 2, height - 10);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        Draw.centred(gy, yLabel, -(TOP + plotH / 2), 14);
        gy.dispose();
        if (empty) {
            Draw.centred(g, "no data yet", LEFT + plotW / 2, TOP + plotH / 2);
            return;
        }

        // lines; a lone point (one epoch so far) is drawn as a dot
        Graphics2D gc = (Graphics2D) g.create();
        gc.clipRect(LEFT, TOP, plotW + 1, plotH + 1);
        gc.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : series) {
            gc.setColor(s.color);
            Path2D.Double path = new Path2D.Double();
            boolean penDown = false;
            int points = 0;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) { penDown = false; continue; }
                double px = LEFT + (s.x[i] - xLo) / (xHi - xLo) * plotW;
                double py = TOP + plotH - (s.y[i] - yLo) / (yHi - yLo) * plotH;
                if (penDown) path.lineTo(px, py); else path.moveTo(px, py);
                penDown = true;
                points++;
                if (s.x.length <= 60) gc.fillOval((int) Math.round(px) - 3, (int) Math.round(py) - 3, 7, 7);
            }
            if (points > 1) gc.draw(path);
        }
        gc.dispose();

        // legend, top right inside the plot
        g.setFont(Draw.SMALL);
        int lx = LEFT + plotW - 8, ly = TOP + 16;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            int w = g.getFontMetrics().stringWidth(s.name);
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(lx - w - 30, ly - 11, w + 34, 15);
            g.setColor(s.color);
            g.fillRect(lx - w - 26, ly - 5, 18, 3);
            g.setColor(Draw.TEXT);
            g.drawString(s.name, lx - w, ly);
            lx -= w + 40;
        }
    }

    /** About {@code target} evenly spaced ticks at 1, 2 or 5 times a power of ten, covering [lo, hi]. */
    static double[] niceTicks(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        double start = Math.floor(lo / step) * step, end = Math.ceil(hi / step) * step;
        int n = (int) Math.round((end - start) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = start + i * step;
        return t;
    }

    private static double[] integerTicks(double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        if (step >= 1) return ticks;
        double lo = Math.ceil(ticks[0]), hi = Math.floor(ticks[ticks.length - 1]);
        int n = (int) (hi - lo) + 1;
        double[] t = new double[Math.max(n, 0)];
        for (int i = 0; i < t.length; i++) t[i] = lo + i;
        return t;
    }

    private static String format(double v, double[] ticks) {
        double step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
    }
}
