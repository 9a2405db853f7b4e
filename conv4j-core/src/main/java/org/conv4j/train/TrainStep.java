package org.conv4j.train;

import java.util.List;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.loss.Loss;
import org.conv4j.optim.GradClip;
import org.conv4j.optim.LrSchedule;
import org.conv4j.optim.Optimizer;
import org.conv4j.tensor.Tensor;

/**
 * One optimizer step of a network, in two halves that a data-parallel trainer can run apart:
 * <ol>
 *   <li>{@link #gradients}: zero the gradients, then forward, loss and backward of a batch (or of a worker's
 *       share of one), leaving the gradient sum in every {@code Param.grad()};</li>
 *   <li>{@link #update}: on the gradients in place (one batch's, or the shares' summed into them): check they
 *       are finite, clip, set the scheduled lr, take the optimizer step, check the new values.</li>
 * </ol>
 * {@link #run} is the two in order on one batch. Works on any {@link Layer} network. Not thread-safe.
 */
public final class TrainStep {
    private final Layer network;
    private final List<NamedParam> params;
    private final Optimizer optimizer;
    private final Loss loss;
    private final int topK;
    private final double baseLr;
    private final LrSchedule schedule;
    private final double clipNorm;

    /**
     * One training step's two halves over {@code network}.
     *
     * @param network   the network to train
     * @param params    the network's {@link NamedParam#of parameters and buffers}, as the optimizer was built on
     * @param optimizer the optimizer over the trainable parameters
     * @param loss      the loss of the logits against the labels
     * @param topK      the k of the top-k hits each {@link Gradients.Result} counts
     * @param baseLr    the optimizer's first group's base lr (what {@link #lr} reports before the schedule's factor);
     *                  every group's rate is its own base rate times the factor
     * @param schedule  the learning-rate schedule, indexed by the number of steps done
     * @param clipNorm  the largest global gradient norm, or ≤ 0 for no clipping
     */
    public TrainStep(Layer network, List<NamedParam> params, Optimizer optimizer, Loss loss, int topK, double baseLr,
                     LrSchedule schedule, double clipNorm) {
        this.network = network;
        this.params = params;
        this.optimizer = optimizer;
        this.loss = loss;
        this.topK = topK;
        this.baseLr = baseLr;
        this.schedule = schedule;
        this.clipNorm = clipNorm;
    }

    /**
     * {@return the first group's lr in the step that follows {@code stepsDone} steps}
     *
     * @param stepsDone optimizer steps taken before that step
     */
    public double lr(long stepsDone) { return baseLr * schedule.factor(stepsDone); }

    /**
     * The gradient half: zeroes every gradient (of frozen parameters too, which the optimizer does not hold), then runs forward (training mode), loss and backward of
     * {@code x} [N, ...] with {@code labels} [N], which adds the batch's gradient into the parameters.
     *
     * @param x      [N, ...] the batch's inputs
     * @param labels [N] class indices
     * @return the batch's mean loss, size and top-1 and top-k hits
     */
    public Gradients.Result gradients(Tensor x, int[] labels) {
        for (NamedParam p : params) if (p.param().isTrainable()) p.param().grad().zero();
        return Gradients.compute(network, loss, x, labels, topK);
    }

    /**
     * The update half, after {@code stepsDone} steps: fails with a {@link DivergenceException} if {@code loss}
     * or a gradient is not finite (tracing a bad loss through {@code x}, which may be null), clips, sets the
     * lr of every group, steps the optimizer, and fails if a value became non-finite. Clipping measures only the
     * parameters the optimizer updates.
     *
     * @param stepsDone optimizer steps taken before this one
     * @param loss      the batch's mean loss
     * @param x         the batch's inputs, or null
     * @return the first group's lr in this step
     * @throws DivergenceException if the loss, a gradient or an updated value is not finite
     */
    public double update(long stepsDone, float loss, Tensor x) {
        long step = stepsDone + 1;
        Gradients.checkFinite(x == null ? null : network, x, loss, params, step);
        if (clipNorm > 0) GradClip.clipGlobalNorm(optimizer.params(), clipNorm);
        double lr = lr(stepsDone);
        optimizer.setLrFactor(schedule.factor(stepsDone));
        optimizer.step();
        Gradients.checkValues(params, step, "after the update");
        return lr;
    }

    /**
     * Both halves on one batch, after {@code stepsDone} steps.
     *
     * @param x         [N, ...] the batch's inputs
     * @param labels    [N] class indices
     * @param stepsDone optimizer steps taken before this one
     * @return the batch's mean loss, size and top-1 and top-k hits
     * @throws DivergenceException if the loss, a gradient or an updated value is not finite
     */
    public Gradients.Result run(Tensor x, int[] labels, long stepsDone) {
        Gradients.Result r = gradients(x, labels);
        update(stepsDone, r.loss(), x);
        return r;
    }
}
