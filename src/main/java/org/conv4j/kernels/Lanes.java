package org.conv4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector shape every Vector API kernel uses: {@code FloatVector.SPECIES_PREFERRED}, or
 * {@code -Dconv4j.vectorBits=128|256|512}. A static final, so C2 intrinsifies every vector operation on it.
 * Loading this class loads the Vector API: only Vector API kernels refer to it.
 */
public final class Lanes {
    /** The float species of every vector kernel. */
    public static final VectorSpecies<Float> SPECIES = species();
    /** Floats per vector. */
    public static final int COUNT = SPECIES.length();

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
}
