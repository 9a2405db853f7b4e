package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.gradcheck.CheckCase;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.gradcheck.ModelChecks;
import org.junit.jupiter.api.Test;

class ModelChecksTest {
    @Test
    void containersPassGradientChecks() {
        assertEquals(3, ModelChecks.cases().size());
        for (CheckCase c : ModelChecks.cases()) {
            CheckResult r = c.run();
            assertTrue(r.maxRelError() <= GradCheck.MAX_REL_ERROR, c.layer() + " " + c.config() + ": " + r);
        }
    }
}
