package org.conv4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.immutable.Seq;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The function of one step's Spark job over image-number data: partition p (whose one element is p) computes the
 * shard results of its shards with {@link ShardWorker#run}. A named class, so Spark's closure cleaner (which parses
 * class files for every lambda it is given, about 3 ms a job) passes over it; each job serializes its own instance,
 * so a task and its reruns see their step's batch and weights.
 */
final class StepTask extends AbstractFunction1<scala.collection.Iterator<Integer>, List<ShardResult>> implements Serializable {
    private final RunSpec run;
    private final int[] batch;
    private final BatchPlace place;
    private final WeightSource weights;
    private final int threads;
    private final HandedResults handOff;

    /**
     * @param batch   the step's images, as indices into the training part, in batch order
     * @param threads compute threads per task ({@link TaskThreads#share})
     * @param handOff where tasks in the driver's JVM leave their results, or null: every task returns them
     */
    StepTask(RunSpec run, int[] batch, BatchPlace place, WeightSource weights, int threads, HandedResults handOff) {
        this.run = run;
        this.batch = batch;
        this.place = place;
        this.weights = weights;
        this.threads = threads;
        this.handOff = handOff;
    }

    /** {@return partition p's shard results; null if handed to the driver through {@link HandedResults}} */
    @Override
    public List<ShardResult> apply(scala.collection.Iterator<Integer> partition) {
        int p = partition.next();
        List<ShardResult> out = new ArrayList<>();
        for (Iterator<ShardResult> it = ShardWorker.run(run, p, batch, place, weights, threads); it.hasNext(); ) out.add(it.next());
        return handOff != null && handOff.hand(p, out) ? null : out;
    }

    /**
     * Submits this step's job over {@code partitions} (P partitions, partition p holding p) and returns at once.
     */
    Submitted submit(SparkContext sc, RDD<Integer> partitions) {
        int n = partitions.getNumPartitions();
        List<Object> ids = new ArrayList<>();
        for (int p = 0; p < n; p++) ids.add(p);
        Collected collected = new Collected(n, handOff);
        Seq<Object> which = scala.jdk.javaapi.CollectionConverters.asScala(ids).toList();
        return new Submitted(sc.submitJob(partitions, this, which, collected, collected.done));
    }

    /**
     * The partitions' results as they arrive (on Spark's scheduler thread), and all of them once the job is done
     * (on the thread that waits for it), those handed over as objects taken from {@link HandedResults}.
     */
    private static final class Collected extends AbstractFunction2<Object, List<ShardResult>, BoxedUnit> {
        private final Object[] parts;
        private final HandedResults handOff;
        private final Done done = new Done();

        Collected(int n, HandedResults handOff) {
            this.parts = new Object[n];
            this.handOff = handOff;
        }

        @Override
        public BoxedUnit apply(Object partition, List<ShardResult> results) {
            parts[(Integer) partition] = results;
            return BoxedUnit.UNIT;
        }

        /** Spark may evaluate a job's result more than once (each look at the future's value does): once here. */
        private final class Done extends AbstractFunction0<List<ShardResult>> {
            private List<ShardResult> all;

            @Override
            @SuppressWarnings("unchecked")
            public synchronized List<ShardResult> apply() {
                if (all != null) return all;
                List<ShardResult> results = new ArrayList<>();
                for (int p = 0; p < parts.length; p++) {
                    List<ShardResult> part = (List<ShardResult>) parts[p];
                    if (part == null) {
                        if (handOff == null) throw new IllegalStateException("partition " + p + " of a step returned no results");
                        part = handOff.take(p);
                    }
                    results.addAll(part);
                }
                all = results;
                return all;
            }
        }
    }

    /** A submitted step job. */
    static final class Submitted {
        private final SimpleFutureAction<List<ShardResult>> job;
        private final List<ShardResult> done;

        private Submitted(SimpleFutureAction<List<ShardResult>> job) {
            this.job = job;
            this.done = null;
        }

        private Submitted(List<ShardResult> done) {
            this.job = null;
            this.done = done;
        }

        /** {@return a job that ran to the end before this call, with these results} */
        static Submitted completed(List<ShardResult> results) { return new Submitted(results); }

        /**
         * {@return every partition's shard results, in partition order, once the job is done}
         * Throws Spark's own exception if the job failed, as {@code SparkContext.runJob} does.
         */
        List<ShardResult> await() {
            if (job == null) return done;
            try {
                return Await.result(job, Duration.Inf());
            } catch (InterruptedException e) {
                job.cancel();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a step's Spark job", e);
            } catch (TimeoutException e) {
                throw new AssertionError(e);   // no time limit was set
            }
        }

        /** Cancels the job (its tasks are killed, a waiting task stops waiting). */
        void cancel() {
            if (job != null) job.cancel();
        }
    }
}
