/**
 * Activation layers: ReLU, ReLU6 and Clip, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, Hardswish,
 * HardSigmoid, Softmax and LogSoftmax.
 *
 * <p>Depends on: kernels, kernels.activation, kernels.array, layers, tensor.
 */
package org.conv4j.activation;
