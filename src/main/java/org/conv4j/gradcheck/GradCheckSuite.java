package org.conv4j.gradcheck;

import java.util.ArrayList;
import java.util.List;

/** Every gradient check conv4j ships: what {@code conv4j gradcheck} runs and the tests assert. */
public final class GradCheckSuite {
    private GradCheckSuite() {}

    public static List<CheckCase> all() {
        List<CheckCase> cases = new ArrayList<>();
        cases.addAll(ConvChecks.cases());
        cases.addAll(PoolChecks.cases());
        cases.addAll(LayerChecks.cases());
        cases.addAll(ModelChecks.cases());
        cases.addAll(ShapeChecks.cases());  // Pad2d, AdaptiveAvg/MaxPool2d, Upsample, ChannelShuffle, Slice
        cases.addAll(MergeChecks.cases());  // Add, Mul, Concat, and a graph with fan-out
        return cases;
    }
}
