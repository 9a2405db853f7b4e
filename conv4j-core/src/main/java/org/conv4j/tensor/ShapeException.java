package org.conv4j.tensor;

/** A tensor reached a layer or function with a shape it cannot take; the message names both shapes. */
public final class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * A message of the form "{@code where}: {@code tensorName} has shape [..] but expected [..]".
     *
     * @param where      names the layer or function
     * @param tensorName names the tensor
     * @param actual     the shape it has
     * @param expected   the shape expected, -1 for any size
     */
    public ShapeException(String where, String tensorName, int[] actual, int[] expected) {
        super(where + ": " + tensorName + " has shape " + Shapes.show(actual) + " but expected " + Shapes.show(expected));
    }

    /**
     * A shape error with a message of the caller's own.
     *
     * @param message should name the layer, the tensor and the shapes
     */
    public ShapeException(String message) {
        super(message);
    }
}
