package org.conv4j.gradcheck;

import java.util.function.Supplier;

/**
 * A named gradient check that runs on demand. Families of cases are listed in {@link GradCheckSuite}.
 *
 * @param layer  the layer or loss to check
 * @param config its settings and input shape
 * @param check  builds the layer and runs the check; called on every {@link #run}
 */
public record CheckCase(String layer, String config, Supplier<CheckResult> check) {
    /** {@return the result of running the check now} */
    public CheckResult run() { return check.get(); }
}
