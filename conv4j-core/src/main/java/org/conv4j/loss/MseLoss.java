package org.conv4j.loss;

import org.conv4j.layers.Buffers;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Mean squared error, torch.nn.MSELoss with reduction 'mean': loss = (1/K) Σ (input − target)² over
 * all K values; dInput = 2·(input − target)/K. With integer labels the target is their one-hot
 * encoding over the C columns of an [N, C] input.
 */
public final class MseLoss implements Loss {
    private Tensor diff;   // input − target, the input's shape
    private Tensor dInput;

    /** A mean squared error; it has no settings. */
    public MseLoss() {}

    /**
     * Mean of (input − target)² over every value; the shapes must be equal.
     *
     * @param input  any shape, not empty
     * @param target the input's shape
     * @return the mean of (input − target)²
     * @throws IllegalArgumentException if the shapes differ or the input is empty
     */
    public float forward(Tensor input, Tensor target) {
        Shapes.check(describe(), "target", target, input.shape());
        if (input.size() == 0) throw new IllegalArgumentException(describe() + ": empty input of shape " + Shapes.show(input.shape()));
        diff = Buffers.reuse(diff, input);
        float[] x = input.data(), t = target.data(), d = diff.data();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i] - t[i];
            sum += (double) d[i] * d[i];
        }
        return (float) (sum / x.length);
    }

    /** Against one-hot targets: input [N, C], labels in [0, C). */
    @Override
    public float forward(Tensor input, int[] labels) {
        Labels.check(describe(), input, labels);
        int c = input.dim(1);
        Tensor target = Tensor.zerosLike(input);
        for (int i = 0; i < labels.length; i++) target.data()[i * c + labels[i]] = 1f;
        return forward(input, target);
    }

    @Override
    public Tensor backward() {
        Labels.checkBackward(describe(), diff);
        dInput = Buffers.reuse(dInput, diff);
        float[] d = diff.data(), dx = dInput.data();
        float k = 2f / d.length;
        for (int i = 0; i < d.length; i++) dx[i] = k * d[i];
        return dInput;
    }

    @Override
    public String describe() { return "MseLoss"; }
}
