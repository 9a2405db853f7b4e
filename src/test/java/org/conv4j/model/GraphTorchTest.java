package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conv4j.io.Npy;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.LiveTorch;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GraphSpecTest#SPEC}'s graph (fan-out, a residual Add, a Concat, a squeeze-excitation Mul gate) against the
 * same network written as a torch.nn.Module, with conv4j's weights and batch-norm statistics: logits, dX and every
 * parameter gradient within 1e-5 of the largest expected value, in evaluation mode. The input feeds only the stem,
 * but the stem's output feeds three nodes, so dX checks that their gradients add up. Runs where Debian's
 * python3-torch is installed; skipped with a message elsewhere.
 */
class GraphTorchTest {
    private static final double TOL = 1e-5;

    private static final String TORCH = """
            import sys, os, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
            d = sys.argv[1]
            load = lambda n: torch.tensor(np.load(os.path.join(d, n + '.npy')), dtype=torch.float64)
            class Net(nn.Module):
                def __init__(s):
                    super().__init__()
                    s.stem = nn.Conv2d(1, 4, 3, padding=1); s.bn = nn.BatchNorm2d(4)
                    s.a = nn.Conv2d(4, 4, 3, padding=1); s.b = nn.Conv2d(4, 2, 1)
                    s.se = nn.Conv2d(6, 6, 1); s.fc = nn.Linear(96, 3)
                def forward(s, x):
                    r = F.relu(s.bn(s.stem(x)))
                    cat = torch.cat([s.a(r) + r, s.b(r)], dim=1)
                    pool = F.max_pool2d(cat, 2)
                    gate = F.hardsigmoid(s.se(F.adaptive_avg_pool2d(pool, 1)))
                    return s.fc(torch.flatten(F.dropout(pool * gate, 0.2, s.training), 1))
            net = Net().double().eval()
            names = {'stem.bn.': 'bn.', 'se.conv.': 'se.'}
            sd = {}
            for f in os.listdir(d):
                if f.startswith('p_'):
                    n = f[2:-4]
                    t = n
                    for a, b in names.items():
                        t = t.replace(a, b)
                    sd[t] = load('p_' + n)
            net.load_state_dict(sd, strict=False)
            x = load('x').requires_grad_(True)
            y = net(x)
            y.backward(load('dout'))
            np.save(os.path.join(d, 'y.npy'), y.detach().numpy())
            np.save(os.path.join(d, 'dx.npy'), x.grad.numpy())
            inv = {b: a for a, b in names.items()}
            for n, p in net.named_parameters():
                j = n
                for b, a in inv.items():
                    j = j.replace(b, a) if j.startswith(b) else j
                np.save(os.path.join(d, 'g_' + j + '.npy'), p.grad.numpy())
            """;

    @TempDir Path dir;

    @Test
    void graphMatchesTorchForwardAndBackward() throws Exception {
        Path py = LiveTorch.python();
        Model m = GraphSpecTest.model(11);
        Rng r = new Rng(12);
        for (NamedParam p : NamedParam.of(m.network())) {
            float[] v = p.param().value().data();
            if (p.name().endsWith("running_var")) for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
            else if (p.name().endsWith("running_mean")) for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() - 0.5f;
            Npy.write(dir.resolve("p_" + p.name() + ".npy"), p.param().value());
        }
        m.network().setTraining(false);
        Tensor x = new Tensor(3, 1, 8, 8), dOut = new Tensor(3, 3);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat() * 2 - 1;
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = r.nextFloat() * 2 - 1;
        Npy.write(dir.resolve("x.npy"), x);
        Npy.write(dir.resolve("dout.npy"), dOut);
        Path script = dir.resolve("graph.py");
        Files.writeString(script, TORCH);
        Process p = new ProcessBuilder(py.toString(), script.toString(), dir.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, log);

        Tensor y = m.network().forward(x);
        close("logits", Npy.readTensor(dir.resolve("y.npy")), y);
        assertArrayEquals(y.data(), m.network().infer(x).data(), "infer equals forward in evaluation mode");
        close("dx", Npy.readTensor(dir.resolve("dx.npy")), m.network().backward(dOut));
        Map<String, NamedParam> params = NamedParam.byName(m.network());
        int compared = 0;
        for (NamedParam np : params.values()) {
            if (!np.param().isTrainable()) continue;
            close("d" + np.name(), Npy.readTensor(dir.resolve("g_" + np.name() + ".npy")), np.param().grad());
            compared++;
        }
        assertTrue(compared == 12, "every trainable parameter compared: " + compared);
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = 0, worst = 0;
        for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.size(); i++) worst = Math.max(worst, Math.abs(expected.data()[i] - actual.data()[i]));
        assertTrue(worst <= TOL * Math.max(scale, 1e-6), what + ": largest difference " + worst + " (scale " + scale + ")");
    }
}
