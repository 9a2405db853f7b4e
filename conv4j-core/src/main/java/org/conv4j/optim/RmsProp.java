package org.conv4j.optim;

import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;

/**
 * torch.optim.RMSprop: {@code g += wd·p}; {@code sq = α·sq + (1−α)·g²}; centred subtracts the running mean
 * of g squared; {@code avg = √sq + ε}; with momentum {@code buf = μ·buf + g/avg}, {@code p −= lr·buf},
 * else {@code p −= lr·g/avg}.
 */
public final class RmsProp extends Optimizer {
    private final double alpha, eps, weightDecay, momentum;
    private final boolean centered;
    private final float[][] sq, gAvg, buf;

    /**
     * RMSprop over one group of parameters.
     *
     * @param params      the parameters to update
     * @param lr          learning rate, ≥ 0
     * @param alpha       smoothing constant of the squared-gradient average, in [0, 1]
     * @param eps         added to the denominator for stability, ≥ 0
     * @param weightDecay L2 penalty, ≥ 0
     * @param momentum    momentum factor, ≥ 0; 0 = none
     * @param centered    normalise by the estimated variance of the gradient rather than its raw second moment
     * @throws IllegalArgumentException if a setting is out of range
     */
    public RmsProp(List<NamedParam> params, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        this(group(params, lr), alpha, eps, weightDecay, momentum, centered);
    }

    /**
     * RMSprop over parameter groups, each with its own learning rate.
     *
     * @param groups      the parameter groups, at least one
     * @param alpha       smoothing constant of the squared-gradient average, in [0, 1]
     * @param eps         added to the denominator for stability, ≥ 0
     * @param weightDecay L2 penalty, ≥ 0
     * @param momentum    momentum factor, ≥ 0; 0 = none
     * @param centered    normalise by the estimated variance of the gradient
     * @throws IllegalArgumentException if a setting is out of range
     */
    public RmsProp(List<ParamGroup> groups, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        super(groups);
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("RMSprop: alpha must be in [0, 1], got " + alpha);
        if (!(eps >= 0) || !(weightDecay >= 0) || !(momentum >= 0)) {
            throw new IllegalArgumentException("RMSprop: eps, weight_decay and momentum must be >= 0");
        }
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
        this.sq = slot("square_avg");
        this.gAvg = centered ? slot("grad_avg") : null;
        this.buf = momentum > 0 ? slot("momentum_buffer") : null;
    }

    /**
     * {@return RMSprop with torch's defaults: alpha 0.99, eps 1e-8, no decay, no momentum, not centred}
     *
     * @param params the parameters to update
     * @param lr     learning rate, ≥ 0
     */
    public static RmsProp of(List<NamedParam> params, double lr) { return new RmsProp(params, lr, 0.99, 1e-8, 0, 0, false); }

    /**
     * {@return RMSprop with torch's defaults over every trainable parameter of {@code network}}
     *
     * @param network the network whose parameters to update
     * @param lr      learning rate, ≥ 0
     */
    public static RmsProp of(Layer network, double lr) { return of(NamedParam.of(network), lr); }

    /**
     * {@return RMSprop with torch's defaults over the model's network: {@code RmsProp.of(model, 1e-3)}}
     *
     * @param model the model whose parameters to update
     * @param lr    learning rate, ≥ 0
     */
    public static RmsProp of(Model model, double lr) { return of(model.network(), lr); }

    @Override public String name() { return "RMSprop"; }

    @Override
    protected void update(int i, float[] p, float[] g) {
        Kernels.optim().rmsprop(p.length, p, g, sq[i], gAvg == null ? null : gAvg[i], buf == null ? null : buf[i],
                (float) lr(i), (float) alpha, (float) (1 - alpha), (float) eps, (float) weightDecay, (float) momentum);
    }
}
