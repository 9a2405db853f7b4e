/**
 * Activation layers: ReLU, ReLU6 and Clip, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, Hardswish,
 * HardSigmoid, Softmax and LogSoftmax. ReLU6 and Clip run as one layer with a convolution before them
 * ({@link org.conv4j.conv.ClampedConv2d}), hence the one arrow to {@code conv}.
 *
 * <p>Depends on: conv, kernels, kernels.activation, kernels.array, layers, tensor.
 */
package org.conv4j.activation;
