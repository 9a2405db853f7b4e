package org.conv4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conv4j.data.Datasets;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.model.Model;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Zoo;
import org.conv4j.testing.LiveTorch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plumbing of the torch-equivalence experiment (ACCURACY.md) on the first 256 training images: what conv4j
 * writes is the init and order its trainer really used, and, where PyTorch is installed, a short PyTorch run from
 * them follows conv4j's trajectory (after 8 steps there is no room for chaos yet).
 */
class TorchEquivalenceRunTest {
    @TempDir static Path dir;
    static Path c4j;

    @BeforeAll
    static void runConv4j() throws Exception {
        assumeTrue(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST), "needs Fashion-MNIST in " + Datasets.DEBIAN_FASHION_MNIST);
        c4j = dir.resolve("conv4j");
        TorchEquivalenceRun.main(new String[] {c4j.toString(), "--seed", "3", "--epochs", "2", "--train-size", "256",
                "--test-size", "100"});
    }

    @Test
    void writesTheTrainersOwnInitAndOrder() throws Exception {
        Json.Obj r = Json.parseObject(Files.readString(c4j.resolve("result.json")), "result.json");
        assertTrue(r.bool("order_checked_against_trainer"), "epoch-2 order compared with the trainer's checkpoint");
        assertEquals(2, r.array("test_acc").size());

        Model fresh = Zoo.spec("reference").build(3);
        SafeTensors.Contents init = SafeTensors.read(c4j.resolve("init.safetensors"));
        for (NamedParam p : NamedParam.of(fresh.network())) {
            assertArrayEquals(p.param().value().data(), init.get(p.name()).floats(), p.name());
        }
        assertEquals(List.of("0.bias", "0.weight", "3.bias", "3.weight", "7.bias", "7.weight", "9.bias", "9.weight"),
                init.tensors().keySet().stream().sorted().toList(), "torch's nn.Sequential state_dict names");

        SafeTensors.Contents order = SafeTensors.read(c4j.resolve("order.safetensors"));
        long[] e1 = order.get("epoch1").longs(), e2 = order.get("epoch2").longs();
        long[] sorted1 = e1.clone(), sorted2 = e2.clone();
        Arrays.sort(sorted1);
        Arrays.sort(sorted2);
        long[] identity = java.util.stream.LongStream.range(0, 256).toArray();
        assertArrayEquals(identity, sorted1, "epoch 1 order is a permutation of 0..255");
        assertArrayEquals(identity, sorted2, "epoch 2 order is a permutation of 0..255");
        assertFalse(Arrays.equals(e1, e2), "a new permutation every epoch");
        assertEquals(8, SafeTensors.read(c4j.resolve("losses.safetensors")).get("loss").doubles().length, "4 steps per epoch");
    }

    @Test
    void torchFromTheSameInitAndOrderFollowsConv4j() throws Exception {
        Path py = LiveTorch.python();

        Path t = dir.resolve("torch");
        ProcessBuilder pb = new ProcessBuilder(py.toString(), "experiments/torch_equivalence.py", "train", c4j.toString(), t.toString())
                .redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "torch run finished");
        assertEquals(0, p.exitValue(), out);

        // One Adam step from the same weights on the same batch. Adam's first update is lr·g/(|g| + eps) (bias
        // corrected): about ±lr wherever |g| >> eps, and there both must agree to float rounding. Where |g| is
        // within a few hundred eps (1e-8) the gradient is the rounding residue of a cancelling sum (a few in a
        // thousand weights here), Adam divides it by itself, and the updates may differ by up to its size.
        SafeTensors.Contents w0 = SafeTensors.read(c4j.resolve("init.safetensors"));
        SafeTensors.Contents a = SafeTensors.read(c4j.resolve("step1.safetensors")), b = SafeTensors.read(t.resolve("step1.safetensors"));
        double lr = 1e-3;
        int full = 0, total = 0;
        for (Map.Entry<String, SafeTensors.Entry> e : a.tensors().entrySet()) {
            float[] x = e.getValue().floats(), y = b.get(e.getKey()).floats(), init = w0.get(e.getKey()).floats();
            for (int i = 0; i < x.length; i++) {
                double torchUpdate = (double) y[i] - init[i], diff = Math.abs((double) x[i] - y[i]);
                total++;
                if (Math.abs(torchUpdate) > 0.99 * lr) {
                    full++;
                    assertTrue(diff < 1e-6, e.getKey() + "[" + i + "] after step 1: conv4j " + x[i] + ", torch " + y[i]);
                } else {
                    assertTrue(diff <= 2 * lr, e.getKey() + "[" + i + "] after step 1: conv4j " + x[i] + ", torch " + y[i]);
                }
            }
        }
        assertTrue(full > total / 2, full + " of " + total + " weights took a full Adam step");
        double[] la = SafeTensors.read(c4j.resolve("losses.safetensors")).get("loss").doubles();
        double[] lb = SafeTensors.read(t.resolve("losses.safetensors")).get("loss").doubles();
        assertEquals(la.length, lb.length);
        for (int i = 0; i < la.length; i++) assertEquals(lb[i], la[i], 1e-4 * Math.abs(lb[i]), "loss at step " + (i + 1));
    }
}
