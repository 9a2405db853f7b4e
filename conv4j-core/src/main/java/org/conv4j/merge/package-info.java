/**
 * Layers with several inputs, the merges of a {@link org.conv4j.model.Graph}: {@link Add}, {@link Mul} (both
 * broadcasting over the item dimensions, so a squeeze-excitation gate [N, C, 1, 1] scales [N, C, H, W]) and
 * {@link Concat}, behind the {@link Merge} contract.
 *
 * <p>Depends on: kernels, kernels.array, layers, tensor.
 */
package org.conv4j.merge;
