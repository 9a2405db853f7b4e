/**
 * Datasets (IDX, CIFAR, image folders), augmentation and the {@link org.conv4j.data.DataLoader}.
 *
 * <p>Depends on: io, kernels, model, tensor, util.
 */
package org.conv4j.data;
