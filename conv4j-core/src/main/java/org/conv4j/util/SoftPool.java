package org.conv4j.util;

import java.lang.ref.SoftReference;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Per-call scratch objects that concurrent calls take and give back: a server reuses them call after call, and,
 * held softly, the collector can take them back before the heap runs out. Thread-safe.
 *
 * @param <T> what is pooled
 */
public final class SoftPool<T> {
    private final Queue<SoftReference<T>> kept = new ConcurrentLinkedQueue<>();
    private final Supplier<T> make;

    /** @param make makes a new object when none is kept */
    public SoftPool(Supplier<T> make) { this.make = make; }

    /** {@return a kept object the collector has not cleared, or a new one} */
    public T take() {
        for (SoftReference<T> ref; (ref = kept.poll()) != null; ) {
            T t = ref.get();
            if (t != null) return t;
        }
        return make.get();
    }

    /** Gives {@code t} back for a later {@link #take}. */
    public void give(T t) { kept.offer(new SoftReference<>(t)); }
}
