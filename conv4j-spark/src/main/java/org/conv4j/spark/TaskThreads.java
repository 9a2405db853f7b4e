package org.conv4j.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.conv4j.kernels.Parallel;

/**
 * conv4j's compute threads inside a Spark task: the task's share of its executor's cores. An executor runs one
 * task per core at once; were each task to fork onto conv4j's whole pool, more threads would compute than there
 * are cores, each chunk of work waiting for one (on {@code local[2]} with two partitions, four threads on two
 * cores). A job of fewer tasks than cores (one partition on {@code local[2]}) gives each task more. Results do not
 * depend on the thread count.
 */
final class TaskThreads {
    private TaskThreads() {}

    /**
     * The driver's share of the cluster's cores per task of a job of {@code tasks} tasks: at least 1.
     *
     * @param cores the cluster's cores ({@code defaultParallelism})
     */
    static int share(int cores, int tasks) { return Math.max(1, cores / Math.max(1, tasks)); }

    /**
     * Runs {@code work} on at most {@code share} threads, no more than the executor has cores and no fewer than
     * the task was given ({@code spark.task.cpus}); outside a task, on conv4j's whole pool.
     */
    static <T> T run(int share, Supplier<T> work) {
        TaskContext task = TaskContext.get();
        if (task == null) return work.get();
        SparkEnv env = SparkEnv.get();
        int executorCores = env == null ? Runtime.getRuntime().availableProcessors()
                : env.conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors());
        return Parallel.withThreads(Math.max(Math.max(1, task.cpus()), Math.min(share, executorCores)), work);
    }
}
