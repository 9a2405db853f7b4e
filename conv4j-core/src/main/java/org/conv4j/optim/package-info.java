/**
 * Optimizers (SGD, RMSprop, Adam, AdamW), learning-rate schedules and gradient clipping.
 *
 * <p>Depends on: kernels, kernels.optim, layers.
 */
package org.conv4j.optim;
