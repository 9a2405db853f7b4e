package org.conv4j.loss;

import org.conv4j.layers.Buffers;
import org.conv4j.tensor.Tensor;

/**
 * Softmax cross-entropy on logits, torch.nn.CrossEntropyLoss with reduction 'mean':
 * loss = (1/N) Σᵢ [(1 − ε)·(lseᵢ − x[i, yᵢ]) + (ε/C)·Σ_c (lseᵢ − x[i, c])], lseᵢ = log Σ_c e^x[i, c].
 *
 * <p>Stable for any finite logits (±1e4 included): each row's log-sum-exp subtracts the row maximum and
 * sums in double. dInput = (softmax(x) − target) / N with target = (1 − ε)·one_hot(y) + ε/C.
 */
public final class CrossEntropyLoss implements Loss {
    private final CrossEntropyLossConfig config;
    private Tensor probs; // [N, C] softmax of the last input
    private int[] labels; // [N]
    private Tensor dInput; // [N, C]

    /**
     * A cross-entropy loss with the given label smoothing.
     *
     * @param config the settings
     */
    public CrossEntropyLoss(CrossEntropyLossConfig config) { this.config = config; }

    /** No label smoothing. */
    public CrossEntropyLoss() { this(CrossEntropyLossConfig.of()); }

    /** {@return the settings this loss was built with: the label smoothing ε} */
    public CrossEntropyLossConfig config() { return config; }

    @Override
    public float forward(Tensor input, int[] labels) {
        Labels.check(describe(), input, labels);
        int n = input.dim(0), c = input.dim(1);
        probs = Buffers.reuse(probs, input);
        this.labels = labels.clone();
        float[] x = input.data(), p = probs.data();
        double eps = config.labelSmoothing();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int row = i * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x[row + j]);
            double sum = 0, sumShifted = 0;
            for (int j = 0; j < c; j++) {
                double shifted = (double) x[row + j] - max; // exact for floats within a factor 2 of each other
                double e = Math.exp(shifted);
                p[row + j] = (float) e;
                sum += e;
                sumShifted += shifted;
            }
            double logSum = Math.log(sum);
            double inv = 1 / sum;
            for (int j = 0; j < c; j++) p[row + j] = (float) (p[row + j] * inv);
            // lse − x_y = log(sum) − (x_y − max); written so that no large number is subtracted from another.
            double nll = logSum - ((double) x[row + labels[i]] - max);
            double smooth = logSum - sumShifted / c; // mean over classes of (lse − x_c)
            total += (1 - eps) * nll + eps * smooth;
        }
        return (float) (total / n);
    }

    @Override
    public Tensor backward() {
        Labels.checkBackward(describe(), probs);
        int n = probs.dim(0), c = probs.dim(1);
        dInput = Buffers.reuse(dInput, probs);
        float[] p = probs.data(), dx = dInput.data();
        double eps = config.labelSmoothing();
        double off = eps / c;
        for (int i = 0; i < n; i++) {
            int row = i * c, y = labels[i];
            double others = 0; // Σ_{j≠y} p_j = 1 − p_y, without the cancellation of 1 − p_y when p_y ≈ 1
            for (int j = 0; j < c; j++) {
                if (j == y) continue;
                others += p[row + j];
                dx[row + j] = (float) ((p[row + j] - off) / n);
            }
            // p_y − ((1 − ε) + ε/C) = ε·(1 − 1/C) − Σ_{j≠y} p_j
            dx[row + y] = (float) ((eps - off - others) / n);
        }
        return dInput;
    }

    /**
     * The softmax probabilities of the last forward, [N, C]; reused by the next forward.
     *
     * @return [N, C], or null before the first forward
     */
    public Tensor probabilities() { return probs; }

    @Override
    public String describe() {
        return config.labelSmoothing() == 0 ? "CrossEntropyLoss" : "CrossEntropyLoss(label_smoothing=" + config.labelSmoothing() + ")";
    }
}
