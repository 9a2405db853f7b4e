/**
 * The compute kernels, chosen once at start-up by {@link org.conv4j.kernels.Kernels}: each family
 * (gemm, conv, pool, norm, activation, optim) has a small interface, a readable scalar reference and a
 * Vector API implementation. The one thread pool, {@link org.conv4j.kernels.Parallel}. The only home
 * of {@code jdk.incubator.vector} code.
 *
 * <p>Depends on: nothing.
 */
package org.conv4j.kernels;
