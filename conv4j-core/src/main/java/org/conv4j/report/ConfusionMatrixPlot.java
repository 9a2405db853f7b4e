package org.conv4j.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The confusion matrix as a heatmap: rows are true classes, columns predicted ones, each cell shows its
 * count and is shaded by the fraction of its row (so a class's recall reads along the diagonal).
 *
 * <p>Size: {@code LEFT + K*cell + MARGIN} wide and {@code TOP + K*cell + BOTTOM} high.
 */
public final class ConfusionMatrixPlot {
    static final int LEFT = 130, TOP = 130, MARGIN = 16, BOTTOM = 40;

    private ConfusionMatrixPlot() {}

    /**
     * Side of one cell for K classes: big enough for a 5-digit count, smaller for many classes.
     *
     * @param numClasses K
     * @return the cell side in pixels
     */
    public static int cellSize(int numClasses) {
        return numClasses <= 12 ? 48 : numClasses <= 30 ? 28 : 14;
    }

    /**
     * {@return the width in pixels of the picture for K = {@code numClasses}}
     *
     * @param numClasses K
     */
    public static int width(int numClasses) { return LEFT + numClasses * cellSize(numClasses) + MARGIN; }

    /**
     * {@return the height in pixels of the picture for K = {@code numClasses}}
     *
     * @param numClasses K
     */
    public static int height(int numClasses) { return TOP + numClasses * cellSize(numClasses) + BOTTOM; }

    /**
     * Draws the heatmap with the class names along both axes.
     *
     * @param m          the counts
     * @param classNames K names, in class order
     * @return a new image of {@link #width} × {@link #height}
     * @throws IllegalArgumentException if the number of names is not K
     */
    public static BufferedImage render(ConfusionMatrix m, List<String> classNames) {
        int k = m.numClasses();
        if (classNames.size() != k) {
            throw new IllegalArgumentException("confusion matrix has " + k + " classes but " + classNames.size() + " class names were given");
        }
        int cell = cellSize(k);
        BufferedImage img = Draw.canvas(width(k), height(k));
        Graphics2D g = Draw.graphics(img);
        try {
            g.setFont(Draw.TITLE);
            g.drawString("Confusion matrix (" + m.total() + " test items)", 10, 20);
            g.setFont(cell >= 28 ? Draw.SMALL : Draw.SMALL.deriveFont(9f));
            for (int t = 0; t < k; t++) {
                long support = m.support(t);
                for (int p = 0; p < k; p++) {
                    int c = m.count(t, p);
                    double frac = support == 0 ? 0 : (double) c / support;
                    int x = LEFT + p * cell, y = TOP + t * cell;
                    g.setColor(Draw.blues(frac));
                    g.fillRect(x, y, cell, cell);
                    if (cell >= 20) {
                        g.setColor(frac > 0.5 ? Color.WHITE : Draw.TEXT);
                        Draw.centred(g, Integer.toString(c), x + cell / 2, y + cell / 2 + 4);
                    }
                }
            }
            g.setColor(Draw.AXIS);
            g.drawRect(LEFT, TOP, k * cell, k * cell);
            // class names: rows on the left, columns rotated above
            g.setColor(Draw.TEXT);
            g.setFont(Draw.SMALL);
            for (int t = 0; t < k; t++) {
                String name = Draw.fit(g, classNames.get(t), LEFT - 12);
                Draw.rightAligned(g, name, LEFT - 6, TOP + t * cell + cell / 2 + 4);
            }
            Graphics2D gr = (Graphics2D) g.create();
            gr.rotate(-Math.PI / 2);
            for (int p = 0; p < k; p++) {
                String name = Draw.fit(gr, classNames.get(p), TOP - 40);
                // rotated frame: x is minus the page y, y is the page x
                gr.drawString(name, -(TOP - 6), LEFT + p * cell + cell / 2 + 4);
            }
            gr.dispose();
            g.setFont(Draw.LABEL);
            Draw.centred(g, "predicted class", LEFT + k * cell / 2, 38);
            Draw.centred(g, "rows: true class; shade = fraction of the row", LEFT + k * cell / 2, TOP + k * cell + 26);
        } finally {
            g.dispose();
        }
        return img;
    }
}
