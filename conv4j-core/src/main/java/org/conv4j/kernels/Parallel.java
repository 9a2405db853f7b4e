package org.conv4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool conv4j computes on. Its size is {@code -Dconv4j.threads=T}, or {@link #setThreads},
 * defaulting to the number of available processors. Nothing else in conv4j starts compute threads. One
 * {@link #forChunks} call computes on at most T threads, its caller among them, nested calls included.
 *
 * <p>Work is split into chunks whose boundaries depend only on the problem size and a grain, never on
 * the thread count, so any reduction done per chunk and then summed in chunk order gives bitwise the same
 * result on 1, 2 or 4 threads.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private Parallel() {}

    /** A body run over the half-open range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Runs the body over one chunk.
         *
         * @param lo the first index, inclusive
         * @param hi the last index, exclusive
         */
        void run(int lo, int hi);
    }

    private static int defaultThreads() {
        String p = System.getProperty("conv4j.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("system property conv4j.threads must be a positive integer, got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("conv4j-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /**
     * Replaces the pool with one of {@code threads} workers (at least 1).
     *
     * @param threads the number of workers, at least 1
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (threads == pool.getParallelism()) return;
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    /** {@return T, the number of threads a {@link #forChunks} call computes on} */
    public static int threads() { return pool.getParallelism(); }

    /** {@return the pool itself, for work that must run on conv4j's threads; it is replaced by {@link #setThreads}} */
    public static ForkJoinPool pool() { return pool; }

    /**
     * Number of chunks {@link #forChunks} cuts [0, n) into for a given grain.
     *
     * @param n     the number of items
     * @param grain items per chunk, at least 1
     * @return ⌈n / grain⌉, or 0 when n ≤ 0
     */
    public static int chunkCount(int n, int grain) {
        return n <= 0 ? 0 : (n + grain - 1) / grain;
    }

    /**
     * Runs {@code body} over [0, n) cut into chunks of {@code grain} items (the last may be shorter),
     * in parallel, and returns when all are done. Chunk i covers [i*grain, min(n, (i+1)*grain)); chunks
     * run in any order, on the calling thread and up to threads − 1 of the pool's, so {@code body} must be
     * safe to run concurrently on disjoint ranges. Called from inside a chunk or on one of the pool's
     * threads, it runs every chunk inline, in order, on the calling thread, as it does when there is one
     * chunk or one thread; inline, the first exception ends the loop. In parallel, a body that throws stops
     * no other chunk, and the first exception is rethrown here once all are done.
     *
     * @param n     the number of items; nothing runs when n ≤ 0
     * @param grain items per chunk, at least 1
     * @param body  run once per chunk
     * @throws IllegalArgumentException if {@code grain} is below 1
     */
    public static void forChunks(int n, int grain, RangeBody body) {
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1");
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return;
        ForkJoinPool p = pool;
        boolean[] inJob = IN_JOB.get();
        int threads = Math.min(p.getParallelism(), CAP.get()[0]);
        if (chunks == 1 || threads == 1 || inJob[0] || ForkJoinTask.inForkJoinPool()) {
            for (int i = 0; i < chunks; i++) body.run(i * grain, Math.min(n, (i + 1) * grain));
            return;
        }
        // The caller works too, beside at most threads − 1 helpers (the job's seats), so T threads compute.
        // Every worker claims chunks from one shared counter: one task per helper, not one per chunk, so no
        // thread parks and wakes between chunks. Helpers still spinning after the previous job take seats
        // first; only the seats they cannot fill wake a parked worker.
        int helpers = Math.min(threads, chunks) - 1;
        Job job = new Job(n, grain, chunks, body, helpers);
        offered.set(job);
        for (int i = lingering.get(); i < helpers; i++) p.execute(() -> help(job));
        inJob[0] = true;
        try {
            job.work();
        } finally {
            inJob[0] = false;
            offered.compareAndSet(job, null);  // so the body's arrays are not kept alive until the next call
        }
        job.awaitAll();
    }

    /**
     * Runs {@code work} with every {@link #forChunks} it calls computing on at most {@code threads} threads, the
     * caller among them ({@code threads} = 1: inline on the calling thread). For callers that are already one of
     * several concurrent workers, such as Spark tasks, each given its share of the cores: without the cap, every
     * one of them would fork onto the whole pool, and more threads would compute than there are cores. Results
     * do not change, since chunks never depend on the thread count. Nested calls take the smaller cap.
     *
     * @param threads at most this many threads per call, at least 1
     * @param work    what to run
     * @return what {@code work} returns
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public static <T> T withThreads(int threads, java.util.function.Supplier<T> work) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        int[] cap = CAP.get();
        int before = cap[0];
        cap[0] = Math.min(before, threads);
        try {
            return work.get();
        } finally {
            cap[0] = before;
        }
    }

    /** The calling thread's cap on the threads of its {@link #forChunks} calls ({@link #withThreads}). */
    private static final ThreadLocal<int[]> CAP = ThreadLocal.withInitial(() -> new int[] {Integer.MAX_VALUE});

    /**
     * Whether this thread is the caller of a {@link #forChunks} running chunks beside its helpers. A
     * {@code forChunks} called from inside a chunk, on the caller as on the pool's workers, runs its chunks
     * inline on that thread: nested parallel work never hands chunks to the pool, so the outer call's
     * threads are the only ones computing.
     */
    private static final ThreadLocal<boolean[]> IN_JOB = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * How long a helper keeps spinning for the next job after finishing one, before it returns to the pool and
     * parks. A training step or an inference call is a chain of {@link #forChunks} calls a few microseconds apart;
     * a parked worker takes tens of microseconds to wake, by which time the caller has often claimed the chunks
     * meant for it. {@code -Dconv4j.lingerMicros=0} turns it off.
     */
    private static final long LINGER_NANOS = 1000L * Long.getLong("conv4j.lingerMicros", 100);

    /** The newest job still being claimed, for helpers lingering after their last one. */
    private static final AtomicReference<Job> offered = new AtomicReference<>();

    /** How many helpers are lingering. */
    private static final AtomicInteger lingering = new AtomicInteger();

    /**
     * A helper's life: work on its job, then linger for the next and work on that, until none comes. A helper
     * that finds its seat taken by a lingering one returns at once, so no more helpers spin than jobs need.
     */
    private static void help(Job first) {
        if (!first.claimSeat()) return;
        Job j = first;
        while (true) {
            j.work();
            do {
                j = linger(j);
                if (j == null) return;
            } while (!j.claimSeat());
        }
    }

    /** Spins until a job other than {@code last} offers a seat (returned) or the linger time ends (null). */
    private static Job linger(Job last) {
        if (LINGER_NANOS <= 0) return null;
        lingering.incrementAndGet();
        long deadline = System.nanoTime() + LINGER_NANOS;
        try {
            while (System.nanoTime() - deadline < 0) {
                Job j = offered.get();
                if (j != null && j != last && j.hasSeat()) return j;
                Thread.onSpinWait();
            }
        } finally {
            lingering.decrementAndGet();
        }
        // A caller that counted this helper before it left must still find it.
        Job j = offered.get();
        return j != null && j != last && j.hasSeat() ? j : null;
    }

    /** One forChunks call: the chunk counter, the count of finished chunks, the helpers' seats and the waiting caller. */
    private static final class Job {
        private final int n, grain, chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger seats;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Job(int n, int grain, int chunks, RangeBody body, int seats) {
            this.n = n;
            this.grain = grain;
            this.chunks = chunks;
            this.body = body;
            this.seats = new AtomicInteger(seats);
        }

        /** Takes one of the helpers' seats; false when they are all taken, so no more than T threads compute. */
        boolean claimSeat() {
            return seats.getAndDecrement() > 0;
        }

        /** Whether a helper joining now could still take a seat and find a chunk. */
        boolean hasSeat() {
            return seats.get() > 0 && next.get() < chunks;
        }

        /** Claims and runs chunks until none are left; a helper that starts late finds none and returns. */
        void work() {
            int i;
            while ((i = next.getAndIncrement()) < chunks) {
                try {
                    body.run(i * grain, Math.min(n, (i + 1) * grain));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
                }
            }
        }

        /** Returns once every chunk has finished, rethrowing the first failure. */
        void awaitAll() {
            // Chunks still running on helpers usually end within microseconds: spin briefly before parking.
            for (int spins = 0; done.get() < chunks && spins < SPINS; spins++) Thread.onSpinWait();
            while (done.get() < chunks) LockSupport.park(this);
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }

        private static final int SPINS = 1 << 12;
    }

    /**
     * Splits [0, n) into about one chunk per thread (for work whose result does not depend on chunking).
     *
     * @param n    the number of items
     * @param body run once per chunk
     */
    public static void forRange(int n, RangeBody body) {
        int t = pool.getParallelism();
        forChunks(n, Math.max(1, (n + t - 1) / Math.max(1, t)), body);
    }
}
