package org.conv4j.reliability;

import org.conv4j.kernels.Kernels;
import org.conv4j.kernels.Parallel;

/**
 * {@code ReproChild}: trains {@link ReproducibilityTest}'s network in its own JVM (whose kernels and
 * thread count come from system properties) and prints the GEMM it used, the thread count and a SHA-256
 * of the final weights' bits.
 */
public final class ReproChild {
    private ReproChild() {}

    public static void main(String[] args) throws Exception {
        String sha = ReproducibilityTest.sha256(ReproducibilityTest.train(Parallel.threads(), 3));
        System.out.println(Kernels.gemm().getClass().getSimpleName() + " " + Parallel.threads() + " " + sha);
    }
}
