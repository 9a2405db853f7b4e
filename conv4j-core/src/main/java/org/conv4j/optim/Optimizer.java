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
 * <p>State (step count, momentum and moment buffers) can be exported with {@link #state()} and restored
 * with {@link #restore}, which is how checkpoints resume exactly. Slot buffers are allocated up front.
 * Weight decay applies to every trainable parameter, as in torch when no parameter groups are used.
 * Not thread-safe.
 */
public abstract class Optimizer {
    protected final List<NamedParam> params;
    protected double lr;
    protected long step;
    /** Slot name → one buffer per parameter, same order as {@link #params}. */
    private final Map<String, float[][]> slots = new LinkedHashMap<>();

    protected Optimizer(List<NamedParam> params, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(getClass().getSimpleName() + ": lr must be >= 0, got " + lr);
        List<NamedParam> t = new ArrayList<>();
        for (NamedParam p : params) if (p.param().isTrainable()) t.add(p);
        this.params = List.copyOf(t);
        this.lr = lr;
    }

    /** Allocates a zero buffer per parameter for the named slot (e.g. "exp_avg"). */
    protected final float[][] slot(String name) {
        return slots.computeIfAbsent(name, k -> {
            float[][] b = new float[params.size()][];
            for (int i = 0; i < b.length; i++) b[i] = new float[params.get(i).param().value().size()];
            return b;
        });
    }

    /** Type name as in checkpoints: "SGD", "Adam", ... */
    public abstract String name();

    /** Updates every parameter from its gradient; increments the step count first, as torch does. */
    public final void step() {
        step++;
        for (int i = 0; i < params.size(); i++) update(i, params.get(i).param().value().data(), params.get(i).param().grad().data());
    }

    /** Updates parameter {@code i} (values {@code p}) from gradient {@code g}; {@link #step} is already incremented. */
    protected abstract void update(int i, float[] p, float[] g);

    /** Zeroes every trainable parameter's gradient. */
    public void zeroGrad() {
        for (NamedParam p : params) p.param().grad().zero();
    }

    public double lr() { return lr; }

    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(name() + ": lr must be >= 0, got " + lr);
        this.lr = lr;
    }

    /** Number of {@link #step()} calls so far. */
    public long steps() { return step; }

    public List<NamedParam> params() { return params; }

    /** The state needed to resume: step count, current lr, and every slot buffer by parameter name. */
    public State state() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> e : slots.entrySet()) {
            for (int i = 0; i < params.size(); i++) m.put(params.get(i).name() + "/" + e.getKey(), e.getValue()[i].clone());
        }
        return new State(name(), step, lr, m);
    }

    /** Restores what {@link #state()} exported; the parameter names and shapes must match. */
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
        this.step = s.step();
        this.lr = s.lr();
    }

    /**
     * Exported optimizer state.
     *
     * @param slots "param name/slot name" → buffer, e.g. {@code "0.weight/exp_avg"}
     */
    public record State(String type, long step, double lr, Map<String, float[]> slots) {}
}
