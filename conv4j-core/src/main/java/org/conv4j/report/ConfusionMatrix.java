package org.conv4j.report;

import java.util.List;

/**
 * Counts of (true class, predicted class) pairs: {@code counts[t][p]} is the number of test items of
 * class t that the model called p. Rows sum to each class's support, the whole matrix to the test set
 * size, and the diagonal to the number right.
 */
public final class ConfusionMatrix {
    private final int[][] counts; // [K, K], rows = true class, columns = predicted class

    /**
     * An all-zero K x K matrix, filled with {@link #add}.
     *
     * @param numClasses K, at least 1
     * @throws IllegalArgumentException if {@code numClasses} is below 1
     */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("confusion matrix needs at least 1 class, got " + numClasses);
        this.counts = new int[numClasses][numClasses];
    }

    /**
     * Wraps a copy of {@code counts}, which must be square with non-negative entries.
     *
     * @param counts [K, K], rows = true class, columns = predicted class
     * @return the matrix
     * @throws IllegalArgumentException if {@code counts} is not square or has a negative entry
     */
    public static ConfusionMatrix of(int[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int t = 0; t < counts.length; t++) {
            if (counts[t].length != counts.length) {
                throw new IllegalArgumentException("confusion matrix must be square: row " + t + " has "
                        + counts[t].length + " columns, expected " + counts.length);
            }
            for (int p = 0; p < counts.length; p++) {
                if (counts[t][p] < 0) throw new IllegalArgumentException("confusion matrix entry [" + t + "][" + p + "] is negative: " + counts[t][p]);
                m.counts[t][p] = counts[t][p];
            }
        }
        return m;
    }

    /**
     * Counts one test item.
     *
     * @param trueClass its label, in [0, K)
     * @param predicted the class the model gave it, in [0, K)
     * @throws IllegalArgumentException if either class is outside [0, K)
     */
    public void add(int trueClass, int predicted) {
        int k = counts.length;
        if (trueClass < 0 || trueClass >= k) throw new IllegalArgumentException("label " + trueClass + " outside 0.." + (k - 1));
        if (predicted < 0 || predicted >= k) throw new IllegalArgumentException("prediction " + predicted + " outside 0.." + (k - 1));
        counts[trueClass][predicted]++;
    }

    /** {@return K, the number of classes} */
    public int numClasses() { return counts.length; }

    /**
     * The number of items of one class given another.
     *
     * @param trueClass the label, in [0, K)
     * @param predicted the prediction, in [0, K)
     * @return counts[trueClass][predicted]
     * @throws ArrayIndexOutOfBoundsException if either class is outside [0, K)
     */
    public int count(int trueClass, int predicted) { return counts[trueClass][predicted]; }

    /**
     * A copy of the counts.
     *
     * @return a new [K, K] array
     */
    public int[][] counts() {
        int[][] c = new int[counts.length][];
        for (int i = 0; i < c.length; i++) c[i] = counts[i].clone();
        return c;
    }

    /** {@return the number of items counted, the sum of the matrix} */
    public long total() {
        long n = 0;
        for (int[] row : counts) for (int v : row) n += v;
        return n;
    }

    /** {@return the number of items predicted right, the sum of the diagonal} */
    public long correct() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) n += counts[i][i];
        return n;
    }

    /**
     * Fraction right, or NaN when empty.
     *
     * @return correct / total, in [0, 1], or NaN
     */
    public double accuracy() {
        long n = total();
        return n == 0 ? Double.NaN : (double) correct() / n;
    }

    /**
     * Items whose true class is {@code k}.
     *
     * @param k the class, in [0, K)
     * @return the sum of row k
     */
    public long support(int k) {
        long n = 0;
        for (int v : counts[k]) n += v;
        return n;
    }

    /**
     * Items predicted as {@code k}.
     *
     * @param k the class, in [0, K)
     * @return the sum of column k
     */
    public long predicted(int k) {
        long n = 0;
        for (int[] row : counts) n += row[k];
        return n;
    }

    /**
     * Of the items predicted as k, the fraction that are k; NaN when nothing was predicted as k.
     *
     * @param k the class, in [0, K)
     * @return precision in [0, 1], or NaN
     */
    public double precision(int k) {
        long p = predicted(k);
        return p == 0 ? Double.NaN : (double) counts[k][k] / p;
    }

    /**
     * Of the items of class k, the fraction predicted as k; NaN when there are none.
     *
     * @param k the class, in [0, K)
     * @return recall in [0, 1], or NaN
     */
    public double recall(int k) {
        long s = support(k);
        return s == 0 ? Double.NaN : (double) counts[k][k] / s;
    }

    /**
     * Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined.
     *
     * @param k the class, in [0, K)
     * @return F1 in [0, 1], or NaN
     */
    public double f1(int k) {
        double p = precision(k), r = recall(k);
        if (Double.isNaN(p) || Double.isNaN(r)) return Double.NaN;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * One row per class, in class order.
     *
     * @return a new list of K rows
     */
    public List<ClassMetrics> perClass() {
        java.util.ArrayList<ClassMetrics> rows = new java.util.ArrayList<>();
        for (int k = 0; k < counts.length; k++) rows.add(new ClassMetrics(k, precision(k), recall(k), f1(k), support(k)));
        return rows;
    }

    /**
     * Precision, recall and F1 of one class, and how many test items it has.
     *
     * @param classIndex the class, in [0, K)
     * @param precision  see {@link ConfusionMatrix#precision}; NaN when nothing was predicted as the class
     * @param recall     see {@link ConfusionMatrix#recall}; NaN when the class has no items
     * @param f1         see {@link ConfusionMatrix#f1}
     * @param support    the number of items of the class
     */
    public record ClassMetrics(int classIndex, double precision, double recall, double f1, long support) {}
}
