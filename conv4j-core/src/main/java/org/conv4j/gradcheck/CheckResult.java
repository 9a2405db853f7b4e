package org.conv4j.gradcheck;

/**
 * One row of the gradcheck table: a layer or loss, its configuration, and the largest relative error
 * over every gradient it produces (dX, dWeight, dBias ...).
 *
 * @param worst which gradient had the largest error, e.g. "dx" or "dweight"
 */
public record CheckResult(String layer, String config, double maxRelError, String worst) {
    public boolean passed() { return maxRelError <= GradCheck.MAX_REL_ERROR; }
}
