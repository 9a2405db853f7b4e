/**
 * The float32 NCHW {@link org.conv4j.tensor.Tensor}, shape checks, and {@link
 * org.conv4j.tensor.WindowGeometry}, the sliding-window arithmetic that convolution and pooling share.
 *
 * <p>Depends on: nothing.
 */
package org.conv4j.tensor;
