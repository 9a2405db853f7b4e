package org.conv4j.gradcheck;

/**
 * One row of the gradcheck table: a layer or loss, its configuration, and the largest relative error
 * over every gradient it produces (dX, dWeight, dBias ...).
 *
 * @param layer       the layer or loss checked, e.g. "Conv2d"
 * @param config      its settings and input shape, as shown in the table
 * @param maxRelError the largest relative error over every gradient (and the forward, where compared)
 * @param worst       which gradient had the largest error, e.g. "dx" or "dweight"
 */
public record CheckResult(String layer, String config, double maxRelError, String worst) {
    /** {@return whether {@code maxRelError} is within {@link GradCheck#MAX_REL_ERROR}; NaN fails} */
    public boolean passed() { return maxRelError <= GradCheck.MAX_REL_ERROR; }
}
