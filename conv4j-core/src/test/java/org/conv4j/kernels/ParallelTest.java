package org.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Parallel#forChunks}: every chunk runs exactly once with its fixed bounds, on any thread count. */
class ParallelTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(threadsBefore); }

    @Test
    void everyIndexIsCoveredOnceByItsChunk() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {1, 7, 64, 1000, 4099}) {
                for (int grain : new int[] {1, 3, 64, 5000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    for (int rep = 0; rep < 3; rep++) {
                        Parallel.forChunks(n, grain, (lo, hi) -> {
                            assertEquals(0, lo % grain, "chunk start");
                            assertEquals(Math.min(n, lo + grain), hi, "chunk end");
                            for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                        });
                    }
                    for (int i = 0; i < n; i++) assertEquals(3, hits.get(i), "index " + i + " of " + n + ", grain " + grain + ", " + threads + " threads");
                }
            }
        }
    }

    @Test
    void nestedCallsRunAndFinish() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(40);
        Parallel.forChunks(4, 1, (lo, hi) -> Parallel.forChunks(10, 2, (a, b) -> {
            for (int i = a; i < b; i++) hits.incrementAndGet(lo * 10 + i);
        }));
        for (int i = 0; i < 40; i++) assertEquals(1, hits.get(i), "index " + i);
    }

    @Test
    void aCallFromAChunkRunsOnThatChunksThread() {
        // Every nested chunk runs on the thread of the chunk that called it, the caller's included: none is
        // handed to the pool while both threads are already computing.
        Parallel.setThreads(2);
        for (int rep = 0; rep < 20; rep++) {
            java.util.concurrent.atomic.AtomicInteger elsewhere = new java.util.concurrent.atomic.AtomicInteger();
            Parallel.forChunks(8, 1, (lo, hi) -> {
                Thread outer = Thread.currentThread();
                Parallel.forChunks(16, 1, (a, b) -> {
                    if (Thread.currentThread() != outer) elsewhere.incrementAndGet();
                    spin(10_000);  // long enough for a helper to take chunks, if one were sent
                });
            });
            assertEquals(0, elsewhere.get(), "nested chunks run on another thread than their caller");
        }
        // Outside a chunk the caller still shares its work with the pool, and never more than two threads
        // compute at once. Which worker helps may change from call to call: a worker still returning from
        // the last call's task is busy, so the pool may start its second worker for the next one.
        Thread caller = Thread.currentThread();
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        for (int rep = 0; rep < 50; rep++) {
            Parallel.forChunks(64, 1, (lo, hi) -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                threads.add(Thread.currentThread());
                spin(20_000);
                running.decrementAndGet();
            });
        }
        assertTrue(threads.contains(caller), "the caller ran chunks");
        assertTrue(threads.stream().anyMatch(t -> t != caller && t.getName().startsWith("conv4j-")), "a pool worker ran chunks: " + threads);
        assertTrue(mostAtOnce.get() <= 2, "at most 2 threads computed at once, saw " + mostAtOnce.get());
    }

    @Test
    void withThreadsCapsTheThreadsOfItsCallsAndRestoresTheCap() {
        Parallel.setThreads(4);
        Thread caller = Thread.currentThread();
        for (int cap : new int[] {1, 2}) {
            java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            Parallel.RangeBody body = (lo, hi) -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                threads.add(Thread.currentThread());
                hits.incrementAndGet(lo);
                spin(20_000);
                running.decrementAndGet();
            };
            int returned = Parallel.withThreads(cap, () -> {
                for (int rep = 0; rep < 20; rep++) Parallel.forChunks(64, 1, body);
                // A nested cap cannot raise the outer one.
                return Parallel.withThreads(4, () -> {
                    Parallel.forChunks(64, 1, body);
                    return 7;
                });
            });
            assertEquals(7, returned);
            for (int i = 0; i < 64; i++) assertEquals(21, hits.get(i), "chunk " + i + " with cap " + cap);
            assertTrue(mostAtOnce.get() <= cap, "cap " + cap + ": " + mostAtOnce.get() + " threads computed at once");
            if (cap == 1) assertEquals(java.util.Set.of(caller), threads, "cap 1 computes on the caller alone");
        }
        // Outside, the whole pool is back: four threads can compute at once.
        java.util.Set<Thread> after = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 50 && after.size() < 3; rep++) {
            Parallel.forChunks(64, 1, (lo, hi) -> { after.add(Thread.currentThread()); spin(20_000); });
        }
        assertTrue(after.size() >= 3, "after withThreads the pool's workers compute again: " + after);
        assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(0, () -> null));
    }

    @Test
    void concurrentCallersShareLingeringHelpersWithoutExceedingTheirThreads() throws Exception {
        // Helpers spin for the next job after finishing one; with several callers at once, one lingering helper
        // is offered every caller's job. Each job must still run every chunk once, on at most T threads.
        for (int t : new int[] {2, 3}) {
            Parallel.setThreads(t);
            int callers = 4, calls = 200;
            java.util.concurrent.ExecutorService exec = java.util.concurrent.Executors.newFixedThreadPool(callers);
            try {
                java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    results.add(exec.submit(() -> {
                        for (int call = 0; call < calls; call++) {
                            int n = 1 + call % 37;
                            AtomicIntegerArray hits = new AtomicIntegerArray(n);
                            java.util.Set<Thread> on = java.util.concurrent.ConcurrentHashMap.newKeySet();
                            Parallel.forChunks(n, 1, (lo, hi) -> {
                                on.add(Thread.currentThread());
                                hits.incrementAndGet(lo);
                                spin(2_000);
                            });
                            for (int i = 0; i < n; i++) if (hits.get(i) != 1) return "chunk " + i + " of " + n + " ran " + hits.get(i) + " times";
                            if (on.size() > t) return "a job ran on " + on.size() + " threads with T = " + t;
                        }
                        return "ok";
                    }));
                }
                for (var r : results) assertEquals("ok", r.get());
            } finally {
                exec.shutdownNow();
            }
        }
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    @Test
    void aFailingChunkIsRethrownAfterTheOthersFinish() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("chunk 5");
        AtomicIntegerArray hits = new AtomicIntegerArray(16);
        IllegalStateException got = assertThrows(IllegalStateException.class, () -> Parallel.forChunks(16, 1, (lo, hi) -> {
            hits.incrementAndGet(lo);
            if (lo == 5) throw boom;
        }));
        assertSame(boom, got);
        for (int i = 0; i < 16; i++) assertEquals(1, hits.get(i), "chunk " + i + " ran");
        // The pool is still usable.
        AtomicIntegerArray again = new AtomicIntegerArray(8);
        Parallel.forChunks(8, 1, (lo, hi) -> again.incrementAndGet(lo));
        for (int i = 0; i < 8; i++) assertEquals(1, again.get(i));
    }
}
