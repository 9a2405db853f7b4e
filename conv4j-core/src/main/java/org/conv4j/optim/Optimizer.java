package org.conv4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.layers.NamedParam;

/**
 * Updates trainable parameters from their gradients, with torch.optim semantics.
 *
 * <p>Call order for each training step:
 * <ol>
 *   <li>{@link #zeroGrad()} (or let the trainer zero the gradients);</li>
 *   <li>forward and backward over a batch, which add into every {@code Param.grad()};</li>
 *   <li>optionally {@link GradClip#clipGlobalNorm} and {@link #setLr} from an {@link LrSchedule};</li>
 *   <li>{@link #step()}, which reads the gradients and updates the values in place.</li>
 * </ol>
 * The gradient computation is separate from the update, so a data-parallel trainer can sum gradients from
 * several workers into {@code grad()} before one {@code step()}.
 *
 * <p>Parameters come in one or more {@link ParamGroup groups}, each with its own learning rate; an optimizer
 * built on a plain list has the one group "all". {@link #setLr} sets every group's rate; {@link #setLrFactor}
 * sets each group's to its base rate times a schedule's factor. Weight decay and the other settings apply to
 * every group alike.
 *
 * <p>State (step count, every group's current rate, momentum and moment buffers) can be exported with
 * {@link #state()} and restored with {@link #restore}, which is how checkpoints resume exactly. Slot buffers
 * are allocated up front. Not thread-safe.
 */
public abstract class Optimizer {
    /** The parameters updated, every group's in group order. */
    protected final List<NamedParam> params;
    private double lr;                 // the first group's current rate
    /** Number of {@link #step()} calls so far; a subclass's step increments it first. */
    protected long step;
    private final List<ParamGroup> groups;
    private final int[] group;         // per entry of params, the index of its group
    private final double[] groupLr;    // per group, its current rate
    /** Slot name → one buffer per parameter, same order as {@link #params}. */
    private final Map<String, float[][]> slots = new LinkedHashMap<>();

    /**
     * An optimizer over one group "all".
     *
     * @param params the parameters to update
     * @param lr     learning rate, ≥ 0
     * @throws IllegalArgumentException if {@code lr} is negative, infinite or NaN
     */
    protected Optimizer(List<NamedParam> params, double lr) {
        this(group(params, lr));
    }

    /** The one group "all" of an optimizer on a plain list; a bad lr fails as "lr must be >= 0". */
    static List<ParamGroup> group(List<NamedParam> params, double lr) { return List.of(ParamGroup.all(params, lr)); }

    /**
     * An optimizer over {@code groups} (at least one, distinct names); a parameter may be in one group only.
     *
     * @param groups the parameter groups, in order
     * @throws IllegalArgumentException if there is no group, two share a name, or a parameter is in two groups
     */
    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": needs at least one parameter group");
        List<NamedParam> t = new ArrayList<>();
        List<Integer> g = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int k = 0; k < groups.size(); k++) {
            ParamGroup pg = groups.get(k);
            if (names.put(pg.name(), k) != null) throw new IllegalArgumentException(getClass().getSimpleName() + ": two parameter groups are named " + pg.name());
            for (NamedParam p : pg.params()) {
                if (!p.param().isTrainable()) continue;
                if (!seen.add(p.param())) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + p.name() + " is in two groups");
                }
                t.add(p);
                g.add(k);
            }
        }
        this.params = List.copyOf(t);
        this.groups = List.copyOf(groups);
        this.group = new int[g.size()];
        for (int i = 0; i < group.length; i++) group[i] = g.get(i);
        this.groupLr = new double[groups.size()];
        for (int k = 0; k < groupLr.length; k++) groupLr[k] = groups.get(k).lr();
        this.lr = groupLr[0];
    }

    /**
     * {@return the rate parameter {@code i} uses in this step: its group's current rate}
     *
     * @param i index into {@link #params}
     */
    protected final double lr(int i) { return groupLr[group[i]]; }

    /**
     * Allocates a zero buffer per parameter for the named slot (e.g. "exp_avg"); exported by {@link #state()}.
     *
     * @param name the slot's name, as torch's optimizer state names it
     * @return one buffer per parameter, in {@link #params} order, each the parameter's size
     */
    protected final float[][] slot(String name) {
        return slots.computeIfAbsent(name, k -> {
            float[][] b = new float[params.size()][];
            for (int i = 0; i < b.length; i++) b[i] = new float[params.get(i).param().value().size()];
            return b;
        });
    }

    /** {@return the type name as in checkpoints: "SGD", "Adam", ...} */
    public abstract String name();

    /** Updates every parameter from its gradient; increments the step count first, as torch does. */
    public final void step() {
        step++;
        for (int i = 0; i < params.size(); i++) update(i, params.get(i).param().value().data(), params.get(i).param().grad().data());
    }

    /**
     * Updates parameter {@code i} in place from its gradient; {@link #step} is already incremented.
     *
     * @param i index into {@link #params}
     * @param p the parameter's values, updated in place
     * @param g the parameter's gradient, same length; read only
     */
    protected abstract void update(int i, float[] p, float[] g);

    /** Zeroes every trainable parameter's gradient. */
    public void zeroGrad() {
        for (NamedParam p : params) p.param().grad().zero();
    }

    /** {@return the current rate of the first group (the only one of a plain optimizer)} */
    public double lr() { return lr; }

    /**
     * {@return the current rate of the group named {@code group}}
     *
     * @param group the group's name
     * @throws IllegalArgumentException if there is no such group
     */
    public double lr(String group) {
        for (int k = 0; k < groups.size(); k++) if (groups.get(k).name().equals(group)) return groupLr[k];
        throw new IllegalArgumentException(name() + ": no parameter group " + group + "; groups: " + groupNames());
    }

    /** {@return the parameter groups, with their base rates, in order} */
    public List<ParamGroup> groups() { return groups; }

    private List<String> groupNames() {
        List<String> n = new ArrayList<>();
        for (ParamGroup g : groups) n.add(g.name());
        return n;
    }

    /**
     * Sets every group's current rate to {@code lr}.
     *
     * @param lr the rate, ≥ 0 and finite
     * @throws IllegalArgumentException if {@code lr} is negative, infinite or NaN
     */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(name() + ": lr must be >= 0, got " + lr);
        java.util.Arrays.fill(groupLr, lr);
        this.lr = lr;
    }

    /**
     * Sets each group's current rate to its base rate times {@code factor} (a schedule's factor for the step about
     * to be taken), as torch's LambdaLR does for every group.
     *
     * @param factor the multiplier, ≥ 0 and finite
     * @throws IllegalArgumentException if {@code factor} is negative, infinite or NaN
     */
    public void setLrFactor(double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) throw new IllegalArgumentException(name() + ": lr factor must be >= 0, got " + factor);
        for (int k = 0; k < groupLr.length; k++) groupLr[k] = groups.get(k).lr() * factor;
        this.lr = groupLr[0];
    }

    /** {@return the number of {@link #step()} calls so far} */
    public long steps() { return step; }

    /** {@return the parameters updated, every group's in group order} */
    public List<NamedParam> params() { return params; }

    /** {@return the state needed to resume: step count, every group's current rate, and a copy of every slot buffer by parameter name} */
    public State state() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> e : slots.entrySet()) {
            for (int i = 0; i < params.size(); i++) m.put(params.get(i).name() + "/" + e.getKey(), e.getValue()[i].clone());
        }
        Map<String, Double> lrs = new LinkedHashMap<>();
        for (int k = 0; k < groups.size(); k++) lrs.put(groups.get(k).name(), groupLr[k]);
        return new State(name(), step, lr, m, lrs);
    }

    /**
     * Restores what {@link #state()} exported; the parameter names and shapes must match.
     *
     * @param s the exported state
     * @throws IllegalArgumentException if the state is another optimizer's, or lacks a buffer, has one of another
     *                                  size or has other parameter groups
     */
    public void restore(State s) {
        if (!s.type().equals(name())) throw new IllegalArgumentException("optimizer state is for " + s.type() + ", not " + name());
        for (Map.Entry<String, float[][]> e : slots.entrySet()) {
            for (int i = 0; i < params.size(); i++) {
                String key = params.get(i).name() + "/" + e.getKey();
                float[] v = s.slots().get(key);
                if (v == null) throw new IllegalArgumentException(name() + " state has no buffer " + key);
                if (v.length != e.getValue()[i].length) {
                    throw new IllegalArgumentException(name() + " state buffer " + key + " has " + v.length + " values, expected " + e.getValue()[i].length);
                }
                System.arraycopy(v, 0, e.getValue()[i], 0, v.length);
            }
        }
        if (s.groupLrs().isEmpty()) {
            java.util.Arrays.fill(groupLr, s.lr());   // a state from before parameter groups: one rate
        } else {
            if (!s.groupLrs().keySet().equals(new java.util.LinkedHashSet<>(groupNames()))) {
                throw new IllegalArgumentException(name() + " state has parameter groups " + s.groupLrs().keySet() + ", expected " + groupNames());
            }
            for (int k = 0; k < groups.size(); k++) groupLr[k] = s.groupLrs().get(groups.get(k).name());
        }
        this.step = s.step();
        this.lr = groupLr[0];
    }

    /**
     * Exported optimizer state.
     *
     * @param type     the optimizer's name; {@link #restore} checks it
     * @param step     number of steps taken
     * @param lr       the first group's current rate
     * @param slots    "param name/slot name" → buffer, e.g. {@code "0.weight/exp_avg"}
     * @param groupLrs group name → current rate, in group order; empty in a state saved before groups existed
     */
    public record State(String type, long step, double lr, Map<String, float[]> slots, Map<String, Double> groupLrs) {
        /** Copies {@code groupLrs}, keeping its order; null becomes empty. */
        public State {
            groupLrs = groupLrs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groupLrs));
        }

        /**
         * A state with one rate for every group.
         *
         * @param type  the optimizer's name
         * @param step  number of steps taken
         * @param lr    the rate of every group
         * @param slots "param name/slot name" → buffer
         */
        public State(String type, long step, double lr, Map<String, float[]> slots) { this(type, step, lr, slots, Map.of()); }
    }
}
