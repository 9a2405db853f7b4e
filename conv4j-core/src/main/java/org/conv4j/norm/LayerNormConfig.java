package org.conv4j.norm;

import java.util.Arrays;
import org.conv4j.tensor.Shapes;

/**
 * Settings of {@link LayerNorm}, torch.nn.LayerNorm's arguments and defaults.
 *
 * @param normalizedShape   the trailing dimensions normalised together ({@code normalized_shape}), each at
 *                          least 1; also the shape of weight and bias
 * @param eps               added to the variance before the square root; default 1e-5
 * @param elementwiseAffine learn a weight (γ, ones) and bias (β, zeros) of shape normalizedShape; default true
 */
public record LayerNormConfig(int[] normalizedShape, double eps, boolean elementwiseAffine) {
    /**
     * Validates the settings and keeps a copy of {@code normalizedShape}.
     *
     * @throws IllegalArgumentException if {@code normalizedShape} is null, empty, has a dimension below 1 or is
     *         too large for one tensor, or if {@code eps} is negative or not finite
     */
    public LayerNormConfig {
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must name at least one dimension, got "
                    + (normalizedShape == null ? "null" : "[]"));
        }
        for (int d : normalizedShape) {
            if (d < 1) throw new IllegalArgumentException("LayerNorm: every normalized_shape dimension must be at least 1, got " + Arrays.toString(normalizedShape));
        }
        Shapes.size(normalizedShape); // fails on a shape too large for one tensor
        normalizedShape = normalizedShape.clone();
        if (!(eps >= 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("LayerNorm: eps must be finite and at least 0, got " + eps);
    }

    /**
     * eps 1e-5, with weight and bias, as torch.nn.LayerNorm(normalized_shape).
     *
     * @param normalizedShape the trailing dimensions normalised together, each at least 1
     * @return the settings
     * @throws IllegalArgumentException if {@code normalizedShape} is empty or has a dimension below 1
     */
    public static LayerNormConfig of(int... normalizedShape) { return new LayerNormConfig(normalizedShape, 1e-5, true); }

    /** {@return a copy of the trailing dimensions normalised together} */
    @Override
    public int[] normalizedShape() { return normalizedShape.clone(); }

    /**
     * A copy with another eps.
     *
     * @param v added to the variance, finite and at least 0
     * @return the new settings
     * @throws IllegalArgumentException if {@code v} is negative or not finite
     */
    public LayerNormConfig withEps(double v) { return new LayerNormConfig(normalizedShape, v, elementwiseAffine); }

    /**
     * A copy with or without the learnt γ and β.
     *
     * @param v true to learn γ and β
     * @return the new settings
     */
    public LayerNormConfig withElementwiseAffine(boolean v) { return new LayerNormConfig(normalizedShape, eps, v); }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerNormConfig c && Arrays.equals(normalizedShape, c.normalizedShape) && eps == c.eps
                && elementwiseAffine == c.elementwiseAffine;
    }

    @Override
    public int hashCode() { return 31 * (31 * Arrays.hashCode(normalizedShape) + Double.hashCode(eps)) + Boolean.hashCode(elementwiseAffine); }

    @Override
    public String toString() {
        return "LayerNormConfig[normalizedShape=" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", elementwiseAffine=" + elementwiseAffine + "]";
    }
}
