/**
 * Losses: cross-entropy, multi-margin and mean squared error, each with its backward.
 *
 * <p>Depends on: layers, tensor.
 */
package org.conv4j.loss;
