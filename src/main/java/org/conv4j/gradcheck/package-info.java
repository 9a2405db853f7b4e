/**
 * Centred-difference gradient checks of every layer and loss, behind {@code conv4j gradcheck}.
 *
 * <p>Depends on: activation, conv, functional, layers, loss, merge, model, norm, pool, shape, tensor, util.
 */
package org.conv4j.gradcheck;
