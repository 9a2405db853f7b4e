package org.conv4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.conv4j.merge.Add;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every merge's dX, for every input, and a fan-out graph's, within 1e-4 of double-precision centred differences. */
class MergeChecksTest {

    @TestFactory
    List<DynamicTest> everyMergeAndTheGraphPassTheirGradientChecks() {
        return MergeChecks.cases().stream().map(c -> DynamicTest.dynamicTest(c.layer() + " " + c.config(), () -> {
            CheckResult r = c.run();
            assertTrue(r.maxRelError() <= GradCheck.MAX_REL_ERROR,
                    r.layer() + " " + r.config() + ": max relative error " + r.maxRelError() + " in " + r.worst());
        })).toList();
    }

    @Test
    void coversEveryMergeAndIsInTheSuite() {
        Set<String> names = new TreeSet<>();
        for (CheckCase c : MergeChecks.cases()) names.add(c.layer());
        assertEquals(new TreeSet<>(List.of("Add", "Mul", "Concat", "Graph")), names);
        assertTrue(GradCheckSuite.all().stream().map(CheckCase::layer).toList().containsAll(names), "registered in GradCheckSuite.all()");
    }

    @Test
    void theCheckHasTeeth() {
        // Add's true dX for a broadcast input sums over the plane; a merge that returned dOut's first value instead fails
        int[][] shapes = {{2, 3, 4, 5}, {2, 3, 1, 1}};
        CheckResult ok = MergeChecks.checkMerge("Add", "x", new Add(), shapes, xs -> MergeChecks.broadcast(xs, shapes, false), 1);
        assertTrue(ok.passed(), ok.toString());
        CheckResult wrong = MergeChecks.checkMerge("Add", "x", new Add(), shapes, xs -> MergeChecks.broadcast(xs, shapes, true), 1);
        assertTrue(!wrong.passed(), "a product reference does not match a sum: " + wrong);
    }
}
