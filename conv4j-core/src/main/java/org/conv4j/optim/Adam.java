package org.conv4j.optim;

import java.util.List;
import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.optim.AdamStep;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;

/**
 * torch.optim.Adam and AdamW. Adam adds {@code wd·p} to the gradient (L2); AdamW instead decays the weight
 * directly, {@code p ·= 1 − lr·wd}, before the update. Then
 * {@code m = β1·m + (1−β1)·g}, {@code v = β2·v + (1−β2)·g²},
 * {@code p −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)}.
 */
public final class Adam extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final float[][] m, v;

    /**
     * Adam or AdamW over one group of parameters.
     *
     * @param params      the parameters to update
     * @param lr          learning rate, ≥ 0
     * @param beta1       decay of the first-moment average, in [0, 1)
     * @param beta2       decay of the second-moment average, in [0, 1)
     * @param eps         added to the denominator for stability, ≥ 0
     * @param weightDecay L2 penalty (Adam) or decoupled decay (AdamW), ≥ 0
     * @param decoupled   true for AdamW, false for Adam
     * @throws IllegalArgumentException if a setting is out of range
     */
    public Adam(List<NamedParam> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this(group(params, lr), beta1, beta2, eps, weightDecay, decoupled);
    }

    /**
     * Adam or AdamW over parameter groups, each with its own learning rate.
     *
     * @param groups      the parameter groups, at least one
     * @param beta1       decay of the first-moment average, in [0, 1)
     * @param beta2       decay of the second-moment average, in [0, 1)
     * @param eps         added to the denominator for stability, ≥ 0
     * @param weightDecay L2 penalty (Adam) or decoupled decay (AdamW), ≥ 0
     * @param decoupled   true for AdamW, false for Adam
     * @throws IllegalArgumentException if a setting is out of range
     */
    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(kind(decoupled) + ": betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0)) throw new IllegalArgumentException(kind(decoupled) + ": eps must be >= 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException(kind(decoupled) + ": weight_decay must be >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = slot("exp_avg");
        this.v = slot("exp_avg_sq");
    }

    /**
     * {@return Adam with torch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay}
     *
     * @param params the parameters to update
     * @param lr     learning rate, ≥ 0
     */
    public static Adam adam(List<NamedParam> params, double lr) { return new Adam(params, lr, 0.9, 0.999, 1e-8, 0, false); }

    /**
     * {@return AdamW with torch's defaults: betas (0.9, 0.999), eps 1e-8}
     *
     * @param params      the parameters to update
     * @param lr          learning rate, ≥ 0
     * @param weightDecay decoupled weight decay, ≥ 0
     */
    public static Adam adamW(List<NamedParam> params, double lr, double weightDecay) {
        return new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay, true);
    }

    /**
     * Adam with torch's defaults over every trainable parameter of {@code network} ({@link NamedParam#of}, in
     * state_dict order), e.g. {@code Adam.adam(mySequential, 1e-3)}.
     *
     * @param network the network whose parameters to update
     * @param lr      learning rate, ≥ 0
     * @return the optimizer
     */
    public static Adam adam(Layer network, double lr) { return adam(NamedParam.of(network), lr); }

    /**
     * {@return Adam with torch's defaults over the model's network: {@code Adam.adam(model, 1e-3)}}
     *
     * @param model the model whose parameters to update
     * @param lr    learning rate, ≥ 0
     */
    public static Adam adam(Model model, double lr) { return adam(model.network(), lr); }

    /**
     * {@return AdamW with torch's defaults over every trainable parameter of {@code network}}
     *
     * @param network     the network whose parameters to update
     * @param lr          learning rate, ≥ 0
     * @param weightDecay decoupled weight decay, ≥ 0
     */
    public static Adam adamW(Layer network, double lr, double weightDecay) { return adamW(NamedParam.of(network), lr, weightDecay); }

    /**
     * {@return AdamW with torch's defaults over the model's network}
     *
     * @param model       the model whose parameters to update
     * @param lr          learning rate, ≥ 0
     * @param weightDecay decoupled weight decay, ≥ 0
     */
    public static Adam adamW(Model model, double lr, double weightDecay) { return adamW(model.network(), lr, weightDecay); }

    private static String kind(boolean decoupled) { return decoupled ? "AdamW" : "Adam"; }

    @Override public String name() { return kind(decoupled); }

    @Override
    protected void update(int i, float[] p, float[] g) {
        Kernels.optim().adam(p.length, p, g, m[i], v[i], AdamStep.of(lr(i), beta1, beta2, eps, weightDecay, decoupled, step));
    }
}
