package org.conv4j.reliability;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
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
        int[] bits = ReproducibilityTest.train(Parallel.threads(), 3);
        ByteBuffer b = ByteBuffer.allocate(bits.length * 4);
        for (int v : bits) b.putInt(v);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        System.out.println(Kernels.gemm().getClass().getSimpleName() + " " + Parallel.threads() + " " + sha);
    }
}
