package org.conv4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What the driver broadcasts before each step: every parameter and buffer value ({@code ModelState.values}
 * order) and the layer states (dropout generators), so each executor's network is exactly the driver's.
 */
record StepWeights(float[] values, Map<String, long[]> layerStates) implements Serializable {}
