/**
 * ONNX export and import, and PyTorch state_dict weights.
 *
 * <p>Depends on: activation, conv, io, layers, model, norm, pool, tensor, util.
 */
package org.conv4j.onnx;
