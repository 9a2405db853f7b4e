package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.gradcheck.CheckCase;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.ConvChecks;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.gradcheck.GradCheckSuite;
import org.conv4j.gradcheck.PoolChecks;
import org.junit.jupiter.api.Test;

/** Every conv, pool, linear and flatten gradient check passes the 1e-4 bound. */
class ConvGradCheckTest {

    @Test
    void convGridHasAtLeast48ConfigurationsAndAllPass() {
        List<CheckCase> cases = ConvChecks.cases();
        assertTrue(cases.size() >= 48, "only " + cases.size() + " conv configurations");
        assertAllPass(cases);
    }

    @Test
    void poolLinearFlattenChecksPass() {
        List<CheckCase> cases = PoolChecks.cases();
        assertTrue(cases.stream().anyMatch(c -> c.layer().equals("MaxPool2d") && c.config().contains("ceil")));
        assertTrue(cases.stream().anyMatch(c -> c.layer().equals("AvgPool2d") && c.config().contains("exclude pad")));
        assertAllPass(cases);
    }

    @Test
    void casesAreRegisteredInTheSuite() {
        List<String> all = GradCheckSuite.all().stream().map(c -> c.layer() + " " + c.config()).toList();
        for (CheckCase c : ConvChecks.cases()) assertTrue(all.contains(c.layer() + " " + c.config()), c.config());
        for (CheckCase c : PoolChecks.cases()) assertTrue(all.contains(c.layer() + " " + c.config()), c.config());
    }

    private static void assertAllPass(List<CheckCase> cases) {
        StringBuilder failures = new StringBuilder();
        double worst = 0;
        for (CheckCase c : cases) {
            CheckResult r = c.run();
            worst = Math.max(worst, r.maxRelError());
            if (!(r.maxRelError() <= GradCheck.MAX_REL_ERROR)) {
                failures.append(String.format("%n  %s %s: %s rel err %.3g", r.layer(), r.config(), r.worst(), r.maxRelError()));
            }
        }
        assertEquals("", failures.toString(), "gradient checks above " + GradCheck.MAX_REL_ERROR);
        System.out.printf("%d cases, worst rel err %.3g%n", cases.size(), worst);
    }
}
