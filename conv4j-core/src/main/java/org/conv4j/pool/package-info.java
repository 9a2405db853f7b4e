/**
 * Pooling layers: max, average, global and adaptive pools, their configs and the direct-loop
 * reference.
 *
 * <p>Depends on: activation, kernels, kernels.activation, kernels.array, kernels.pool, layers, tensor.
 */
package org.conv4j.pool;
