package org.conv4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector width every Vector API kernel uses: {@code FloatVector.SPECIES_PREFERRED}, or
 * {@code -Dconv4j.vectorBits=128|256|512}; with the doubles of the same width, the floats that widen into
 * one double vector (half the width), and the widening load and narrowing store between them. Static
 * finals, so C2 intrinsifies every vector operation on them.
 * Loading this class loads the Vector API: only Vector API kernels refer to it.
 */
public final class Lanes {
    /** The float species of every vector kernel. */
    public static final VectorSpecies<Float> SPECIES = species();
    /** Floats per vector. */
    public static final int COUNT = SPECIES.length();
    /** Doubles at the float vectors' width. */
    public static final VectorSpecies<Double> DOUBLES =
            VectorSpecies.of(double.class, VectorShape.forBitSize(SPECIES.vectorBitSize()));
    /** The floats that widen into one vector of {@link #DOUBLES} (half the width). */
    public static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));

    private Lanes() {}

    private static VectorSpecies<Float> species() {
        String bits = System.getProperty("conv4j.vectorBits");
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        return switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "system property conv4j.vectorBits must be 128, 256 or 512, got '" + bits + "'");
        };
    }

    /**
     * x[i .. i + DOUBLES.length()) widened to doubles.
     *
     * @param x the floats
     * @param i the first index; i + DOUBLES.length() must not exceed x.length
     * @return a vector of {@link #DOUBLES}
     */
    public static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * {@link #widen(float[], int)} with the lanes outside {@code m} read as 0 (and not read from x).
     *
     * @param x the floats
     * @param i the first index
     * @param m which of the {@link #HALF_FLOATS} lanes to read
     * @return a vector of {@link #DOUBLES}
     */
    public static DoubleVector widen(float[] x, int i, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, i, m).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * Stores the doubles of {@code v} narrowed to floats at y[i ..].
     *
     * @param v the doubles
     * @param y the destination
     * @param i the first index; i + DOUBLES.length() must not exceed y.length
     */
    public static void narrow(DoubleVector v, float[] y, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(y, i);
    }
}
