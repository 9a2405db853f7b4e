package org.conv4j.optim;

import java.util.List;
import org.conv4j.layers.NamedParam;

/**
 * Parameters that share a learning rate, as a torch.optim parameter group: fine-tuning gives the new head one
 * rate and the unfrozen backbone a smaller one. An {@link Optimizer} holds one or more groups; a schedule
 * multiplies every group's base rate by the same factor ({@link Optimizer#setLrFactor}), as torch's LambdaLR
 * does.
 *
 * @param name   names the group in checkpoints and messages ("head", "backbone"); distinct within an optimizer
 * @param params the group's parameters; buffers (no gradient) are skipped by the optimizer
 * @param lr     the base learning rate, ≥ 0
 */
public record ParamGroup(String name, List<NamedParam> params, double lr) {
    /**
     * Validates the group and copies its parameter list.
     *
     * @throws IllegalArgumentException if the name is empty or lr is negative, infinite or NaN
     */
    public ParamGroup {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("ParamGroup: needs a name");
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("ParamGroup " + name + ": lr must be >= 0, got " + lr);
        params = List.copyOf(params);
    }

    /**
     * {@return the one group "all" of an optimizer built on a plain parameter list}
     *
     * @param params the parameters
     * @param lr     the base learning rate, ≥ 0
     * @throws IllegalArgumentException if {@code lr} is negative, infinite or NaN
     */
    public static ParamGroup all(List<NamedParam> params, double lr) { return new ParamGroup("all", params, lr); }
}
