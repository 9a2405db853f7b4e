package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.conv4j.functional.Functional;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.io.Npy;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.PoolConfig;
import org.conv4j.pool.ReferencePool;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward outputs and every gradient of Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool2d and Linear agree with
 * PyTorch 1.13 on the fixtures made by {@code src/test/resources/fixtures/conv/make_conv_fixtures.py}.
 * The expected values are torch's results in float64 from the same float32 inputs; conv4j computes in
 * float32, so each entry must agree to {@link #REL} relative to max(|expected|, {@link #FLOOR}·max|expected|)
 * (the floor keeps entries that cancel to nearly zero from demanding more than float32 holds). The
 * double-precision oracles ReferenceConv2d and ReferencePool are held to 1e-12.
 */
class TorchFixtureTest {
    static final double REL = 1e-5;
    static final double FLOOR = 1e-2;

    @TestFactory
    Stream<DynamicTest> everyFixtureCaseAgreesWithTorch() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir().resolve("manifest.tsv"))) {
            if (!line.isBlank() && !line.startsWith("#")) rows.add(line.split("\t"));
        }
        assertTrue(rows.size() >= 20, "manifest lists " + rows.size() + " cases");
        return rows.stream().map(r -> DynamicTest.dynamicTest(r[1], () -> {
            switch (r[0]) {
                case "conv" -> checkConv(r);
                case "linear" -> checkLinear(r);
                default -> checkPool(r);
            }
        }));
    }

    private static void checkConv(String[] r) throws IOException {
        String name = r[1];
        int c = i(r[3]), f = i(r[6]), kh = i(r[7]), kw = i(r[8]);
        Conv2dConfig cfg = Conv2dConfig.of(c, f, kh, kw).withStride(i(r[9]), i(r[10]))
                .withDilation(i(r[12]), i(r[13])).withGroups(i(r[14])).withBias(r[15].equals("1"));
        cfg = switch (r[11]) {
            case "same" -> cfg.same();
            case "valid" -> cfg.valid();
            default -> {
                String[] p = r[11].split(",");
                yield cfg.withPadding(i(p[0]), i(p[1]), i(p[2]), i(p[3]));
            }
        };
        Tensor x = load(name, "x"), w = load(name, "w"), dOut = load(name, "dout");
        Tensor b = cfg.bias() ? load(name, "b") : null;

        // The layer ...
        Conv2d conv = new Conv2d(cfg, new Rng(0));
        System.arraycopy(w.data(), 0, conv.weight().value().data(), 0, w.size());
        if (b != null) System.arraycopy(b.data(), 0, conv.bias().value().data(), 0, b.size());
        Tensor out = conv.forward(x);
        assertClose(name + " out", expected(name, "out"), out);
        assertClose(name + " dx", expected(name, "dx"), conv.backward(dOut));
        assertClose(name + " dw", expected(name, "dw"), conv.weight().grad());
        if (b != null) assertClose(name + " db", expected(name, "db"), conv.bias().grad());

        // ... the functional form ...
        var fwd = Functional.conv2d(x, w, b, cfg);
        assertClose(name + " F out", expected(name, "out"), fwd.out());
        Functional.Grads g = Functional.conv2dBackward(dOut, fwd.cache());
        assertClose(name + " F dx", expected(name, "dx"), g.dX());
        assertClose(name + " F dw", expected(name, "dw"), g.dWeight());
        if (b != null) assertClose(name + " F db", expected(name, "db"), g.dBias());
        else assertNull(g.dBias());

        // ... and the double-precision oracle, which must agree with torch's float64 result almost exactly.
        double[] ref = ReferenceConv2d.forward(cfg, x.dim(0), x.dim(2), x.dim(3), GradCheck.widen(x.data()),
                GradCheck.widen(w.data()), b == null ? null : GradCheck.widen(b.data()));
        assertOracleClose(name + " ReferenceConv2d", expected(name, "out"), ref);
    }

    /** Double against double: only summation order differs, so 1e-12 relative to the largest value. */
    static void assertOracleClose(String what, Expected expected, double[] actual) {
        double[] e = expected.values();
        assertEquals(e.length, actual.length, what + " size");
        double maxAbs = 0;
        for (double v : e) maxAbs = Math.max(maxAbs, Math.abs(v));
        for (int k = 0; k < e.length; k++) {
            assertEquals(e[k], actual[k], 1e-12 * Math.max(1, maxAbs), what + " at " + k);
        }
    }

    private static void checkPool(String[] r) throws IOException {
        String name = r[1];
        boolean global = r[0].equals("global");
        PoolConfig p = global ? null : new PoolConfig(i(r[6]), i(r[7]), i(r[8]), i(r[9]), i(r[10]), i(r[11]),
                r[12].equals("1"), r[13].equals("1"));
        Tensor x = load(name, "x"), dOut = load(name, "dout");
        Layer layer = switch (r[0]) {
            case "max" -> new MaxPool2d(p);
            case "avg" -> new AvgPool2d(p);
            default -> new GlobalAvgPool2d();
        };
        assertClose(name + " out", expected(name, "out"), layer.forward(x));
        assertClose(name + " dx", expected(name, "dx"), layer.backward(dOut));
        if (!global) {
            boolean max = r[0].equals("max");
            double[] xd = GradCheck.widen(x.data());
            int planes = x.dim(0) * x.dim(1);
            double[] ref = max ? ReferencePool.max(p, planes, x.dim(2), x.dim(3), xd)
                    : ReferencePool.avg(p, planes, x.dim(2), x.dim(3), xd);
            assertOracleClose(name + " ReferencePool", expected(name, "out"), ref);
            var fwd = max ? Functional.maxPool2d(x, p) : Functional.avgPool2d(x, p);
            assertClose(name + " F out", expected(name, "out"), fwd.out());
            Functional.Grads g = max ? Functional.maxPool2dBackward(dOut, fwd.cache()) : Functional.avgPool2dBackward(dOut, fwd.cache());
            assertClose(name + " F dx", expected(name, "dx"), g.dX());
        }
    }

    /** torch's values in float64 and their shape. */
    record Expected(double[] values, int[] shape) {}

    private static void checkLinear(String[] r) throws IOException {
        String name = r[1];
        boolean bias = r[5].equals("1");
        Tensor x = load(name, "x"), w = load(name, "w"), dOut = load(name, "dout");
        Tensor b = bias ? load(name, "b") : null;
        Linear lin = new Linear(LinearConfig.of(i(r[3]), i(r[4])).withBias(bias), new Rng(0));
        System.arraycopy(w.data(), 0, lin.weight().value().data(), 0, w.size());
        if (b != null) System.arraycopy(b.data(), 0, lin.bias().value().data(), 0, b.size());
        assertClose(name + " out", expected(name, "out"), lin.forward(x));
        assertClose(name + " dx", expected(name, "dx"), lin.backward(dOut));
        assertClose(name + " dw", expected(name, "dw"), lin.weight().grad());
        if (b != null) assertClose(name + " db", expected(name, "db"), lin.bias().grad());
        var fwd = Functional.linear(x, w, b);
        assertClose(name + " F out", expected(name, "out"), fwd.out());
        Functional.Grads g = Functional.linearBackward(dOut, fwd.cache());
        assertClose(name + " F dx", expected(name, "dx"), g.dX());
        assertClose(name + " F dw", expected(name, "dw"), g.dWeight());
        if (b != null) assertClose(name + " F db", expected(name, "db"), g.dBias());
    }

    static void assertClose(String what, Expected expected, Tensor actual) {
        double[] e = expected.values();
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double maxAbs = 0;
        for (double v : e) maxAbs = Math.max(maxAbs, Math.abs(v));
        double floor = Math.max(FLOOR * maxAbs, 1e-30);
        double worst = 0;
        int at = -1;
        for (int k = 0; k < e.length; k++) {
            double err = Math.abs(actual.data()[k] - e[k]) / Math.max(Math.abs(e[k]), floor);
            if (!(err <= worst)) { worst = err; at = k; }
        }
        if (Boolean.getBoolean("conv4j.fixtures.verbose")) System.out.printf("%-40s %.3g%n", what, worst);
        final double wst = worst;
        final int where = at;
        assertTrue(worst <= REL, () -> what + ": rel err " + wst + " at " + where + " (expected " + e[where]
                + ", got " + actual.data()[where] + ")");
    }

    private static Expected expected(String name, String what) throws IOException {
        var a = Npy.read(dir().resolve(name + "_" + what + ".npy"));
        return new Expected(a.toDoubles(), a.shape());
    }

    private static Tensor load(String name, String what) throws IOException {
        return Npy.readTensor(dir().resolve(name + "_" + what + ".npy"));
    }

    static Path dir() {
        try {
            return Path.of(TorchFixtureTest.class.getResource("/fixtures/conv/manifest.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int i(String s) { return Integer.parseInt(s.trim()); }
}
