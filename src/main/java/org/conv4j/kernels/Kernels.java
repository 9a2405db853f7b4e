package org.conv4j.kernels;

/**
 * Chooses the kernel implementations once, at start-up. {@code -Dconv4j.kernels=scalar} forces the
 * scalar reference everywhere.
 */
public final class Kernels {
    private static final Gemm GEMM = new ScalarGemm();

    private Kernels() {}

    /** The GEMM every layer uses. */
    public static Gemm gemm() { return GEMM; }
}
