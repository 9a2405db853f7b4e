package org.conv4j.optim;

import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;

/**
 * torch.optim.SGD: {@code g += wd·p}; with momentum {@code buf = g} at the first step, then
 * {@code buf = μ·buf + (1−dampening)·g}; Nesterov uses {@code g + μ·buf}, else {@code buf}; {@code p −= lr·update}.
 */
public final class Sgd extends Optimizer {
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final float[][] buf;

    /**
     * SGD over one group of parameters.
     *
     * @param params      the parameters to update
     * @param lr          learning rate, ≥ 0
     * @param momentum    momentum factor, ≥ 0; 0 = none
     * @param dampening   dampening of the momentum
     * @param weightDecay L2 penalty, ≥ 0
     * @param nesterov    Nesterov momentum
     * @throws IllegalArgumentException if a setting is out of range
     */
    public Sgd(List<NamedParam> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(group(params, lr), momentum, dampening, weightDecay, nesterov);
    }

    /**
     * SGD over parameter groups, each with its own learning rate.
     *
     * @param groups      the parameter groups, at least one
     * @param momentum    momentum factor, ≥ 0; 0 = none
     * @param dampening   dampening of the momentum
     * @param weightDecay L2 penalty, ≥ 0
     * @param nesterov    Nesterov momentum
     * @throws IllegalArgumentException if a setting is out of range
     */
    public Sgd(List<ParamGroup> groups, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(groups);
        if (momentum < 0) throw new IllegalArgumentException("SGD: momentum must be >= 0, got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("SGD: weight_decay must be >= 0, got " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buf = momentum != 0 ? slot("momentum_buffer") : null;
    }

    /**
     * Plain SGD (no momentum, no decay) over {@code params}.
     *
     * @param params the parameters to update
     * @param lr     learning rate, ≥ 0
     */
    public Sgd(List<NamedParam> params, double lr) { this(params, lr, 0, 0, 0, false); }

    /**
     * SGD over every trainable parameter of {@code network} ({@link NamedParam#of}, in state_dict order),
     * e.g. {@code new Sgd(mySequential, 0.1, 0.9, 0, 5e-4, false)}.
     *
     * @param network     the network whose parameters to update
     * @param lr          learning rate, ≥ 0
     * @param momentum    momentum factor, ≥ 0; 0 = none
     * @param dampening   dampening of the momentum
     * @param weightDecay L2 penalty, ≥ 0
     * @param nesterov    Nesterov momentum
     */
    public Sgd(Layer network, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(NamedParam.of(network), lr, momentum, dampening, weightDecay, nesterov);
    }

    /**
     * Plain SGD over every trainable parameter of {@code network}: {@code new Sgd(mySequential, 0.1)}.
     *
     * @param network the network whose parameters to update
     * @param lr      learning rate, ≥ 0
     */
    public Sgd(Layer network, double lr) { this(NamedParam.of(network), lr); }

    /**
     * Plain SGD over the model's network: {@code new Sgd(model, 0.1)}.
     *
     * @param model the model whose parameters to update
     * @param lr    learning rate, ≥ 0
     */
    public Sgd(Model model, double lr) { this(model.network(), lr); }

    @Override public String name() { return "SGD"; }

    @Override
    protected void update(int i, float[] p, float[] g) {
        Kernels.optim().sgd(p.length, p, g, buf == null ? null : buf[i], (float) lr(i), (float) momentum,
                (float) (1 - dampening), (float) weightDecay, nesterov, step == 1);
    }
}
