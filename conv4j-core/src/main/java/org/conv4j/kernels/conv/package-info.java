/**
 * Convolution kernels: im2col and col2im, the direct implicit GEMM and Winograd F(2x2,3x3), each
 * beside its scalar reference.
 *
 * <p>Depends on: kernels, kernels.array, kernels.gemm, tensor.
 */
package org.conv4j.kernels.conv;
