package org.conv4j.merge;

import java.util.List;
import org.conv4j.tensor.Tensor;

/**
 * A layer with several inputs and one output (add, multiply, concatenate), with forward and backward side by side.
 * It has no parameters. A {@link org.conv4j.model.Graph} node holds either a single-input
 * {@link org.conv4j.layers.Layer} or one of these.
 *
 * <p>Call order for training: {@link #forward} then {@link #backward} with dOut, the gradient of the loss with
 * respect to the output; backward returns one dX per input, in input order. forward may keep references to its
 * inputs for backward, so the caller leaves them unchanged until then (a graph does: no layer writes into its
 * input). {@link #infer} remembers nothing and only reads the merge, so it may run on many threads at once.
 * forward/backward are not thread-safe.
 *
 * <p>Reuse rule, as for {@link org.conv4j.layers.Layer}: the tensors forward and backward return may be buffers the
 * merge owns and overwrites on its next call, or an input (backward of a sum may return dOut itself, even for
 * several inputs). Callers never write into them; one that keeps one across calls copies it.
 *
 * <p>Shapes: every input is [N, ...] with the same N; {@link #outputShape} works on item shapes (without N).
 */
public interface Merge {
    /**
     * The output for {@code xs} (at least {@link #minInputs()} tensors); keeps what backward needs.
     *
     * @param xs the inputs, each [N, ...]
     * @return the output, [N, ...]; possibly a buffer the merge overwrites on its next call
     * @throws org.conv4j.tensor.ShapeException if the inputs' shapes do not fit together
     */
    Tensor forward(List<Tensor> xs);

    /**
     * dX for each input of the last {@link #forward}, in input order, each with that input's shape.
     *
     * @param dOut the gradient of the loss with respect to the last output, of its shape
     * @return one dX per input; possibly buffers the merge overwrites, or dOut itself
     */
    List<Tensor> backward(Tensor dOut);

    /**
     * The output for {@code xs}, keeping nothing: safe to call concurrently.
     *
     * @param xs the inputs, each [N, ...]
     * @return a new output tensor, [N, ...]
     * @throws org.conv4j.tensor.ShapeException if the inputs' shapes do not fit together
     */
    Tensor infer(List<Tensor> xs);

    /**
     * {@link #infer}, free to overwrite the first input's values and return it: for a caller that owns
     * {@code xs.get(0)} (no one else holds its values, no other input shares its array) and has no further use
     * for it. The default is {@code infer(xs)}; the result's values are bitwise {@code infer}'s.
     *
     * @param xs the inputs, each [N, ...]; the first may be overwritten
     * @return the output: the first input itself or a new tensor
     * @throws org.conv4j.tensor.ShapeException if the inputs' shapes do not fit together
     */
    default Tensor inferInPlace(List<Tensor> xs) { return infer(xs); }

    /**
     * The output's item shape for inputs of these item shapes.
     *
     * @param in the inputs' item shapes, without N
     * @return the output's item shape
     * @throws org.conv4j.tensor.ShapeException naming the input that does not fit
     */
    int[] outputShape(List<int[]> in);

    /** {@return the fewest inputs this merge takes (2 for Add and Mul, 1 for Concat)} */
    int minInputs();

    /** {@return the most inputs this merge takes (2 for Mul; {@link Integer#MAX_VALUE} for Add and Concat)} */
    int maxInputs();

    /** {@return a short human description, e.g. {@code Concat(dim=1)}} */
    String describe();
}
