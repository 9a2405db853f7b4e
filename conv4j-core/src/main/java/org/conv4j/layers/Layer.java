package org.conv4j.layers;

import java.util.List;
import org.conv4j.tensor.Tensor;

/**
 * One stage of a network, with its forward and backward pass side by side.
 *
 * <p>Call order for training: {@link #forward} (remembers what backward needs) then {@link #backward}
 * with the gradient of the loss with respect to the output; backward returns the gradient with respect
 * to the input and <em>adds</em> into every trainable {@link Param#grad()}. Zero the gradients between
 * steps. {@link #infer} computes the same output in inference mode, remembers nothing and only reads
 * the layer, so one layer may serve {@code infer} on many threads at once as long as nobody trains it
 * meanwhile. {@code forward}/{@code backward} are not thread-safe.
 *
 * <p>Reuse rule: the tensors {@code forward} and {@code backward} return may be buffers the layer owns and
 * overwrites on its next call with input of the same shape ({@link Buffers}), or the input itself (or a view
 * of it); a caller that keeps one across calls copies it.
 *
 * <p>Besides the forward and backward pass, a layer declares what it holds: {@link #params()} (trainable
 * parameters and buffers such as running statistics, which model files carry) and {@link #state()} (what else
 * a checkpoint must keep for exact resume). A container ({@link Container}) names its children, and
 * {@link Layers#walk} visits them.
 */
public interface Layer {
    /**
     * Training-or-evaluation forward per {@link #setTraining}; keeps what {@link #backward} needs.
     *
     * @param x the input batch, [N, ...] with the item shape the layer takes
     * @return the output batch; may be a buffer the layer reuses, or x itself (see the reuse rule above)
     * @throws org.conv4j.tensor.ShapeException naming the layer if x has a shape it cannot take
     */
    Tensor forward(Tensor x);

    /**
     * dX from dOut for the last {@link #forward}; adds into parameter gradients. Returns null instead of dX
     * when {@link #setInputGradient} turned the input gradient off and this layer skips it.
     *
     * @param dOut the gradient of the loss with respect to the last forward's output, of its shape
     * @return dX, of the last forward input's shape, or null when the input gradient is off and skipped
     * @throws IllegalStateException if called before {@link #forward}
     * @throws org.conv4j.tensor.ShapeException if dOut does not have the last output's shape
     */
    Tensor backward(Tensor dOut);

    /**
     * Whether {@link #backward} must compute dX (default true). Off, a layer that can skip it (Conv2d,
     * Linear) computes only its parameter gradients, bitwise the same as with dX on, and backward returns
     * null; other layers ignore the hint and return dX as before. A container passes it to the children whose
     * dX is its own (the first layer of a Sequential, both branches of a Residual). The trainer turns it off
     * on the network, as nothing needs the gradient of the input images, so a first convolution skips its
     * whole input-gradient pass ({@link Container#setFrozen} extends that past a frozen part).
     *
     * @param needed false when the caller does not use dX
     */
    default void setInputGradient(boolean needed) {}

    /**
     * Inference-mode forward: no state kept, safe to call concurrently.
     *
     * @param x the input batch, [N, ...] with the item shape the layer takes
     * @return the output, not a buffer the layer reuses: a new tensor, or a view of x for a layer that only
     *         reshapes (Flatten)
     * @throws org.conv4j.tensor.ShapeException naming the layer if x has a shape it cannot take
     */
    Tensor infer(Tensor x);

    /**
     * {@link #infer}, free to overwrite x's values and return x itself: for a caller that owns x (no one else
     * holds its values) and has no further use for it, such as a container handing one layer's output to the
     * next. Element-wise activations compute in place, saving a new tensor and a pass over memory; the default
     * is {@code infer(x)}. The result's values are bitwise {@code infer}'s.
     *
     * @param x the input batch, which the call may overwrite
     * @return the output: x itself or a new tensor
     * @throws org.conv4j.tensor.ShapeException naming the layer if x has a shape it cannot take
     */
    default Tensor inferInPlace(Tensor x) { return infer(x); }

    /**
     * Output shape of one item (without the batch dimension) for an item of shape {@code in}.
     *
     * @param in the item shape, e.g. [C, H, W]
     * @return the output item shape, a new array
     * @throws org.conv4j.tensor.ShapeException naming the layer if it cannot take an item of that shape
     */
    int[] outputShape(int[] in);

    /**
     * Parameters and buffers in a stable order.
     *
     * @return the layer's own parameters and buffers, or, for a container, its children's; empty by default
     */
    default List<Param> params() { return List.of(); }

    /**
     * Running state beyond {@link #params()} that exact resume needs (a generator's position), in a stable
     * order with distinct names; none by default. Checkpoints save and restore it.
     *
     * @return the state pieces, empty by default
     */
    default List<LayerState> state() { return List.of(); }

    /**
     * Switches between training behaviour (batch statistics, dropout) and evaluation.
     *
     * @param training true for training behaviour, false for evaluation
     */
    default void setTraining(boolean training) {}

    /**
     * Short human description, e.g. {@code Conv2d(1->32, k3x3, s1, p1)}.
     *
     * @return the layer's type and the settings that differ from the defaults
     */
    String describe();
}
