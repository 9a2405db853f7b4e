package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.conv4j.layers.NamedParam;
import org.conv4j.testing.LiveTorch;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build(Rng.torch(seed))} against PyTorch itself: the same initial weights, bit for bit, as
 * {@code torch.manual_seed(seed)} and the torch.nn twin, and then the same {@code torch.randperm}. Runs where
 * Debian's python3-torch is installed; RngTest holds golden values for the reference CNN that need no Python.
 */
class TorchInitTest {
    // Non-square and grouped kernels, a conv and a linear without bias, batch norm and dropout (which draw
    // nothing when built, in torch.nn and here).
    private static final String SPEC = """
            {"format": "conv4j-network", "version": 1, "name": "mixed", "input": [2, 9, 11], "classes": 5,
             "layers": [
               {"type": "Conv2d", "in_channels": 2, "out_channels": 6, "kernel_size": [3, 5], "padding": [1, 2]},
               {"type": "BatchNorm2d", "num_features": 6},
               {"type": "ReLU"},
               {"type": "Dropout", "p": 0.25},
               {"type": "Conv2d", "in_channels": 6, "out_channels": 4, "kernel_size": 3, "groups": 2, "bias": false},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 252, "out_features": 7, "bias": false},
               {"type": "Dropout", "p": 0.5},
               {"type": "Linear", "in_features": 7, "out_features": 5}
             ]}""";

    private static final String TORCH = """
            import sys, numpy as np, torch, torch.nn as nn
            torch.manual_seed(int(sys.argv[1]))
            m = nn.Sequential(nn.Conv2d(2, 6, (3, 5), padding=(1, 2)), nn.BatchNorm2d(6), nn.ReLU(), nn.Dropout(0.25),
                              nn.Conv2d(6, 4, 3, groups=2, bias=False), nn.Flatten(), nn.Linear(252, 7, bias=False),
                              nn.Dropout(0.5), nn.Linear(7, 5))
            w = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()]).astype('<f4')
            p = torch.randperm(1000).numpy().astype('<i4')
            open(sys.argv[2], 'wb').write(w.tobytes() + p.tobytes())
            """;

    @TempDir Path dir;

    @Test
    void initialWeightsAndFirstPermutationAreTorchs() throws Exception {
        Path py = LiveTorch.python();
        Path script = dir.resolve("init.py");
        Files.writeString(script, TORCH);
        NetworkSpec spec = NetworkSpec.parse(SPEC, "mixed.json");
        for (long seed : new long[] {0, 1, 20_260_529}) {
            Path out = dir.resolve("torch-" + seed + ".bin");
            Process p = new ProcessBuilder(py.toString(), script.toString(), Long.toString(seed), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, log);
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);

            Rng g = Rng.torch(seed);
            Model m = spec.build(g);
            int count = 0;
            for (NamedParam np : NamedParam.of(m.network())) {
                if (np.name().contains("running")) continue;   // buffers, not parameters, in torch
                float[] v = np.param().value().data();
                for (int i = 0; i < v.length; i++, count++) {
                    assertEquals(Float.floatToRawIntBits(b.getFloat()), Float.floatToRawIntBits(v[i]),
                            "seed " + seed + ": " + np.name() + "[" + i + "]");
                }
            }
            assertEquals(180 + 6 + 6 + 6 + 108 + 1764 + 35 + 5, count, "parameters compared");
            int[] perm = new int[1000];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            g.shuffle(perm);
            for (int i = 0; i < perm.length; i++) assertEquals(b.getInt(), perm[i], "seed " + seed + ": randperm[" + i + "]");
            assertFalse(b.hasRemaining());
        }
    }
}
