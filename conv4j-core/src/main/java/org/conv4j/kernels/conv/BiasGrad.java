package org.conv4j.kernels.conv;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.array.OrderedSum;

/**
 * dB of a convolution, shared by its algorithms so that it is bitwise the same whichever computes dW:
 * per image, each output channel's positions summed in {@link OrderedSum}'s written-down order (not a
 * vector lane reduction, whose order is the JIT's choice) into its chunk's partial; then the chunk
 * partials summed in chunk order.
 */
final class BiasGrad {
    private BiasGrad() {}

    /** partial[at + f] += Σ_q dOut[dOutAt + f·p + q] for f < channels. */
    static void addImage(float[] dOut, int dOutAt, int channels, int p, float[] partial, int at) {
        Kernels.arrays().addOrderedSums(channels, p, dOut, dOutAt, p, partial, at);
    }

    /** dB[f] += Σ over the chunk partials, in chunk order, of partial[at + f], for f < channels. */
    static void reduce(float[][] partials, int at, int channels, float[] dB) {
        for (int f = 0; f < channels; f++) {
            float s = 0f;
            for (float[] part : partials) s += part[at + f];
            dB[f] += s;
        }
    }
}
