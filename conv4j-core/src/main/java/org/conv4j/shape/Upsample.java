package org.conv4j.shape;

import java.util.Arrays;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Resizes the last two dimensions as torch.nn.Upsample (torch.nn.functional.interpolate) in torch 1.13:
 * x [N, C, H, W] → out [N, C, OH, OW], with OH, OW the configured size or ⌊H·s⌋, ⌊W·s⌋.
 *
 * <p>Each output cell is a weighted sum of input cells chosen per axis (nearest: one cell, weight 1;
 * bilinear: two neighbours, weights 1−λ and λ), computed the way torch's float32 CPU kernels compute
 * them. Backward scatters dOut to the same cells with the same weights.
 */
public final class Upsample implements Layer {
    private final UpsampleConfig config;
    private final String name;

    private int[] shape;     // [N, C, H, W] of the last forward input
    private Axis rows;       // OH output rows → input rows
    private Axis cols;       // OW output columns → input columns
    private Tensor out;      // [N, C, OH, OW] reused
    private Tensor dX;       // [N, C, H, W] reused
    private double[] dXSum;  // [N·C·H·W] backward's running sums, reused

    /**
     * Where each output index along one axis reads: input indices lo[o] and hi[o] with weights
     * 1 − frac[o] and frac[o] (bilinear), or lo[o] alone (nearest, where hi and frac are unused).
     */
    record Axis(int[] lo, int[] hi, float[] frac) {
        int size() { return lo.length; }
    }

    /**
     * A resize layer; the output size is computed from each input's size when it arrives.
     *
     * @param config the size or scale factor, the mode and its options
     */
    public Upsample(UpsampleConfig config) {
        this.config = config;
        this.name = config.describe();
    }

    /** {@return the settings this layer was built with: output size or scale factor, mode, align_corners} */
    public UpsampleConfig config() { return config; }

    private boolean nearest() { return config.mode() != UpsampleConfig.Mode.BILINEAR; }

    @Override
    public Tensor forward(Tensor x) {
        check(x);
        Axis r = axis(x.dim(2), config.sizeH(), config.scaleH()), c = axis(x.dim(3), config.sizeW(), config.scaleW());
        out = Buffers.reuse(out, x.dim(0), x.dim(1), r.size(), c.size());
        resize(x, r, c, out);
        shape = x.shape();
        rows = r;
        cols = c;
        return out;
    }

    /**
     * dX[lo/hi rows × lo/hi columns] += weight · dOut, the transpose of the forward's weighted sums. Each
     * input cell gathers several terms of either sign, so they are summed in double and rounded once.
     */
    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        int oh = rows.size(), ow = cols.size(), h = shape[2], w = shape[3];
        Shapes.check(name, "dOut", dOut, shape[0], shape[1], oh, ow);
        dX = Buffers.reuse(dX, shape);
        if (dXSum == null || dXSum.length != dX.size()) dXSum = new double[dX.size()];
        Arrays.fill(dXSum, 0);
        double[] d = dXSum;
        float[] g = dOut.data();
        for (int pl = 0; pl < shape[0] * shape[1]; pl++) {
            int in = pl * h * w;
            for (int i = 0; i < oh; i++) {
                int r0 = in + rows.lo[i] * w, r1 = in + rows.hi[i] * w;
                float h1 = rows.frac[i], h0 = 1 - h1;
                for (int j = 0; j < ow; j++) {
                    float gv = g[(pl * oh + i) * ow + j];
                    if (nearest()) {
                        d[r0 + cols.lo[j]] += gv;
                    } else {
                        float w1 = cols.frac[j], w0 = 1 - w1;
                        d[r0 + cols.lo[j]] += (double) h0 * w0 * gv;
                        d[r0 + cols.hi[j]] += (double) h0 * w1 * gv;
                        d[r1 + cols.lo[j]] += (double) h1 * w0 * gv;
                        d[r1 + cols.hi[j]] += (double) h1 * w1 * gv;
                    }
                }
            }
        }
        float[] dx = dX.data();
        for (int i = 0; i < dx.length; i++) dx[i] = (float) d[i];
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        check(x);
        Axis r = axis(x.dim(2), config.sizeH(), config.scaleH()), c = axis(x.dim(3), config.sizeW(), config.scaleW());
        Tensor y = TensorPool.output(x.dim(0), x.dim(1), r.size(), c.size());
        resize(x, r, c, y);
        return y;
    }

    /**
     * out = x[lo rows, lo cols] (nearest), or (x00·w0 + x01·w1)·h0 + (x10·w0 + x11·w1)·h1 in torch's order,
     * with torch's float weights but summed in double: neighbours of opposite sign cancel without losing digits.
     */
    private void resize(Tensor x, Axis r, Axis c, Tensor y) {
        int h = x.dim(2), w = x.dim(3), oh = r.size(), ow = c.size();
        float[] src = x.data(), o = y.data();
        boolean nearest = nearest();
        for (int pl = 0; pl < x.dim(0) * x.dim(1); pl++) {
            int in = pl * h * w;
            for (int i = 0; i < oh; i++) {
                int r0 = in + r.lo[i] * w, r1 = in + r.hi[i] * w, dst = (pl * oh + i) * ow;
                float h1 = r.frac[i], h0 = 1 - h1;
                for (int j = 0; j < ow; j++) {
                    if (nearest) {
                        o[dst + j] = src[r0 + c.lo[j]];
                    } else {
                        float w1 = c.frac[j], w0 = 1 - w1;
                        double top = (double) src[r0 + c.lo[j]] * w0 + (double) src[r0 + c.hi[j]] * w1;
                        double bottom = (double) src[r1 + c.lo[j]] * w0 + (double) src[r1 + c.hi[j]] * w1;
                        o[dst + j] = (float) (top * h0 + bottom * h1);
                    }
                }
            }
        }
    }

    /** The map of one axis of input length {@code in}; fails when the output would be empty. */
    Axis axis(int in, int size, double scale) {
        int out = UpsampleConfig.outSize(in, size, scale);
        if (out < 1 || in < 1) {
            throw new ShapeException(name + ": input and output sizes must be positive, but an input side of " + in
                    + " gives an output side of " + out);
        }
        int[] lo = new int[out], hi = new int[out];
        float[] frac = new float[out];
        switch (config.mode()) {
            case NEAREST -> {
                // torch's NCHW kernel: ⌊o·step⌋ in float, even when a scale factor leaves the size unchanged
                float step = config.step(in, out, scale);
                for (int o = 0; o < out; o++) lo[o] = Math.min((int) Math.floor(o * step), in - 1);
            }
            case NEAREST_EXACT -> {
                // torch's nearest_neighbor_exact_compute_source_index: (o + 0.5)·step in double, floored as a float
                float step = config.step(in, out, scale);
                for (int o = 0; o < out; o++) lo[o] = Math.min((int) Math.floor((float) ((o + 0.5) * step)), in - 1);
            }
            case BILINEAR -> {
                // torch's area_pixel_compute_scale / _source_index: half-pixel centres unless align_corners
                // torch 1.13 copies an axis whose size does not change, even when a scale factor maps it by 1/s
                float step = config.alignCorners() ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f)
                        : out == in ? 1f : config.step(in, out, scale);
                for (int o = 0; o < out; o++) {
                    float real = config.alignCorners() ? step * o : (float) Math.max(0, step * (o + 0.5) - 0.5);
                    int i0 = (int) real;
                    lo[o] = i0;
                    hi[o] = i0 + (i0 < in - 1 ? 1 : 0);
                    frac[o] = Math.min(Math.max(real - i0, 0f), 1f);
                }
            }
        }
        return new Axis(lo, hi, frac);
    }

    private void check(Tensor x) {
        Shapes.checkRank(name, "x", x, 4);
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new ShapeException(name, "input item", in, new int[] {-1, -1, -1});
        return new int[] {in[0], axis(in[1], config.sizeH(), config.scaleH()).size(), axis(in[2], config.sizeW(), config.scaleW()).size()};
    }

    @Override
    public String describe() { return name; }
}
