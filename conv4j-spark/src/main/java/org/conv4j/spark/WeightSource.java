package org.conv4j.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * Where a task of a step gets the step's weights: a broadcast made before the job ({@link Broadcasted}), or a
 * block the driver publishes after the job was submitted ({@link PublishedWeights}).
 */
interface WeightSource extends Serializable {

    /** Waits, inside a task, until the driver has made the step's weights available; at once if they were before the job. */
    default void await() {}

    /** {@return the step's weights, on an executor inside a task, once {@link #await} has returned} */
    StepWeights fetch();

    /** Weights in a broadcast, there before the job starts. */
    record Broadcasted(Broadcast<StepWeights> broadcast) implements WeightSource {
        @Override
        public StepWeights fetch() { return broadcast.value(); }
    }
}
