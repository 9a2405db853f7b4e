/**
 * The {@code conv4j} command. Nothing imports it.
 *
 * <p>Depends on: bench, data, gradcheck, io, kernels, layers, model, onnx, report, tensor, train,
 * util.
 */
package org.conv4j.cli;
