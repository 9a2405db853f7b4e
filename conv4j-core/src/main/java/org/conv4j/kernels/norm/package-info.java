/**
 * Batch-norm kernels: statistics in double with a fixed summation order, normalisation and its
 * backward.
 *
 * <p>Depends on: kernels.
 */
package org.conv4j.kernels.norm;
