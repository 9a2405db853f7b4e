package org.conv4j.kernels.gemm;

/**
 * The right operand op(B) [k, n] of several products that share it, packed once by {@link Gemm#packB}:
 * a fully connected layer's weights, multiplied by one small batch after another when serving. At batch 1
 * packing B costs more than the product, so a layer whose weights are fixed packs them once.
 * {@link VectorGemm} packs its panels here; other implementations multiply from the source array.
 *
 * <p>It refers to the caller's array: B must not change while the packed operand is in use.
 *
 * @param transB whether B is stored transposed, [n, k]
 * @param k      rows of op(B)
 * @param n      columns of op(B)
 * @param b      the source array
 * @param bOff   offset of B in {@code b}
 * @param ldb    B's row stride
 * @param panels VectorGemm's packed panels, one array per k slice; null when not packed
 */
public record PackedB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[][] panels) {}
