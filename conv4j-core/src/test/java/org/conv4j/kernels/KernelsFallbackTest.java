package org.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up choice in fresh JVMs: forced scalar, no incubator module, C2 off, and every vector width
 * (128/256/512 bits via -Dconv4j.vectorBits) computing the same products as the scalar GEMM, and the same
 * convolutions as im2col, with a register transpose that moves every float where it belongs and a 2×2 max
 * pool and batch norm's lane sums equal to the scalar loops (the micro-tile has 4 rows below 512 bits and 8 at 512, so both run on any
 * host).
 */
class KernelsFallbackTest {
    private static String run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelsProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void forcedScalarIsUsedAndSaysWhy() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector", "-Dconv4j.kernels=scalar");
        assertTrue(out.contains("reason: scalar kernels: -Dconv4j.kernels=scalar"), out);
        assertTrue(out.contains("gemm: scalar"), out);
    }

    @Test
    void missingIncubatorModuleFallsBackWithTheFix() throws Exception {
        String out = run();
        assertTrue(out.contains("module jdk.incubator.vector is not loaded (add --add-modules jdk.incubator.vector)"), out);
        assertTrue(out.contains("gemm: scalar"), out);
    }

    @Test
    void c2OffFallsBack() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        // HotSpot reports TieredStopAtLevel=1 as "emulated-client" in java.vm.info; either message names C2.
        assertTrue(out.contains("reason: scalar kernels:") && out.contains("C2 compiler is off"), out);
        assertTrue(out.contains("gemm: scalar"), out);
    }

    @Test
    void everyVectorWidthMatchesScalar() throws Exception {
        for (String bits : new String[] {"128", "256", "512"}) {
            String out = run("--add-modules", "jdk.incubator.vector", "-Dconv4j.vectorBits=" + bits);
            assertTrue(out.contains("gemm: vector-" + bits + "bit"), out);
            double err = Double.parseDouble(out.substring(out.indexOf("max-rel-err ") + 12).trim().split("\\s")[0]);
            assertTrue(err < 0x1.0p-24, bits + " bits: error / k² " + err);
            // Unit Gaussians, at most 297 products per output and 585 per dW entry: float rounding is
            // near 1e-5; a wrong tile row or tap would be of order 1.
            double convErr = Double.parseDouble(out.substring(out.indexOf("conv-max-err ") + 13).trim().split("\\s")[0]);
            assertTrue(convErr < 1e-2, bits + " bits: conv differs from im2col by " + convErr);
            assertTrue(out.contains("transpose-mismatches 0"), bits + " bits: " + out);
            assertTrue(out.contains("\npool-mismatches 0"), bits + " bits: " + out);
            assertTrue(out.contains("window-pool-mismatches 0"), bits + " bits: " + out);
            assertTrue(out.contains("lane-sum-mismatches 0"), bits + " bits: " + out);
            assertTrue(out.contains("smooth-mismatches 0"), bits + " bits: " + out);
        }
    }
}
