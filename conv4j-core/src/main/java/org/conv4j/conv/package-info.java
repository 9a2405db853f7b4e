/**
 * The convolution layer: Conv2d, its config, the algorithm choice, and the readable double-precision
 * reference (forward and backward) the fast kernels are tested against.
 *
 * <p>Depends on: kernels, kernels.conv, layers, tensor, util.
 */
package org.conv4j.conv;
