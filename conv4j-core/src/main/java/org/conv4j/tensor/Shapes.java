package org.conv4j.tensor;

import java.util.Arrays;

/** Shape arithmetic and the checks that turn a wrong shape into an error naming the layer. */
public final class Shapes {
    private Shapes() {}

    /**
     * Product of the dimensions; fails on negative dimensions or a size beyond an int array.
     *
     * @param shape the dimensions
     * @return the number of values, 1 for no dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds an int array
     */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one tensor");
            }
        }
        return (int) n;
    }

    /**
     * Fails unless {@code t} has rank {@code expected.length} and every dimension equals the expected one;
     * an expected value of -1 matches any size.
     *
     * @param where      names the layer or function, e.g. {@code "Conv2d(3->16, k3)"}
     * @param tensorName names the tensor in the message, e.g. {@code "x"}
     * @param t          the tensor to check
     * @param expected   the expected dimensions, -1 for any
     * @throws ShapeException naming {@code where}, the tensor and both shapes if the shape differs
     */
    public static void check(String where, String tensorName, Tensor t, int... expected) {
        int[] s = t.shape();
        boolean ok = s.length == expected.length;
        for (int i = 0; ok && i < s.length; i++) ok = expected[i] < 0 || expected[i] == s[i];
        if (!ok) throw new ShapeException(where, tensorName, s, expected);
    }

    /**
     * Fails unless {@code t} has the given rank.
     *
     * @param where      names the layer or function
     * @param tensorName names the tensor in the message
     * @param t          the tensor to check
     * @param rank       the expected number of dimensions
     * @throws ShapeException naming {@code where}, the tensor and its shape if the rank differs
     */
    public static void checkRank(String where, String tensorName, Tensor t, int rank) {
        if (t.rank() != rank) {
            int[] e = new int[rank];
            Arrays.fill(e, -1);
            throw new ShapeException(where, tensorName, t.shape(), e);
        }
    }

    /**
     * Renders a shape with -1 as "?" : {@code [?, 3, 28, 28]}.
     *
     * @param shape the dimensions, -1 for unknown
     * @return e.g. {@code [?, 3, 28, 28]}
     */
    public static String show(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i] < 0 ? "?" : Integer.toString(shape[i]));
        }
        return b.append(']').toString();
    }
}
