package org.conv4j.loss;

import org.conv4j.layers.Buffers;
import org.conv4j.tensor.Tensor;

/**
 * Multiclass hinge (SVM) loss, torch.nn.MultiMarginLoss with reduction 'mean':
 * loss = (1/N) Σᵢ (1/C) Σ_{j≠yᵢ} max(0, margin − x[i, yᵢ] + x[i, j])ᵖ, p ∈ {1, 2}.
 * A hinge exactly at 0 contributes no gradient, as in torch.
 */
public final class MultiMarginLoss implements Loss {
    private final MultiMarginLossConfig config;
    private Tensor input;  // [N, C] the last input (not copied)
    private int[] labels;  // [N]
    private Tensor dInput; // [N, C]

    /**
     * A multiclass hinge loss with the given exponent and margin.
     *
     * @param config the settings
     */
    public MultiMarginLoss(MultiMarginLossConfig config) { this.config = config; }

    /** p = 1, margin 1. */
    public MultiMarginLoss() { this(MultiMarginLossConfig.of()); }

    /** {@return the settings this loss was built with: the exponent p and the margin} */
    public MultiMarginLossConfig config() { return config; }

    @Override
    public float forward(Tensor input, int[] labels) {
        Labels.check(describe(), input, labels);
        this.input = input;
        this.labels = labels.clone();
        int n = input.dim(0), c = input.dim(1);
        float[] x = input.data();
        double margin = config.margin(), total = 0;
        for (int i = 0; i < n; i++) {
            int row = i * c, y = labels[i];
            double sum = 0;
            for (int j = 0; j < c; j++) {
                if (j == y) continue;
                double h = margin - x[row + y] + x[row + j];
                if (h > 0) sum += config.p() == 1 ? h : h * h;
            }
            total += sum / c;
        }
        return (float) (total / n);
    }

    @Override
    public Tensor backward() {
        Labels.checkBackward(describe(), input);
        int n = input.dim(0), c = input.dim(1);
        dInput = Buffers.reuse(dInput, input);
        float[] x = input.data(), dx = dInput.data();
        double margin = config.margin(), scale = 1.0 / ((double) n * c);
        for (int i = 0; i < n; i++) {
            int row = i * c, y = labels[i];
            double dy = 0;
            for (int j = 0; j < c; j++) {
                if (j == y) continue;
                double h = margin - x[row + y] + x[row + j];
                double d = h > 0 ? (config.p() == 1 ? 1 : 2 * h) * scale : 0;
                dx[row + j] = (float) d;
                dy -= d;
            }
            dx[row + y] = (float) dy;
        }
        return dInput;
    }

    @Override
    public String describe() {
        return config.equals(MultiMarginLossConfig.of()) ? "MultiMarginLoss"
                : "MultiMarginLoss(p=" + config.p() + ", margin=" + config.margin() + ")";
    }
}
