/**
 * ONNX export and import, and PyTorch state_dict weights.
 *
 * <p>Depends on: activation, conv, io, layers, merge, model, norm, pool, shape, tensor, util.
 */
package org.conv4j.onnx;
