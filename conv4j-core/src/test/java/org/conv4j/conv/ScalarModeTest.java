package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dconv4j.kernels=scalar} covers the convolutions: in a fresh JVM that has the incubator module
 * and C2, layers that would run Winograd, direct and im2col run im2col on the scalar GEMM, forward and
 * backward within float rounding of {@link ReferenceConv2d}, and no Vector API class is ever loaded (the
 * JVM's class-load log lists none).
 */
class ScalarModeTest {
    @Test
    void scalarModeRunsEveryAlgorithmWithoutTheVectorApi(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("classes.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dconv4j.kernels=scalar", "-Xmx512m",
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                ScalarConvChild.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);

        assertTrue(out.contains("conv: scalar"), out);
        // Every shape, the Winograd and direct ones included, runs im2col on the scalar GEMM.
        assertEquals(ScalarConvChild.CONFIGS.length, out.split(" IM2COL/IM2COL ", -1).length - 1, out);
        for (String line : out.split("\n")) {
            if (!line.contains("max-err ")) continue;
            // Unit Gaussians, at most a few hundred products per sum: float rounding is near 1e-5.
            double err = Double.parseDouble(line.substring(line.indexOf("max-err ") + 8).trim());
            assertTrue(err < 1e-3, line);
        }
        List<String> vector = Files.readAllLines(log).stream()
                .filter(l -> l.contains("jdk.incubator.vector.") || l.contains("org.conv4j.kernels.Lanes")
                        || l.contains("org.conv4j.kernels.gemm.MicroKernel") || l.contains("org.conv4j.kernels.gemm.VectorGemm")
                        || l.contains("org.conv4j.kernels.conv.Vector") || l.contains("org.conv4j.kernels.VectorElementwise"))
                .toList();
        assertTrue(vector.isEmpty(), "vector classes loaded in scalar mode:\n" + String.join("\n", vector));
    }
}
