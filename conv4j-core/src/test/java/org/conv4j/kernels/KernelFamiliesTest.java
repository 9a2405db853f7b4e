package org.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The activation, pool, norm, optim and array families as {@link Kernels} chooses them, in fresh JVMs:
 * forced scalar, every family is its scalar reference and no Vector API kernel class is even loaded; by
 * default, every family is its Vector API version.
 */
class KernelFamiliesTest {
    /** Prints each family's implementation class after one call of each, so lazy loading shows up too. */
    public static final class Probe {
        public static void main(String[] args) {
            float[] x = {-1f, 2f, 3f, -4f}, y = new float[4], w = {1f, 1f, 1f, 1f}, m = new float[4], v = new float[4];
            Kernels.activation().geluForward(4, x, 0, y, null, 0);
            Kernels.pool().maxPool2x2(1, 2, 2, x, 0, y, new int[1], 0);
            Kernels.norm().laneSum(1, 4, x, 0, 4);
            Kernels.optim().adam(4, w, x, m, v, org.conv4j.kernels.optim.AdamStep.of(0.1, 0.9, 0.999, 1e-8, 0, false, 1));
            Kernels.arrays().addOrderedSums(1, 4, x, 0, 4, y, 0);
            System.out.println("family activation " + Kernels.activation().getClass().getName());
            System.out.println("family pool " + Kernels.pool().getClass().getName());
            System.out.println("family norm " + Kernels.norm().getClass().getName());
            System.out.println("family optim " + Kernels.optim().getClass().getName());
            System.out.println("family array " + Kernels.arrays().getClass().getName());
            System.out.println("vectorApi " + Kernels.vectorApi());
        }
    }

    private static final String[] FAMILIES = {"activation", "pool", "norm", "optim", "array"};

    private static String run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The implementation class the probe printed for {@code family}. */
    private static String chosen(String out, String family) {
        for (String line : out.split("\\R")) {
            if (line.startsWith("family " + family + " ")) return line.substring(("family " + family + " ").length()).trim();
        }
        throw new AssertionError("no line for " + family + " in\n" + out);
    }

    @Test
    void forcedScalarUsesOnlyTheScalarReferences() throws Exception {
        String out = run("-Dconv4j.kernels=scalar", "-verbose:class");
        for (String f : FAMILIES) {
            assertTrue(chosen(out, f).matches("org\\.conv4j\\.kernels\\." + f + "\\.Scalar\\w+Kernels"), f + ": " + chosen(out, f));
        }
        assertTrue(out.contains("vectorApi false"), out);
        for (String line : out.split("\\R")) {
            // -verbose:class prints "[… class,load] NAME source: …" for every class loaded.
            if (!line.contains("class,load")) continue;
            assertFalse(line.matches(".*org\\.conv4j\\.kernels\\.\\w+\\.Vector\\w+Kernels.*"), line);
            assertFalse(line.contains("org.conv4j.kernels.Lanes"), line);
        }
    }

    @Test
    void byDefaultEveryFamilyIsTheVectorVersion() throws Exception {
        String out = run();
        for (String f : FAMILIES) {
            assertTrue(chosen(out, f).matches("org\\.conv4j\\.kernels\\." + f + "\\.Vector\\w+Kernels"), f + ": " + chosen(out, f));
        }
        assertTrue(out.contains("vectorApi true"), out);
    }
}
