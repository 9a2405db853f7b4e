package org.conv4j.train;

import java.util.List;
import org.conv4j.layers.Layer;
import org.conv4j.loss.Loss;
import org.conv4j.model.NamedParam;
import org.conv4j.tensor.Tensor;

/**
 * The gradient half of a training step, kept apart from the parameter update so that a data-parallel
 * trainer can run it on several workers, sum their {@code Param.grad()}s, and apply one optimizer step.
 *
 * <p>Call order: zero the gradients; {@link #compute} (forward in training mode, loss, backward, which adds
 * into every gradient); then {@link #checkFinite}; then the optimizer's step.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * What one batch's forward/backward gave.
     *
     * @param loss     mean loss over the batch
     * @param correct  images whose top-1 prediction is right
     * @param topK     images whose label is among the top k predictions
     */
    public record Result(float loss, int correct, int topK, int size) {}

    /** Forward, loss and backward of {@code network} over one batch; gradients are added into the parameters. */
    public static Result compute(Layer network, Loss loss, Tensor x, int[] labels, int k) {
        Tensor logits = network.forward(x);
        float l = loss.forward(logits, labels);
        int[] hits = Metrics.hits(logits, labels, k);
        network.backward(loss.backward());
        return new Result(l, hits[0], hits[1], labels.length);
    }

    /**
     * Fails with a {@link DivergenceException} if the loss or any gradient is NaN or infinite, naming the
     * first parameter (and its layer) where a bad value sits and the step.
     */
    public static void checkFinite(float loss, List<NamedParam> params, long step) {
        if (!Float.isFinite(loss)) {
            throw new DivergenceException(step, "training diverged at step " + step + ": the loss is " + loss
                    + " (try a lower --lr or --clip)");
        }
        for (NamedParam p : params) {
            if (!p.param().isTrainable()) continue;
            float[] g = p.param().grad().data();
            for (int i = 0; i < g.length; i++) {
                if (!Float.isFinite(g[i])) {
                    throw new DivergenceException(step, "training diverged at step " + step + ": gradient of " + p.name()
                            + " in layer " + p.owner().describe() + " is " + g[i] + " at index " + i
                            + " (try a lower --lr or --clip)");
                }
            }
        }
    }
}
