package org.conv4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** The vector stride-2 gather against its definition: counts around the vector width, reads up to src's end. */
class EveryOtherTest {
    @Test
    void copiesTheEvenFloatsAndWritesNothingElse() {
        Rng rng = new Rng(3);
        for (int count = 0; count <= 70; count++) {
            for (int from : new int[] {0, 1, 5}) {
                for (int slack : new int[] {0, 1, 2, 17}) {   // floats of src past the last one taken
                    float[] src = new float[from + Math.max(0, 2 * count - 1) + slack];
                    for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat() - 0.5f;
                    float[] got = new float[count + 9], want = new float[count + 9];
                    Arrays.fill(got, Float.NaN);
                    Arrays.fill(want, Float.NaN);
                    EveryOther.copy(src, from, count, got, 4);
                    EveryOther.reference(src, from, count, want, 4);
                    assertArrayEquals(want, got, "count " + count + ", from " + from + ", slack " + slack);
                }
            }
        }
    }
}
