package org.conv4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every spatial layer's backward within 1e-4 of double-precision centred differences. */
class ShapeChecksTest {

    @TestFactory
    List<DynamicTest> everySpatialLayerPassesItsGradientCheck() {
        return ShapeChecks.cases().stream().map(c -> DynamicTest.dynamicTest(c.layer() + " " + c.config(), () -> {
            CheckResult r = c.run();
            assertTrue(r.maxRelError() <= GradCheck.MAX_REL_ERROR,
                    r.layer() + " " + r.config() + ": max relative error " + r.maxRelError() + " in " + r.worst());
        })).toList();
    }

    @Test
    void coversEverySpatialLayerAndIsInTheSuite() {
        Set<String> names = new TreeSet<>();
        for (CheckCase c : ShapeChecks.cases()) names.add(c.layer());
        assertEquals(new TreeSet<>(List.of("Pad2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Upsample", "ChannelShuffle", "Slice")), names);
        assertTrue(GradCheckSuite.all().stream().map(CheckCase::layer).toList().containsAll(names), "registered in GradCheckSuite.all()");
    }
}
