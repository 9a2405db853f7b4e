/**
 * Single-precision GEMM: the interface, the scalar reference, the packed Vector API GEMM with its one
 * register-tile micro-kernel, and the optional OpenBLAS binding.
 *
 * <p>Depends on: kernels.
 */
package org.conv4j.kernels.gemm;
