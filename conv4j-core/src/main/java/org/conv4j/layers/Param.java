package org.conv4j.layers;

import org.conv4j.tensor.Tensor;

/**
 * A named tensor owned by a layer. Trainable parameters carry a gradient of the same shape, into which
 * {@link Layer#backward} adds; buffers (running statistics) have none and are updated by the layer.
 *
 * @param name  local name, as in a torch state_dict ("weight", "bias", "running_mean")
 * @param value the values
 * @param grad  d + value's name, same shape; null for a buffer
 */
public record Param(String name, Tensor value, Tensor grad) {
    /**
     * A parameter with a zero gradient of its shape.
     *
     * @param name  local name, e.g. "weight"
     * @param value the values; the parameter shares the tensor
     * @return the parameter
     */
    public static Param trainable(String name, Tensor value) {
        return new Param(name, value, Tensor.zerosLike(value));
    }

    /**
     * A buffer: no gradient, updated by its layer rather than by an optimiser.
     *
     * @param name  local name, e.g. "running_mean"
     * @param value the values; the buffer shares the tensor
     * @return the buffer
     */
    public static Param buffer(String name, Tensor value) {
        return new Param(name, value, null);
    }

    /** {@return whether this parameter has a gradient (a buffer has none)} */
    public boolean isTrainable() { return grad != null; }
}
