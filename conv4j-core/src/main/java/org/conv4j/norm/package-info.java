/**
 * Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm and LayerNorm2d.
 *
 * <p>Depends on: kernels, kernels.norm, layers, tensor.
 */
package org.conv4j.norm;
