package org.conv4j.train;

import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Layers;
import org.conv4j.loss.Loss;
import org.conv4j.layers.Container;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;

/**
 * The gradient half of a training step, kept apart from the parameter update so that a data-parallel
 * trainer can run it on several workers, sum their {@code Param.grad()}s, and apply one optimizer step.
 *
 * <p>Call order: zero the gradients; {@link #compute} (forward in training mode, loss, backward, which adds
 * into every gradient); then {@link #checkFinite}; then the optimizer's step; then {@link #checkValues}.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * What one batch's forward/backward gave.
     *
     * @param loss     mean loss over the batch
     * @param correct  images whose top-1 prediction is right
     * @param topK     images whose label is among the top k predictions
     * @param size     images in the batch
     */
    public record Result(float loss, int correct, int topK, int size) {}

    /**
     * Forward, loss and backward of {@code network} over one batch; gradients are added into the parameters.
     *
     * @param network the network, in training mode
     * @param loss    the loss of the logits against the labels
     * @param x       [N, ...] the batch's inputs
     * @param labels  [N] class indices
     * @param k       the k of the top-k hits
     * @return the batch's mean loss, hits and size
     */
    public static Result compute(Layer network, Loss loss, Tensor x, int[] labels, int k) {
        Tensor logits = network.forward(x);
        float l = loss.forward(logits, labels);
        int[] hits = Metrics.hits(logits, labels, k);
        network.backward(loss.backward());
        return new Result(l, hits[0], hits[1], labels.length);
    }

    /**
     * Fails with a {@link DivergenceException} if the loss or any gradient is NaN or infinite, naming the
     * step and where the bad value sits. Gradients are scanned in backward order (last layer first), so the
     * parameter named is the first one backward made non-finite. Without the batch, a bad loss cannot be
     * traced to a layer; prefer {@link #checkFinite(Layer, Tensor, float, List, long)}.
     *
     * @param loss   the batch's mean loss
     * @param params the parameters whose gradients are scanned
     * @param step   the 1-based step, named in the message
     * @throws DivergenceException if the loss or a gradient is not finite
     */
    public static void checkFinite(float loss, List<NamedParam> params, long step) {
        checkFinite(null, null, loss, params, step);
    }

    /**
     * As {@link #checkFinite(float, List, long)}; when the loss is not finite, also finds the layer it came
     * from: a non-finite input image, else a parameter or buffer whose value is non-finite, else the first
     * layer of {@code network} (a top-level child, run in inference mode on {@code x}) whose output is
     * non-finite. Only runs that search when the loss is bad, so a healthy step pays one scan of the gradients.
     *
     * @param network the network the batch ran through
     * @param x       the batch's inputs, or null
     * @param loss    the batch's mean loss
     * @param params  the parameters whose gradients are scanned
     * @param step    the 1-based step, named in the message
     * @throws DivergenceException if the loss or a gradient is not finite
     */
    public static void checkFinite(Layer network, Tensor x, float loss, List<NamedParam> params, long step) {
        if (!Float.isFinite(loss)) {
            throw new DivergenceException(step, "training diverged at step " + step + ": the loss is " + loss
                    + (network == null ? "" : "; " + locate(network, x, params)) + " (try a lower --lr or --clip)");
        }
        for (int j = params.size() - 1; j >= 0; j--) {
            NamedParam p = params.get(j);
            if (!p.param().isTrainable()) continue;
            float[] g = p.param().grad().data();
            if (surelyFinite(g)) continue;
            for (int i = 0; i < g.length; i++) {
                if (!Float.isFinite(g[i])) {
                    throw new DivergenceException(step, "training diverged at step " + step + ": gradient of " + p.name()
                            + " in layer " + p.owner().describe() + " is " + g[i] + " at index " + i
                            + " (try a lower --lr or --clip)");
                }
            }
        }
    }

    /**
     * Fails with a {@link DivergenceException} if any parameter or buffer of {@code params} holds a NaN or
     * infinity: after an update (an overflowing step) and before a checkpoint is written, so that no
     * checkpoint ever holds one.
     *
     * @param params the parameters and buffers to scan
     * @param step   the 1-based step, named in the message
     * @param when   says at which point, e.g. "after the update"
     * @throws DivergenceException if a value is NaN or infinite
     */
    public static void checkValues(List<NamedParam> params, long step, String when) {
        String bad = firstNonFiniteValue(params);
        if (bad != null) {
            throw new DivergenceException(step, "training diverged at step " + step + ": " + bad + " " + when
                    + " (try a lower --lr or --clip)");
        }
    }

    private static String firstNonFiniteValue(List<NamedParam> params) {
        for (NamedParam p : params) {
            float[] v = p.param().value().data();
            if (surelyFinite(v)) continue;
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    return p.name() + " of layer " + p.owner().describe() + " holds " + v[i] + " at index " + i;
                }
            }
        }
        return null;
    }

    /**
     * True when a vectorised sum of {@code a} is finite, which proves every value is (a NaN or infinity
     * makes any sum NaN or infinite). False only sends the caller to the exact scalar scan, which also
     * handles a sum that overflowed from finite values: one fast pass per step instead of a branchy one.
     */
    private static boolean surelyFinite(float[] a) {
        return Double.isFinite(Kernels.arrays().sum(a.length, a, 0));
    }

    /** Where a non-finite loss comes from, as a phrase for the error message. */
    static String locate(Layer network, Tensor x, List<NamedParam> params) {
        float[] in = x.data();
        int item = x.size() / Math.max(1, x.dim(0));
        for (int i = 0; i < in.length; i++) {
            if (!Float.isFinite(in[i])) return "the input batch holds " + in[i] + " (image " + i / item + " of the batch)";
        }
        String bad = firstNonFiniteValue(params);
        if (bad != null) return bad;
        List<Container.Child> layers = Layers.children(network);
        if (layers.isEmpty()) layers = List.of(new Container.Child("", network));
        Tensor a = x;
        for (Container.Child ch : layers) {
            a = ch.layer().infer(a);
            for (float v : a.data()) {
                if (!Float.isFinite(v)) {
                    return "layer " + (ch.name().isEmpty() ? "" : ch.name() + " ") + ch.layer().describe() + " outputs " + v;
                }
            }
        }
        return "every layer's output is finite in inference mode, so the training-mode forward or the loss overflowed";
    }
}
