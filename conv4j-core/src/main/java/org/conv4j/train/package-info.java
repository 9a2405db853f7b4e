/**
 * The trainer: one training step, epochs, evaluation, checkpoints with exact resume, metrics and
 * progress.
 *
 * <p>Depends on: data, io, kernels, layers, loss, model, optim, tensor, util.
 */
package org.conv4j.train;
