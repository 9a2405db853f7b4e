package org.conv4j.norm;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Layer normalisation of a tensor viewed as [O, K, I]: the K values x[o, ·, i] at each (o, i) are
 * normalised by their own mean and biased variance, then scaled by γ[K] and shifted by β[K]. Shared by
 * {@link LayerNorm2d} (O = N, K = C, I = H·W: ConvNeXt's norm over channels) and {@link LayerNorm}
 * (O = the leading positions, K = the product of normalized_shape, I = 1), which own the shape rules.
 *
 * <p>Statistics are computed in double, mean first and then the squared deviations (two passes); forward
 * keeps them per position and a reference to x, and backward recomputes x̂ from x in double. Work is split
 * over o in chunks whose bounds depend only on the sizes, and the parameter gradients are summed per chunk
 * then over chunks in order, so results do not depend on the thread count.
 */
final class LayerNormCore {
    /** Chunks go parallel above this many values. */
    private static final int PARALLEL_MIN = 1 << 15;
    /** Values per chunk (rounded to whole o). */
    private static final int GRAIN_VALUES = 1 << 14;

    private final int k;            // K, the normalised values per position
    private final double eps;
    private final Param weight;     // [normalised shape] γ, ones; null without elementwise_affine
    private final Param bias;       // [normalised shape] β, zeros; null without elementwise_affine

    // Cache of the last forward, for backward.
    private Tensor x;               // [O, K, I] the last input (not copied)
    private int outer, inner;
    private double[] mean;          // [O·I]
    private double[] invStd;        // [O·I] 1/√(var + eps)
    private Tensor out, dX;

    LayerNormCore(int[] paramShape, double eps, boolean affine) {
        Tensor ones = new Tensor(paramShape).fill(1f);
        this.k = ones.size();
        this.eps = eps;
        this.weight = affine ? Param.trainable("weight", ones) : null;
        this.bias = affine ? Param.trainable("bias", new Tensor(paramShape)) : null;
    }

    Param weight() { return weight; }

    Param bias() { return bias; }

    List<Param> params() {
        List<Param> ps = new ArrayList<>(2);
        if (weight != null) { ps.add(weight); ps.add(bias); }
        return List.copyOf(ps);
    }

    /** dX for the last forward of the layer named {@code layer}; fails clearly before a forward or on a wrong dOut. */
    Tensor backward(String layer, Tensor dOut) {
        if (x == null) throw new IllegalStateException(layer + ": backward called before forward");
        Shapes.check(layer, "dOut", dOut, out.shape());
        return backward(dOut);
    }

    private int grain(int inner) { return Math.max(1, GRAIN_VALUES / Math.max(1, k * inner)); }

    private void forOuter(int outer, int inner, Parallel.RangeBody body) {
        if ((long) outer * k * inner < PARALLEL_MIN) body.run(0, outer);
        else Parallel.forChunks(outer, grain(inner), body);
    }

    /** Forward of x viewed as [outer, K, inner]; keeps what backward needs. */
    Tensor forward(Tensor x, int outer, int inner) {
        this.x = x;
        this.outer = outer;
        this.inner = inner;
        out = Buffers.reuse(out, x);
        if (mean == null || mean.length != outer * inner) { mean = new double[outer * inner]; invStd = new double[outer * inner]; }
        float[] xs = x.data(), y = out.data();
        double[] mu = mean, inv = invStd;
        forOuter(outer, inner, (lo, hi) -> normalise(xs, y, mu, inv, inner, lo, hi));
        return out;
    }

    /** The same output as forward, into a new tensor; keeps nothing. */
    Tensor infer(Tensor x, int outer, int inner) {
        Tensor y = Tensor.zerosLike(x);
        float[] xs = x.data(), ys = y.data();
        double[] mu = new double[outer * inner], inv = new double[outer * inner];
        forOuter(outer, inner, (lo, hi) -> normalise(xs, ys, mu, inv, inner, lo, hi));
        return y;
    }

    /** y = γ·(x − mean)·invStd + β for o in [lo, hi); writes each position's mean and invStd. */
    private void normalise(float[] x, float[] y, double[] mean, double[] invStd, int inner, int lo, int hi) {
        float[] gamma = weight == null ? null : weight.value().data();
        float[] beta = bias == null ? null : bias.value().data();
        double[] sq = new double[inner]; // Σ (x − mean)² per position
        for (int o = lo; o < hi; o++) {
            int base = o * k * inner, pos = o * inner;
            // Loops run c outer, i inner so memory is read in order; each position sums its K values in c order.
            for (int i = 0; i < inner; i++) { mean[pos + i] = 0; sq[i] = 0; }
            for (int c = 0; c < k; c++) {
                int row = base + c * inner;
                for (int i = 0; i < inner; i++) mean[pos + i] += x[row + i];
            }
            for (int i = 0; i < inner; i++) mean[pos + i] /= k;
            for (int c = 0; c < k; c++) {
                int row = base + c * inner;
                for (int i = 0; i < inner; i++) { double d = x[row + i] - mean[pos + i]; sq[i] += d * d; }
            }
            for (int i = 0; i < inner; i++) invStd[pos + i] = 1 / Math.sqrt(sq[i] / k + eps);
            for (int c = 0; c < k; c++) {
                int row = base + c * inner;
                double g = gamma == null ? 1 : gamma[c], b = beta == null ? 0 : beta[c];
                for (int i = 0; i < inner; i++) y[row + i] = (float) ((x[row + i] - mean[pos + i]) * invStd[pos + i] * g + b);
            }
        }
    }

    /**
     * dX from dOut; adds Σ dOut·x̂ into dWeight and Σ dOut into dBias (over every position). Per position,
     * with ĝ = dOut·γ: dX = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), the means over the K values.
     */
    Tensor backward(Tensor dOut) {
        dX = Buffers.reuse(dX, dOut);
        float[] g = dOut.data(), xs = x.data(), dx = dX.data();
        int outer = this.outer, inner = this.inner;
        int chunkSize = grain(inner), chunks = Parallel.chunkCount(outer, chunkSize);
        boolean affine = weight != null;
        // Per-chunk partial sums of dWeight and dBias, added in chunk order afterwards.
        double[][] dGammaParts = affine ? new double[chunks][k] : null;
        double[][] dBetaParts = affine ? new double[chunks][k] : null;
        double[] mu = mean, inv = invStd;
        Parallel.RangeBody body = (lo, hi) -> {
            int chunk = lo / chunkSize;
            inputGrad(g, xs, dx, mu, inv, inner, lo, hi,
                    affine ? dGammaParts[chunk] : null, affine ? dBetaParts[chunk] : null);
        };
        if ((long) outer * k * inner < PARALLEL_MIN) {
            for (int c = 0; c < chunks; c++) body.run(c * chunkSize, Math.min(outer, (c + 1) * chunkSize));
        } else {
            Parallel.forChunks(outer, chunkSize, body);
        }
        if (affine) {
            float[] dGamma = weight.grad().data(), dBeta = bias.grad().data();
            for (int c = 0; c < k; c++) {
                double sg = 0, sb = 0;
                for (int part = 0; part < chunks; part++) { sg += dGammaParts[part][c]; sb += dBetaParts[part][c]; }
                dGamma[c] += (float) sg;
                dBeta[c] += (float) sb;
            }
        }
        return dX;
    }

    private void inputGrad(float[] g, float[] x, float[] dx, double[] mean, double[] invStd, int inner, int lo, int hi,
                           double[] dGamma, double[] dBeta) {
        float[] gamma = weight == null ? null : weight.value().data();
        double[] sumG = new double[inner], sumGx = new double[inner]; // Σ ĝ and Σ ĝ·x̂ per position
        for (int o = lo; o < hi; o++) {
            int base = o * k * inner, pos = o * inner;
            for (int i = 0; i < inner; i++) { sumG[i] = 0; sumGx[i] = 0; }
            for (int c = 0; c < k; c++) {
                int row = base + c * inner;
                double gm = gamma == null ? 1 : gamma[c];
                double dg = 0, db = 0;
                for (int i = 0; i < inner; i++) {
                    double xh = (x[row + i] - mean[pos + i]) * invStd[pos + i];
                    double gi = g[row + i];
                    sumG[i] += gi * gm;
                    sumGx[i] += gi * gm * xh;
                    dg += gi * xh;
                    db += gi;
                }
                if (dGamma != null) { dGamma[c] += dg; dBeta[c] += db; }
            }
            for (int c = 0; c < k; c++) {
                int row = base + c * inner;
                double gm = gamma == null ? 1 : gamma[c];
                for (int i = 0; i < inner; i++) {
                    double xh = (x[row + i] - mean[pos + i]) * invStd[pos + i];
                    dx[row + i] = (float) (invStd[pos + i] * (g[row + i] * gm - sumG[i] / k - xh * sumGx[i] / k));
                }
            }
        }
    }
}
