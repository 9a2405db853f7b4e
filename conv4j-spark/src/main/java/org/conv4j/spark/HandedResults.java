package org.conv4j.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;

/**
 * A step's shard results passed from its tasks to the driver as objects, where the tasks run in the driver's JVM
 * (a local master). As task results, each partition's 1.7 MB of reference-CNN gradients would be serialized by
 * the task (three copies) and deserialized by the driver (two more), about 1 ms each way and on every step's
 * critical path. The task's own result is then null; the job's completion still says the results are there.
 *
 * <p>Only inside the driver's JVM and with the driver's copy of this class (a task that finds itself elsewhere
 * returns its results as usual): on a cluster, a result kept by an executor would be lost with it, after Spark
 * had counted its task as done.
 *
 * @param run    the run's key ({@link RunSpec#key})
 * @param step   the global step (1-based)
 * @param driver {@link #here} on the driver
 */
record HandedResults(String run, long step, int driver) implements Serializable {
    private static final Map<String, List<ShardResult>> HANDED = new ConcurrentHashMap<>();

    /** {@return an id of this JVM's copy of this class, which a task compares with the driver's} */
    static int here() { return System.identityHashCode(HANDED); }

    /** {@return whether code with this Spark environment runs in the driver's JVM: a task on a local master} */
    static boolean inDriver(SparkEnv env) {
        return env != null && org.apache.spark.SparkContext$.MODULE$.DRIVER_IDENTIFIER().equals(env.executorId());
    }

    private String key(int partition) { return run + "/" + step + "/" + partition; }

    /**
     * In a task: keeps partition {@code partition}'s results for the driver, if this is the driver's JVM.
     * A rerun task's results are the same, and the first copy stays.
     *
     * @return false if the task must return its results itself
     */
    boolean hand(int partition, List<ShardResult> results) {
        if (here() != driver || !inDriver(SparkEnv.get())) return false;
        HANDED.putIfAbsent(key(partition), results);
        return true;
    }

    /** On the driver, once the step's job is done: takes partition {@code partition}'s results. */
    List<ShardResult> take(int partition) {
        List<ShardResult> results = HANDED.remove(key(partition));
        if (results == null) throw new IllegalStateException("the results of step " + step + ", partition " + partition + " were not handed over");
        return results;
    }

    /** Drops whatever the run's cancelled steps left. */
    static void dropRun(String run) { HANDED.keySet().removeIf(k -> k.startsWith(run + "/")); }
}
