package org.conv4j.spark;

import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A step's weights as a block in Spark's block manager, which tasks may wait for: the driver submits step s + 1's
 * job while step s's tasks compute, and publishes the weights once the update of step s is done (on a cluster,
 * the handle of a torrent broadcast of them). The next job's
 * submission, stage building and task launch (about 10 ms a step on {@code local[2]}) then happen under step s's
 * compute instead of after it. BigDL moves its parameters through the block manager the same way.
 *
 * <p>The block's id is a field of a broadcast the run owns ({@code run}): Spark gives no other broadcast that id,
 * and destroying that broadcast at the run's end removes every block left under it, on every executor.
 * The block manager is Spark's internal API ({@code private[spark]} in Scala, public to Java); it is the one
 * {@code TorrentBroadcast} uses.
 *
 * @param run  the id of the run's own broadcast
 * @param step the global step whose weights these are (1-based: the weights the step starts from)
 */
record PublishedWeights(long run, long step) implements WeightSource {
    /** The longest pause between two looks for the block: bounds how late a waiting task sees it. */
    private static final long MAX_PAUSE_NANOS = 500_000;
    private static final ClassTag<Object> TAG = ClassTag$.MODULE$.apply(Object.class);

    private BlockId id() { return new BroadcastBlockId(run, "conv4jstep" + step); }

    /**
     * Stores the weights on a local master, as objects: the tasks share the driver's block manager and read its
     * copy. Tells the block manager's master where the block is.
     */
    void publish(StepWeights weights) { put(weights); }

    /**
     * Stores the handle of a broadcast of the weights, for a cluster: each task fetches the small block from the
     * driver and then the weights by torrent, executors passing pieces to each other, so the driver does not send
     * a copy of the model to every executor. The caller destroys the broadcast once the step is done.
     */
    void publish(Broadcast<StepWeights> weights) { put(weights); }

    private void put(Object value) {
        BlockManager bm = SparkEnv.get().blockManager();
        StorageLevel level = value instanceof Broadcast<?> ? StorageLevel.MEMORY_ONLY_SER() : StorageLevel.MEMORY_ONLY();
        if (!bm.putSingle(id(), value, level, true, TAG)) {
            throw new IllegalStateException("Spark's block manager did not store the weights of step " + step + ": raise spark.driver.memory");
        }
    }

    /** Drops the block on the driver, once every task of its step has finished. */
    void remove() { SparkEnv.get().blockManager().removeBlock(id(), true); }

    /**
     * Waits for the block. On a local master the task runs in the driver's JVM and shares its block manager, so it
     * looks there alone, every 20 to 50 µs; on a cluster it asks the block manager's master, with pauses growing
     * from 20 µs to {@link #MAX_PAUSE_NANOS}. Gives up when the task is killed: the driver cancels a step whose
     * weights will not come.
     */
    @Override
    public void await() {
        SparkEnv env = SparkEnv.get();
        BlockManager bm = env.blockManager();
        boolean inDriver = HandedResults.inDriver(env);
        long maxPause = inDriver ? 50_000 : MAX_PAUSE_NANOS;
        TaskContext task = TaskContext.get();
        BlockId id = id();
        long pause = 20_000;
        while (bm.getStatus(id).isEmpty() && (inDriver || !bm.master().contains(id))) {
            if (task != null) task.killTaskIfInterrupted();
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, maxPause);
        }
    }

    /** Reads the published block: the driver's own copy on a local master; on a cluster, the broadcast it names. */
    @Override
    @SuppressWarnings("unchecked")
    public StepWeights fetch() {
        Option<BlockResult> found = SparkEnv.get().blockManager().get(id(), TAG);
        if (found.isEmpty()) throw new IllegalStateException("the weights of step " + step + " are not in Spark's block manager");
        scala.collection.Iterator<Object> data = found.get().data();
        Object value = data.next();
        while (data.hasNext()) data.next();   // the end of the iterator releases the block's read lock
        return value instanceof Broadcast<?> b ? ((Broadcast<StepWeights>) b).value() : (StepWeights) value;
    }
}
