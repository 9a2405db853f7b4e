package org.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes-file parser and {@code conv4j bench}'s output format (the columns compare_conv.sh reads). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void builtInShapesAreTheStandardSix() {
        List<ConvShape> s = ConvShape.defaults();
        assertEquals(List.of("fmnist-c1", "fmnist-c2", "cifar-c3", "res-c128", "strided-k5", "pointwise"),
                s.stream().map(ConvShape::name).toList());
        ConvShape strided = s.get(4);
        assertEquals(16, strided.outH());
        // torch_conv_bench.py's count: 2·N·F·OH·OW·C·K²
        assertEquals(2.0 * 64 * 32 * 16 * 16 * 3 * 25, strided.forwardFlops());
    }

    @Test
    void badLinesNameFileLineAndField() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("s.tsv", "# c\na 1 2 3 4 5 6 7\n"));
        assertTrue(e.getMessage().startsWith("s.tsv line 2: expected 9 fields"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("s.tsv", "a 1 2 3 x 5 3 1 0"));
        assertTrue(e.getMessage().contains("line 1: field W must be an integer, got 'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("s.tsv", "a 1 2 3 3 5 3 0 0"));
        assertTrue(e.getMessage().contains("field stride must be positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("s.tsv", "a 1 2 3 3 5 7 1 1"));
        assertTrue(e.getMessage().contains("kernel 7 is larger than the padded input 5x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("s.tsv", "# only\n\n"));
        assertTrue(e.getMessage().contains("no shapes"), e.getMessage());
    }

    @Test
    void printsTorchColumnsForEachShape() throws Exception {
        Path shapes = dir.resolve("tiny.tsv");
        Files.writeString(shapes, "# name N C H W F K stride pad\nt1\t8\t16\t9\t7\t16\t3\t2\t1\nt2 4 32 8 8 16 1 1 0\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--threads", "1", "--shapes", shapes.toString(), "--no-gemm", "--no-inference"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(ConvBench.HEADER, lines.get(0));
        assertEquals("shape\tfwd_ms\tfwd_gflops\tfwdbwd_ms\tfwdbwd_gflops", lines.get(0));
        for (int i = 1; i <= 2; i++) {
            String[] f = lines.get(i).split("\t");
            assertEquals(5, f.length, lines.get(i));
            assertEquals("t" + i, f[0]);
            for (int j = 1; j < 5; j++) assertTrue(Double.parseDouble(f[j]) >= 0, lines.get(i));
            // Shapes big enough (≥ 0.26 MFLOP) that GFLOP/s stays above the printed 0.1 even at a few ms on a loaded
            // machine; ms are printed to 0.01 and may round to 0.00, GFLOP/s come from the unrounded time.
            assertTrue(Double.parseDouble(f[2]) > 0 && Double.parseDouble(f[4]) > 0, lines.get(i));
        }
    }

    @Test
    void scalingTablePrintsBothTimesAndTheirRatio() throws Exception {
        Path shapes = dir.resolve("one.tsv");
        Files.writeString(shapes, "t1 4 16 12 12 16 3 1 1\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int before = org.conv4j.kernels.Parallel.threads();
        int code = Main.run(new String[] {"bench", "--threads", "2", "--shapes", shapes.toString(), "--scaling", "--no-gemm",
                "--no-inference"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals(before, org.conv4j.kernels.Parallel.threads(), "bench restores the pool's size");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        int h = lines.indexOf(ConvBench.SCALING_HEADER);
        assertTrue(h > 0 && lines.get(h - 1).startsWith("# 1 -> 2 threads"), String.join("\n", lines));
        String[] f = lines.get(h + 1).split("\t");
        assertEquals(List.of("t1", "2"), List.of(f[0], f[1]));
        double one = Double.parseDouble(f[2]), two = Double.parseDouble(f[3]), speedup = Double.parseDouble(f[4]);
        assertTrue(one > 0 && two > 0, lines.get(h + 1));
        // the speed-up is the ratio of the unrounded times: within the interval the printed (±0.005) times allow
        double lo = (one - 0.005) / (two + 0.005) - 0.005, hi = (one + 0.005) / (two - 0.005) + 0.005;
        assertTrue(lo <= speedup && speedup <= hi, lines.get(h + 1));
    }

    @Test
    void scalingNeedsTwoThreads() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--threads", "1", "--scaling"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--scaling compares 1 thread with --threads T"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void missingShapesFileIsAnIoError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--shapes", dir.resolve("nope.tsv").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(3, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("shapes file not found"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void inferenceRowReportsTheRateOfTheTimedPass() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InferenceBench.run(new PrintStream(out, true, StandardCharsets.UTF_8), 2 * InferenceBench.BATCH);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(InferenceBench.HEADER, lines.get(0));
        String[] f = lines.get(1).split("\t");
        assertEquals(List.of("reference", "1000", "2000"), List.of(f[0], f[1], f[2]));
        double ms = Double.parseDouble(f[3]), rate = Double.parseDouble(f[4]);
        assertTrue(ms > 0 && rate > 0, lines.get(1));
        // images_per_s is the pass's images over its time (both printed rounded)
        assertEquals(2000 / (ms / 1e3), rate, rate * 0.01 + 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> InferenceBench.seconds(org.conv4j.model.Zoo.spec("reference").build(0), 1500));
        assertTrue(e.getMessage().contains("multiple of 1000"), e.getMessage());
    }
}
