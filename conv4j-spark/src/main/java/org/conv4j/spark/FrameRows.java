package org.conv4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.sql.Row;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import scala.Tuple2;

/** DataFrame rows as training images, and how a step's images travel to the partitions of their shards. */
final class FrameRows {
    private FrameRows() {}

    /** Row {@code index} as an {@link Example}; the image column holds image bytes or float/double pixels. */
    static Example example(Row r, long index, int imageCol, int labelCol, int[] input) {
        int item = input[0] * input[1] * input[2];
        Object v = r.get(imageCol);
        if (v == null) throw new IllegalArgumentException("row " + index + ": the image is null");
        float[] px;
        if (v instanceof byte[] b) {
            try {
                px = ImageFiles.toSpec(ImageFiles.decode(b, "row " + index), ImageSpec.of(input[0], input[1], input[2]));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        } else {
            List<Object> values = r.getList(imageCol);
            if (values.size() != item) {
                throw new IllegalArgumentException("row " + index + ": the image has " + values.size() + " values; the model takes " + item);
            }
            px = new float[item];
            for (int i = 0; i < item; i++) px[i] = ((Number) values.get(i)).floatValue();
        }
        Object l = r.get(labelCol);
        if (!(l instanceof Number n) || n.intValue() < 0 || n.intValue() != n.doubleValue()) {
            throw new IllegalArgumentException("row " + index + ": the label must be a class number >= 0, got " + l);
        }
        return new Example(index, px, n.intValue());
    }

    /** The images of this partition among {@code batch} (row numbers, in order), keyed by their position in it. */
    static Iterator<Tuple2<Integer, Example>> place(Iterator<Example> it, int[] batch) {
        Map<Long, Integer> position = new HashMap<>(batch.length * 2);
        for (int k = 0; k < batch.length; k++) position.put((long) batch[k], k);
        List<Tuple2<Integer, Example>> out = new ArrayList<>();
        while (it.hasNext()) {
            Example e = it.next();
            Integer k = position.get(e.index());
            if (k != null) out.add(new Tuple2<>(k, e));
        }
        return out.iterator();
    }

    /** Sends position k to partition (k / batch) mod P, so every batch of {@code batch} positions meets in one partition. */
    static final class BatchPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions, batch;

        BatchPartitioner(int partitions, int batch) {
            this.partitions = partitions;
            this.batch = batch;
        }

        @Override public int numPartitions() { return partitions; }

        @Override public int getPartition(Object key) { return (Integer) key / batch % partitions; }

        @Override public boolean equals(Object o) {
            return o instanceof BatchPartitioner q && q.partitions == partitions && q.batch == batch;
        }

        @Override public int hashCode() { return partitions * 31 + batch; }
    }

    /** Sends batch position k to the partition that computes k's shard. */
    static final class ShardPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final ShardPlan plan;
        private final int batch;

        ShardPartitioner(ShardPlan plan, int batch) {
            this.plan = plan;
            this.batch = batch;
        }

        @Override public int numPartitions() { return plan.partitions(); }

        @Override
        public int getPartition(Object key) {
            int k = (Integer) key, s = 0;
            while (plan.shardEnd(batch, s) <= k) s++;
            int p = 0;
            while (plan.endShard(p) <= s) p++;
            return p;
        }

        @Override public boolean equals(Object o) {
            return o instanceof ShardPartitioner q && q.plan.equals(plan) && q.batch == batch;
        }

        @Override public int hashCode() { return plan.hashCode() * 31 + batch; }
    }
}
