package org.conv4j.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.conv4j.kernels.Lanes;

/**
 * The stride-2 gather dst[at + k] = src[from + 2k] for k &lt; count, which splits a row into its even and odd
 * columns: Winograd's split rows and a stride-2 depthwise convolution's phase planes. V floats at a time as the
 * even lanes of two vectors, where a scalar loop stores one float per iteration.
 */
final class EveryOther {
    private static final VectorSpecies<Float> S = Lanes.SPECIES;
    private static final int V = S.length();
    /** Lane indices 0, 2, 4, …: the even lanes of two vectors, by selectFrom. */
    private static final FloatVector EVEN;

    static {
        float[] even = new float[V];
        for (int k = 0; k < V; k++) even[k] = 2 * k;
        EVEN = FloatVector.fromArray(S, even, 0);
    }

    private EveryOther() {}

    /**
     * dst[at + k] = src[from + 2k] for k &lt; count: V at a time while the second vector stays inside src (it may
     * read one float past the last one taken), then one by one. The same floats as {@link #reference}.
     */
    static void copy(float[] src, int from, int count, float[] dst, int at) {
        int k = 0;
        for (; k + V <= count && from + 2 * k + 2 * V <= src.length; k += V) {
            EVEN.selectFrom(FloatVector.fromArray(S, src, from + 2 * k), FloatVector.fromArray(S, src, from + 2 * k + V))
                    .intoArray(dst, at + k);
        }
        for (; k < count; k++) dst[at + k] = src[from + 2 * k];
    }

    /** The definition, one float at a time. */
    static void reference(float[] src, int from, int count, float[] dst, int at) {
        for (int k = 0; k < count; k++) dst[at + k] = src[from + 2 * k];
    }
}
