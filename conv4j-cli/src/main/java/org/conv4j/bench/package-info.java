/**
 * The figures {@code conv4j bench} prints: conv per shape, GEMM, inference.
 *
 * <p>Depends on: conv, kernels, kernels.gemm, layers, model, tensor, util.
 */
package org.conv4j.bench;
