/**
 * Activation kernels: ReLU, LeakyReLU, sigmoid, tanh and GELU, scalar reference and Vector API.
 *
 * <p>Depends on: kernels, util.
 */
package org.conv4j.kernels.activation;
