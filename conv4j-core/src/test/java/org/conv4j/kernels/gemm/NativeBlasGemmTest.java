package org.conv4j.kernels.gemm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.conv4j.kernels.Parallel;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** OpenBLAS through FFM against the double oracle; skipped (not failed) where libopenblas is absent. */
class NativeBlasGemmTest {
    @Test
    void matchesTheOracleWhenOpenBlasIsPresent() {
        StringBuilder why = new StringBuilder();
        Optional<NativeBlasGemm> blas = NativeBlasGemm.load(why);
        assumeTrue(blas.isPresent(), why::toString);
        Rng rng = new Rng(21);
        int[][] shapes = {{1, 1, 1}, {3, 13, 207}, {207, 13, 3}, {130, 150, 170}, {13, 19, 17}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, 1f}) {
                    VectorGemmTest.Case c = VectorGemmTest.Case.random(rng, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2],
                            t == 3 ? 4098 - s[1] : 1, beta, beta == 0f);
                    c.check(blas.get().name(), c.run(blas.get()));
                }
            }
        }
        // Row-split over the pool: a product big enough to be cut into chunks.
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            VectorGemmTest.Case c = VectorGemmTest.Case.random(rng, true, false, 300, 200, 100, 0, 1f, false);
            c.check("split", c.run(blas.get()));
        } finally {
            Parallel.setThreads(before);
        }
    }
}
