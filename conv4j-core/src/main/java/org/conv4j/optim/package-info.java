/**
 * Optimizers (SGD, RMSprop, Adam, AdamW), learning-rate schedules and gradient clipping.
 *
 * <p>Every optimizer takes the parameters it updates as {@code NamedParam}s, or a {@code Layer} or {@code Model}
 * whose trainable parameters it then updates ({@code Adam.adam(model, 1e-3)}, {@code new Sgd(network, 0.1)}).
 *
 * <p>Depends on: kernels, kernels.optim, layers, model.
 */
package org.conv4j.optim;
