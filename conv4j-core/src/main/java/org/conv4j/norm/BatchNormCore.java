package org.conv4j.norm;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;
import org.conv4j.kernels.norm.NormKernels;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Batch normalisation over a tensor viewed as [N, C, S] (S = product of the spatial sizes, 1 for
 * [N, C] input), per channel c over its M = N·S values. Shared by {@link BatchNorm1d} and
 * {@link BatchNorm2d}, which own the shape rules.
 *
 * <p>Training (or no running statistics): mean and biased variance of the batch normalise;
 * running_mean and running_var move towards the batch mean and the <em>unbiased</em> variance
 * (× M/(M−1)), as torch does. Evaluation: the running statistics normalise.
 * Each channel is reduced by one task, in double, in the fixed order of the lane sums of
 * {@link Kernels#norm()}, so results do not depend on the thread count or the vector width.
 */
final class BatchNormCore {
    /** Channel loops go parallel above this many values. */
    private static final int PARALLEL_MIN = 1 << 15;

    private final BatchNormConfig config;
    private final Param weight;      // [C] γ, or null without affine
    private final Param bias;        // [C] β, or null without affine
    private final Param runningMean; // [C], or null without running statistics
    private final Param runningVar;  // [C], or null without running statistics
    private boolean training = true;

    // Cache of the last forward, for backward. x̂ is recomputed from x in double: storing it as float
    // would cost a buffer and, for tiny batches (M = 2, where x̂ = ±(1 − ε/2var)), most of dX's digits.
    private Tensor x;          // [N, C, S] the last input (not copied)
    private double[] mean;     // [C] mean used
    private double[] invStd;   // [C] 1/√(var + eps) used
    private boolean batchStats; // whether the last forward normalised with batch statistics
    private int n, s;
    private Tensor out, dX;

    BatchNormCore(BatchNormConfig config) {
        this.config = config;
        int c = config.numFeatures();
        if (config.affine()) {
            weight = Param.trainable("weight", new Tensor(c).fill(1f));
            bias = Param.trainable("bias", new Tensor(c));
        } else {
            weight = null;
            bias = null;
        }
        if (config.trackRunningStats()) {
            runningMean = Param.buffer("running_mean", new Tensor(c));
            runningVar = Param.buffer("running_var", new Tensor(c).fill(1f));
        } else {
            runningMean = null;
            runningVar = null;
        }
    }

    BatchNormConfig config() { return config; }

    Param weight() { return weight; }

    Param bias() { return bias; }

    Param runningMean() { return runningMean; }

    Param runningVar() { return runningVar; }

    void setTraining(boolean t) { training = t; }

    boolean isTraining() { return training; }

    List<Param> params() {
        List<Param> ps = new ArrayList<>(4);
        if (weight != null) { ps.add(weight); ps.add(bias); }
        if (runningMean != null) { ps.add(runningMean); ps.add(runningVar); }
        return List.copyOf(ps);
    }

    private static void forChannels(int channels, long values, Parallel.RangeBody body) {
        if (values < PARALLEL_MIN) body.run(0, channels);
        else Parallel.forChunks(channels, 1, body);
    }

    /** Forward of x viewed as [N, C, S]; caches for backward; updates running statistics in training. */
    Tensor forward(String where, Tensor x, int n, int s) {
        int c = config.numFeatures();
        boolean useBatch = training || runningMean == null;
        if (useBatch && (long) n * s <= 1) {
            throw new IllegalArgumentException(where + ": expected more than 1 value per channel when training, got input of shape "
                    + org.conv4j.tensor.Shapes.show(x.shape()));
        }
        this.n = n;
        this.s = s;
        this.batchStats = useBatch;
        this.x = x;
        out = Buffers.reuse(out, x);
        if (invStd == null) { invStd = new double[c]; mean = new double[c]; }
        normalise(x.data(), out.data(), mean, invStd, n, s, useBatch, training && runningMean != null);
        return out;
    }

    /** Inference: running statistics if tracked, else the batch's; touches no state. */
    Tensor infer(String where, Tensor x, int n, int s) {
        boolean useBatch = runningMean == null;
        if (useBatch && (long) n * s <= 1) {
            throw new IllegalArgumentException(where + ": expected more than 1 value per channel without running statistics, got input of shape "
                    + org.conv4j.tensor.Shapes.show(x.shape()));
        }
        Tensor y = TensorPool.output(x.shape());
        normalise(x.data(), y.data(), new double[config.numFeatures()], new double[config.numFeatures()], n, s, useBatch, false);
        return y;
    }

    /** y = γ·(x − mean)·invStd + β per channel; writes the mean and invStd used into {@code means} and {@code inv}. */
    private void normalise(float[] x, float[] y, double[] means, double[] inv, int n, int s, boolean useBatch, boolean updateRunning) {
        int c = config.numFeatures();
        long m = (long) n * s;
        float[] gamma = weight == null ? null : weight.value().data();
        float[] beta = bias == null ? null : bias.value().data();
        float[] rm = runningMean == null ? null : runningMean.value().data();
        float[] rv = runningVar == null ? null : runningVar.value().data();
        double eps = config.eps(), mom = config.momentum();
        NormKernels ew = Kernels.norm();
        forChannels(c, m * c, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double mean, var;
                if (useBatch) {
                    mean = ew.laneSum(n, s, x, ch * s, c * s) / m;
                    double sq = ew.laneSumSquaredDeviation(n, s, x, ch * s, c * s, mean);
                    var = sq / m;
                    if (updateRunning) {
                        rm[ch] = (float) ((1 - mom) * rm[ch] + mom * mean);
                        rv[ch] = (float) ((1 - mom) * rv[ch] + mom * (sq / (m - 1)));
                    }
                } else {
                    mean = rm[ch];
                    var = rv[ch];
                }
                double is = 1 / Math.sqrt(var + eps);
                inv[ch] = is;
                means[ch] = mean;
                ew.batchNormApply(n, s, x, ch * s, c * s, mean, is, gamma == null ? 1 : gamma[ch], beta == null ? 0 : beta[ch], y);
            }
        });
    }

    /**
     * dX from dOut; adds Σ dOut·x̂ into dWeight and Σ dOut into dBias. With batch statistics,
     * dX = γ·invStd/M · (M·dOut − Σ dOut − x̂·Σ dOut·x̂) per channel; with running statistics,
     * dX = γ·invStd·dOut.
     */
    Tensor backward(Tensor dOut) {
        int c = config.numFeatures();
        dX = Buffers.reuse(dX, dOut);
        float[] g = dOut.data(), xs = x.data(), dx = dX.data();
        float[] gamma = weight == null ? null : weight.value().data();
        float[] dGamma = weight == null ? null : weight.grad().data();
        float[] dBeta = bias == null ? null : bias.grad().data();
        int n = this.n, s = this.s;
        long m = (long) n * s;
        boolean useBatch = batchStats;
        double[] inv = invStd, means = mean;
        NormKernels ew = Kernels.norm();
        forChannels(c, m * c, (lo, hi) -> {
            double[] sums = new double[2]; // Σ dOut, Σ dOut·x̂
            for (int ch = lo; ch < hi; ch++) {
                double mu = means[ch], is = inv[ch];
                ew.laneGradientSums(n, s, g, xs, ch * s, c * s, mu, is, sums);
                double sumG = sums[0], sumGx = sums[1];
                double gm = gamma == null ? 1 : gamma[ch];
                double k = gm * is;
                if (useBatch) {
                    ew.batchNormInputGrad(n, s, g, xs, ch * s, c * s, mu, is, k, sumG / m, sumGx / m, dx);
                } else {
                    // Running statistics are constants: dX is dOut scaled, x does not enter.
                    for (int i = 0; i < n; i++) {
                        int base = (i * c + ch) * s;
                        for (int j = 0; j < s; j++) dx[base + j] = (float) (k * g[base + j]);
                    }
                }
                if (dGamma != null) {
                    dGamma[ch] += (float) sumGx;
                    dBeta[ch] += (float) sumG;
                }
            }
        });
        return dX;
    }

    /** dX for the last forward of the layer named {@code layer}; fails clearly before a forward or on a wrong dOut. */
    Tensor backward(String layer, Tensor dOut) {
        if (x == null) throw new IllegalStateException(layer + ": backward called before forward");
        Shapes.check(layer, "dOut", dOut, out.shape());
        return backward(dOut);
    }

}
