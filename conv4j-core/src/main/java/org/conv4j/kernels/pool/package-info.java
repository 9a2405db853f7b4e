/**
 * Pooling kernels: max and average pools as a row pass then a column pass, scalar reference and Vector
 * API.
 *
 * <p>Depends on: kernels.
 */
package org.conv4j.kernels.pool;
