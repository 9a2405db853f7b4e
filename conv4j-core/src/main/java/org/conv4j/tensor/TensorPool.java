package org.conv4j.tensor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The arrays of one inference call's values that nothing reads any more, handed to later outputs of the same size.
 * Without it every layer's output is a new array, which the JVM zeroes and which lies in memory no cache holds:
 * at batch 1 that zeroing alone was a tenth of a MobileNet call. With it, a call takes the arrays its own dead
 * values and the previous call's left, and the peak is about the live set rather than everything one call makes.
 *
 * <p>How it is used. A model's call runs inside {@link #run}, which makes the pool the calling thread's active
 * one. A layer whose inference overwrites every element of its output takes it from {@link #output} (a new
 * zero-filled tensor when no pool is active). The network's executor hands back, through {@link #release}, the
 * array of a value it will not read again and that no live value shares (a view, an in-place result, the
 * caller's input). The pool takes back only arrays it lent in the current call: an array a layer made itself,
 * which it may still hold, and the call's result, which the caller keeps, never come back.
 *
 * <p>With assertions enabled a released array is filled with NaN, so that a layer which took an output from
 * the pool and left part of it unwritten shows in every test that calls a model twice.
 *
 * <p>One pool serves one call at a time; concurrent calls each take their own. Not thread-safe.
 */
public final class TensorPool {
    private static final ThreadLocal<TensorPool> ACTIVE = new ThreadLocal<>();

    /** Arrays released in this call, by length: taken first. */
    private Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays the previous call left: taken when {@link #free} has none; dropped at the end of this call. */
    private Map<Integer, ArrayDeque<float[]>> previous = new HashMap<>();
    /** Arrays lent in this call and not yet released. */
    private final Set<float[]> lent = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Runs one inference call with this pool active on the calling thread. When a pool is already active (a
     * model called inside another's call), the call runs in that one and this pool is left as it was.
     *
     * @param call the inference call
     * @return what {@code call} returns
     */
    public <T> T run(Supplier<T> call) {
        if (ACTIVE.get() != null) return call.get();
        ACTIVE.set(this);
        Map<Integer, ArrayDeque<float[]>> left = previous;
        previous = free;
        free = left;
        free.clear();
        try {
            return call.get();
        } finally {
            ACTIVE.remove();
            // What the previous call left and this one did not take is of a size no longer asked for.
            previous.clear();
            lent.clear();
        }
    }

    /**
     * A tensor of {@code shape} whose every element the caller overwrites before anyone reads it: an array of
     * the active pool's when one of that size is free (its old contents are garbage), else a new zero-filled one.
     *
     * @param shape the dimensions, copied
     * @return the tensor
     */
    public static Tensor output(int... shape) {
        TensorPool p = ACTIVE.get();
        if (p == null) return new Tensor(shape);
        int size = Shapes.size(shape);
        float[] a = p.take(p.free, size);
        if (a == null) a = p.take(p.previous, size);
        if (a == null) a = new float[size];
        p.lent.add(a);
        return Tensor.wrap(a, shape);
    }

    /**
     * Hands back the array of a value that will not be read again and that no value still read shares. Arrays the
     * active pool did not lend in this call are ignored, as is every array when no pool is active.
     *
     * @param data the dead value's array
     */
    public static void release(float[] data) {
        TensorPool p = ACTIVE.get();
        if (p == null || !p.lent.remove(data)) return;
        assert poison(data);
        p.free.computeIfAbsent(data.length, k -> new ArrayDeque<>()).push(data);
    }

    /** {@return whether a pool is active on this thread}: executors need not look for dead values otherwise. */
    public static boolean active() { return ACTIVE.get() != null; }

    private float[] take(Map<Integer, ArrayDeque<float[]>> from, int size) {
        ArrayDeque<float[]> q = from.get(size);
        return q == null ? null : q.poll();
    }

    private static boolean poison(float[] data) {
        Arrays.fill(data, Float.NaN);
        return true;
    }
}
