/**
 * torch.nn.functional-style conv and pooling: plain functions returning (out, cache) and backward
 * functions taking (dOut, cache).
 *
 * <p>Depends on: conv, kernels.conv, layers, pool, tensor.
 */
package org.conv4j.functional;
