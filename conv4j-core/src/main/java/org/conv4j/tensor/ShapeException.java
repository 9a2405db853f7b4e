package org.conv4j.tensor;

/** A tensor reached a layer or function with a shape it cannot take; the message names both shapes. */
public final class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String where, String tensorName, int[] actual, int[] expected) {
        super(where + ": " + tensorName + " has shape " + Shapes.show(actual) + " but expected " + Shapes.show(expected));
    }

    public ShapeException(String message) {
        super(message);
    }
}
