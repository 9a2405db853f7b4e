package org.conv4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the activation, pool, norm, optim and array kernels compute on: floats at the GEMM's
 * width ({@code -Dconv4j.vectorBits}, else the CPU's preferred), doubles at the same width, and the floats
 * that widen into one double vector (half the width); with the widening load and the narrowing store
 * between them. Loaded only by the Vector API kernels.
 */
public final class VectorShapes {
    /** Floats at the width every vector kernel uses. */
    public static final VectorSpecies<Float> FLOATS = VectorGemm.S;
    /** Doubles at the float vectors' width. */
    public static final VectorSpecies<Double> DOUBLES =
            VectorSpecies.of(double.class, VectorShape.forBitSize(FLOATS.vectorBitSize()));
    /** The floats that widen into one vector of {@link #DOUBLES} (half the width). */
    public static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));

    private VectorShapes() {}

    /** x[i .. i + DOUBLES.length()) widened to doubles. */
    public static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /** {@link #widen(float[], int)} with the lanes outside {@code m} read as 0 (and not read from x). */
    public static DoubleVector widen(float[] x, int i, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i, m).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /** Stores the doubles of {@code v} narrowed to floats at y[i ..]. */
    public static void narrow(DoubleVector v, float[] y, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(y, i);
    }
}
