/**
 * Layers that move values without arithmetic on them: padding, resizing, channel shuffles and slices.
 *
 * <p>Depends on: layers, tensor.
 */
package org.conv4j.shape;
