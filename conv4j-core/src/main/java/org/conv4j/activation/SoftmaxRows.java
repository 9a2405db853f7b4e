package org.conv4j.activation;

import org.conv4j.kernels.Parallel;

/**
 * The shared machinery of {@link Softmax} and {@link LogSoftmax}: a tensor viewed as [O, D, I] (O the
 * product of the dimensions before the axis, D the axis, I the product of those after it), so a "row" is
 * the D values x[o, ·, i], I apart in memory. Each row's maximum m and log-sum-exp of the shifted values
 * l = log Σ e^(x − m) are computed in double (max subtraction: no exponent ever overflows), and
 * kept per row for backward, which recomputes p = e^(x − m − l) from x in double rather than reading a
 * rounded output. Rows are independent, so results do not depend on the thread count.
 */
final class SoftmaxRows {
    /** Rows are split across threads once there are this many values. */
    private static final int PARALLEL_MIN = 1 << 15;
    /** Values per parallel chunk (rounded to whole rows). */
    private static final int GRAIN_VALUES = 1 << 13;

    /** The [O, D, I] view of an input shape for one resolved axis. */
    record View(int outer, int d, int inner) {
        static View of(int[] shape, int axis) {
            int outer = 1, inner = 1;
            for (int k = 0; k < axis; k++) outer *= shape[k];
            for (int k = axis + 1; k < shape.length; k++) inner *= shape[k];
            return new View(outer, shape.length == 0 ? 1 : shape[axis], inner);
        }

        int rows() { return outer * inner; }

        /** Index of x[o, 0, i] for row r = o·I + i. */
        int start(int r) { return (r / inner) * d * inner + r % inner; }
    }

    private SoftmaxRows() {}

    /** Runs {@code body} over rows [0, rows), in parallel chunks of whole rows for large tensors. */
    static void forRows(View v, Parallel.RangeBody body) {
        int rows = v.rows();
        long values = (long) rows * v.d();
        if (values < PARALLEL_MIN) body.run(0, rows);
        else Parallel.forChunks(rows, Math.max(1, GRAIN_VALUES / Math.max(1, v.d())), body);
    }

    /**
     * Per row r in [lo, hi): max[r] and logSum[r] = log Σ e^(x − max), then y = p (softmax) or
     * y = x − max − logSum (log-softmax). A row whose maximum is ±∞ or NaN gives NaN or the limits torch
     * gives (all −∞ → NaN, as in torch).
     */
    static void forward(View v, float[] x, float[] y, double[] max, double[] logSum, boolean log, int lo, int hi) {
        int d = v.d(), stride = v.inner();
        for (int r = lo; r < hi; r++) {
            int s = v.start(r);
            double m = Double.NEGATIVE_INFINITY;
            boolean nan = false;
            for (int k = 0; k < d; k++) {
                float xv = x[s + k * stride];
                if (xv > m) m = xv;
                else if (xv != xv) nan = true;
            }
            if (nan) m = Double.NaN; // any NaN in the row makes the whole row NaN, as in torch
            double sum = 0;
            for (int k = 0; k < d; k++) sum += Math.exp(x[s + k * stride] - m);
            double l = Math.log(sum);
            for (int k = 0; k < d; k++) {
                double z = x[s + k * stride] - m;
                y[s + k * stride] = (float) (log ? z - l : Math.exp(z - l));
            }
            if (max != null) { max[r] = m; logSum[r] = l; }
        }
    }

    /**
     * Backward per row from x and the row statistics, p = e^(x − max − logSum):
     * softmax dX = p·(dOut − Σ dOut·p); log-softmax dX = dOut − p·Σ dOut.
     */
    static void backward(View v, float[] x, float[] dOut, float[] dX, double[] max, double[] logSum, boolean log, int lo, int hi) {
        int d = v.d(), stride = v.inner();
        for (int r = lo; r < hi; r++) {
            int s = v.start(r);
            double shift = max[r] + logSum[r];
            double dot = 0;
            for (int k = 0; k < d; k++) {
                int j = s + k * stride;
                dot += log ? dOut[j] : dOut[j] * Math.exp(x[j] - shift);
            }
            for (int k = 0; k < d; k++) {
                int j = s + k * stride;
                double p = Math.exp(x[j] - shift);
                dX[j] = (float) (log ? dOut[j] - p * dot : p * (dOut[j] - dot));
            }
        }
    }
}
