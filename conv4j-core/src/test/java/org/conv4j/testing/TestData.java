package org.conv4j.testing;

import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/** Seeded random tensors and float comparisons for tests. */
public final class TestData {
    private TestData() {}

    /** Uniform values in [-1, 1). */
    public static Tensor uniform(Rng rng, int... shape) {
        Tensor t = new Tensor(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = 2 * rng.nextFloat() - 1;
        return t;
    }

    /** Largest |a−b| / max(|b|, floor) over all entries; fails on a size mismatch. */
    public static double maxRelDiff(float[] a, float[] b, double floor) {
        if (a.length != b.length) throw new AssertionError("sizes differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double e = Math.abs((double) a[i] - b[i]) / Math.max(floor, Math.abs(b[i]));
            if (!(e <= m)) m = e;
        }
        return m;
    }
}
