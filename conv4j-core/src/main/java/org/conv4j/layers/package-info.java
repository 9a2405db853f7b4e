/**
 * The {@link org.conv4j.layers.Layer} contract, parameters and their names, containers,
 * initialisation, and the layers that belong to no family: Linear, Flatten, Dropout.
 *
 * <p>Depends on: kernels, kernels.gemm, tensor, util.
 */
package org.conv4j.layers;
