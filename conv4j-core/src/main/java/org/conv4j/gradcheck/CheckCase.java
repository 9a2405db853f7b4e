package org.conv4j.gradcheck;

import java.util.function.Supplier;

/** A named gradient check that runs on demand. Families of cases are listed in {@link GradCheckSuite}. */
public record CheckCase(String layer, String config, Supplier<CheckResult> check) {
    public CheckResult run() { return check.get(); }
}
