package org.conv4j.activation;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Forward and backward of {@link Softmax} and {@link LogSoftmax}, which differ only in the last step
 * (see {@link SoftmaxRows}). Forward keeps a reference to x (not a copy) and two doubles per row for
 * backward, so x must not change between the two.
 */
abstract class SoftmaxLayer implements Layer {
    private final SoftmaxConfig config;
    private final boolean log;
    private Tensor x;           // the last input, full shape [N, ...]
    private SoftmaxRows.View view;
    private double[] max;       // [rows] each row's maximum
    private double[] logSum;    // [rows] log Σ e^(x − max) per row
    private Tensor out, dX;     // same shape as x

    SoftmaxLayer(SoftmaxConfig config, boolean log) {
        this.config = config;
        this.log = log;
    }

    /** {@return the settings this layer was built with: the axis} */
    public final SoftmaxConfig config() { return config; }

    @Override
    public final Tensor forward(Tensor x) {
        SoftmaxRows.View v = SoftmaxRows.View.of(x.shape(), config.resolve(describe(), x.shape()));
        this.x = x;
        this.view = v;
        out = Buffers.reuse(out, x);
        if (max == null || max.length != v.rows()) { max = new double[v.rows()]; logSum = new double[v.rows()]; }
        float[] xs = x.data(), y = out.data();
        double[] m = max, l = logSum;
        SoftmaxRows.forRows(v, (lo, hi) -> SoftmaxRows.forward(v, xs, y, m, l, log, lo, hi));
        return out;
    }

    @Override
    public final Tensor backward(Tensor dOut) {
        ActivationLoops.checkBackward(this, out, dOut);
        dX = Buffers.reuse(dX, dOut);
        float[] xs = x.data(), g = dOut.data(), dx = dX.data();
        SoftmaxRows.View v = view;
        double[] m = max, l = logSum;
        SoftmaxRows.forRows(v, (lo, hi) -> SoftmaxRows.backward(v, xs, g, dx, m, l, log, lo, hi));
        return dX;
    }

    @Override
    public final Tensor infer(Tensor x) {
        SoftmaxRows.View v = SoftmaxRows.View.of(x.shape(), config.resolve(describe(), x.shape()));
        Tensor y = TensorPool.output(x.shape());
        float[] xs = x.data(), ys = y.data();
        SoftmaxRows.forRows(v, (lo, hi) -> SoftmaxRows.forward(v, xs, ys, null, null, log, lo, hi));
        return y;
    }

    /** The item shape unchanged; fails if dim does not fit the full shape [N, ...in]. */
    @Override
    public final int[] outputShape(int[] in) {
        int[] full = new int[in.length + 1];
        full[0] = 1;
        System.arraycopy(in, 0, full, 1, in.length);
        config.resolve(describe(), full);
        return in.clone();
    }
}
