package org.conv4j.spark;

import java.io.Serializable;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.train.TrainConfig;

/**
 * What every task of a run needs to rebuild the driver's network and training setup on an executor, as
 * text: the network spec and the train config in their JSON forms (the same as a checkpoint's), the data,
 * and the shard plan. {@code key} names the run, so an executor keeps one set of networks per run.
 */
public record RunSpec(String key, String specJson, String configJson, DataSource data, ShardPlan plan) implements Serializable {

    static RunSpec of(String key, Model model, TrainConfig config, DataSource data, ShardPlan plan) {
        return new RunSpec(key, model.spec().toJsonText(), Json.write(config.toJson()), data, plan);
    }

    NetworkSpec spec() {
        try {
            return NetworkSpec.parse(specJson, "the driver's network spec");
        } catch (FormatException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    TrainConfig config() {
        try {
            return TrainConfig.fromJson(Json.parseObject(configJson, "the driver's train config"));
        } catch (FormatException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
