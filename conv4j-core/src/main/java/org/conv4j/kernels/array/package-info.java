/**
 * Array kernels shared by several layers: axpy, scaling, sums in a fixed order.
 *
 * <p>Depends on: kernels.
 */
package org.conv4j.kernels.array;
