package org.conv4j.kernels.gemm;

/**
 * The left operand op(A) [m, k] of several products that share it, packed once by {@link Gemm#pack}:
 * a layer's weights multiplied by each image of a batch. {@link VectorGemm} packs its panels here, so the
 * products skip repacking A; other implementations multiply from the source array.
 *
 * <p>It refers to the caller's array: A must not change while the packed operand is in use.
 *
 * @param panels VectorGemm's packed panels, one array per k slice; null when not packed
 */
public record PackedA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[][] panels) {}
