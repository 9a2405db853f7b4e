/**
 * Optimizer update kernels: the SGD, Adam and RMSprop steps over flat parameter arrays.
 *
 * <p>Depends on: kernels.
 */
package org.conv4j.kernels.optim;
