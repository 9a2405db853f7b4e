package org.conv4j.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.conv4j.io.Npy;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.LiveTorch;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Add, Mul and Concat against PyTorch itself (torch's {@code +}, {@code *} and {@code torch.cat} with autograd): the
 * output and every input's gradient within 1e-5 of the largest expected value, and the very shapes. Runs where
 * Debian's python3-torch is installed, and is skipped (with a message) elsewhere.
 */
class MergeTorchTest {
    private static final double TOL = 1e-5;

    private static final String TORCH = """
            import sys, os, numpy as np, torch
            for case in sorted(os.listdir(sys.argv[1])):
                d = os.path.join(sys.argv[1], case)
                expr = open(os.path.join(d, 'expr.txt')).read()
                k = len([f for f in os.listdir(d) if f.startswith('x')])
                xs = [torch.tensor(np.load(os.path.join(d, 'x%d.npy' % i)), dtype=torch.float64, requires_grad=True) for i in range(k)]
                y = eval(expr)
                y.backward(torch.tensor(np.load(os.path.join(d, 'dout.npy')), dtype=torch.float64))
                np.save(os.path.join(d, 'y.npy'), y.detach().numpy())
                for i, x in enumerate(xs):
                    np.save(os.path.join(d, 'dx%d.npy' % i), x.grad.numpy())
            """;

    /** A case: the conv4j merge, the input shapes (torch's), and the torch expression over {@code xs}. */
    record Case(String name, Supplier<Merge> merge, int[][] shapes, String torch) {}

    static final List<Case> CASES = List.of(
            new Case("add_same", Add::new, new int[][] {{2, 3, 4, 5}, {2, 3, 4, 5}}, "xs[0] + xs[1]"),
            new Case("add_three_broadcast", Add::new, new int[][] {{2, 3, 4, 5}, {2, 3, 1, 1}, {2, 1, 1, 1}}, "xs[0] + xs[1] + xs[2]"),
            new Case("mul_same", Mul::new, new int[][] {{2, 3, 4, 5}, {2, 3, 4, 5}}, "xs[0] * xs[1]"),
            new Case("mul_se_gate", Mul::new, new int[][] {{2, 3, 4, 5}, {2, 3, 1, 1}}, "xs[0] * xs[1]"),
            new Case("mul_gate_first", Mul::new, new int[][] {{2, 3, 1, 1}, {2, 3, 4, 5}}, "xs[0] * xs[1]"),
            new Case("mul_both_broadcast", Mul::new, new int[][] {{2, 1, 4, 5}, {2, 3, 4, 1}}, "xs[0] * xs[1]"),
            new Case("concat_channels", Concat::new, new int[][] {{2, 2, 3, 4}, {2, 3, 3, 4}, {2, 1, 3, 4}}, "torch.cat(xs, dim=1)"),
            new Case("concat_last", () -> new Concat(ConcatConfig.of(-1)), new int[][] {{2, 2, 3, 1}, {2, 2, 3, 4}}, "torch.cat(xs, dim=-1)"),
            new Case("concat_rows", () -> new Concat(ConcatConfig.of(2)), new int[][] {{1, 2, 3, 4}, {1, 2, 2, 4}}, "torch.cat(xs, dim=2)"));

    @TempDir Path dir;

    @Test
    void outputsAndGradientsAreTorchs() throws Exception {
        Path py = LiveTorch.python();
        List<List<Tensor>> inputs = new ArrayList<>();
        List<Tensor> douts = new ArrayList<>();
        long seed = 1;
        for (Case c : CASES) {
            Path d = Files.createDirectories(dir.resolve("cases").resolve(c.name()));
            List<Tensor> xs = new ArrayList<>();
            for (int k = 0; k < c.shapes().length; k++) {
                xs.add(random(seed++, c.shapes()[k]));
                Npy.write(d.resolve("x" + k + ".npy"), xs.get(k));
            }
            Tensor dOut = random(seed++, c.merge().get().infer(xs).shape());
            Npy.write(d.resolve("dout.npy"), dOut);
            Files.writeString(d.resolve("expr.txt"), c.torch());
            inputs.add(xs);
            douts.add(dOut);
        }
        Path script = dir.resolve("merges.py");
        Files.writeString(script, TORCH);
        Process p = new ProcessBuilder(py.toString(), script.toString(), dir.resolve("cases").toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, log);

        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            Path d = dir.resolve("cases").resolve(c.name());
            Merge m = c.merge().get();
            Tensor y = m.forward(inputs.get(i));
            close(c.name() + " y", Npy.readTensor(d.resolve("y.npy")), y);
            assertArrayEquals(y.data(), m.infer(inputs.get(i)).data(), c.name() + ": infer equals forward bitwise");
            List<Tensor> dXs = m.backward(douts.get(i));
            for (int k = 0; k < dXs.size(); k++) close(c.name() + " dx" + k, Npy.readTensor(d.resolve("dx" + k + ".npy")), dXs.get(k));
        }
    }

    private static Tensor random(long seed, int... shape) {
        Rng r = new Rng(seed);
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = r.nextFloat() * 2 - 1;
        return t;
    }

    /** Same shape, and every value within TOL of the largest expected magnitude. */
    private static void close(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = 0, worst = 0;
        for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.size(); i++) worst = Math.max(worst, Math.abs(expected.data()[i] - actual.data()[i]));
        assertTrue(worst <= TOL * Math.max(scale, 1e-6), what + ": largest difference " + worst + " (scale " + scale + ")");
    }
}
