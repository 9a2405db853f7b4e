package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conv4j.data.Datasets;
import org.conv4j.data.TrainTest;
import org.conv4j.io.ImageSpec;
import org.conv4j.layers.Linear;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.FrozenPart;
import org.conv4j.model.Graph;
import org.conv4j.model.Head;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Normalization;
import org.conv4j.onnx.Onnx;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.Evaluation;
import org.conv4j.train.FineTuneTest;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user does with a pretrained network from elsewhere: {@code conv4j import --onnx} of a small ResNet-like
 * graph (a strided conv-BN-ReLU stem, one basic block whose identity branch joins at an Add, an Inception-style fork of
 * two conv-BN-ReLU branches joined by a Concat, a strided conv-BN-ReLU stage, global pooling, a Linear head), then {@code conv4j train --model FILE --data FOLDER --replace-head --freeze
 * layer1} on a generated 3-class folder of 32x32 RGB images. The test accuracy must rise well above the new head's,
 * the stem and the block (weights and BatchNorm running statistics) must come out bitwise as imported, and the head
 * must have the folder's three classes.
 *
 * <p>Two sources of the same architecture: conv4j's own ONNX export of a graph built from a spec (runs everywhere),
 * and torch's (src/test/python/tiny_resnet_onnx.py, run by /usr/bin/python3; skipped with the reason when torch is
 * missing).
 */
class FineTuneImportedTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/tiny_resnet_onnx.py"); // in conv4j-cli, where this test runs

    /** torch's module names for TinyResNet in the script: layer2 is the fork, layer3 an nn.Sequential of conv, BN, ReLU. */
    static final String SPEC = """
            {"name": "tiny-resnet", "input": [3, 32, 32], "classes": 10,
             "graph": {"nodes": [
               {"name": "conv1", "type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "stride": 2, "padding": 1, "bias": false},
               {"name": "bn1", "type": "BatchNorm2d", "num_features": 8},
               {"name": "relu", "type": "ReLU"},
               {"name": "layer1.0.conv1", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 3, "padding": 1, "bias": false},
               {"name": "layer1.0.bn1", "type": "BatchNorm2d", "num_features": 8},
               {"name": "layer1.0.relu", "type": "ReLU"},
               {"name": "layer1.0.conv2", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 3, "padding": 1, "bias": false},
               {"name": "layer1.0.bn2", "type": "BatchNorm2d", "num_features": 8},
               {"name": "layer1.0.add", "type": "Add", "inputs": ["layer1.0.bn2", "relu"]},
               {"name": "layer1.0.relu_1", "type": "ReLU"},
               {"name": "layer2.b1.0", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 1, "bias": false},
               {"name": "layer2.b1.1", "type": "BatchNorm2d", "num_features": 8},
               {"name": "layer2.b1.2", "type": "ReLU"},
               {"name": "layer2.b2.0", "type": "Conv2d", "in_channels": 8, "out_channels": 8, "kernel_size": 3, "padding": 1,
                "bias": false, "inputs": ["layer1.0.relu_1"]},
               {"name": "layer2.b2.1", "type": "BatchNorm2d", "num_features": 8},
               {"name": "layer2.b2.2", "type": "ReLU"},
               {"name": "layer2.cat", "type": "Concat", "inputs": ["layer2.b1.2", "layer2.b2.2"], "dim": 1},
               {"name": "layer3.0", "type": "Conv2d", "in_channels": 16, "out_channels": 16, "kernel_size": 3, "stride": 2, "padding": 1, "bias": false},
               {"name": "layer3.1", "type": "BatchNorm2d", "num_features": 16},
               {"name": "layer3.2", "type": "ReLU"},
               {"name": "avgpool", "type": "GlobalAvgPool2d"},
               {"name": "flatten", "type": "Flatten"},
               {"name": "fc", "type": "Linear", "in_features": 16, "out_features": 10}]}}""";

    @TempDir Path dir;

    record Run(int code, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o), new PrintStream(e));
        return new Run(code, e.toString(StandardCharsets.UTF_8) + o.toString(StandardCharsets.UTF_8));
    }

    /** The spec's graph with seed-1 weights and running statistics moved off their initial values, exported by conv4j. */
    Path conv4jOnnx() throws Exception {
        Model m = NetworkSpec.parse(SPEC, "tiny-resnet").build(1);
        Rng rng = new Rng(5);
        Tensor x = new Tensor(4, 3, 32, 32);
        for (int i = 0; i < x.size(); i++) x.data()[i] = rng.nextFloat() * 2 - 1;
        m.network().setTraining(true);
        m.network().forward(x);
        m.network().setTraining(false);
        Path f = dir.resolve("tiny-resnet.onnx");
        Onnx.export(m, f);
        return f;
    }

    /** torch's export of the same architecture, or a skip naming what is missing. */
    Path torchOnnx() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " with torch, torchvision and onnx");
        Path f = dir.resolve("tiny-resnet.onnx");
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the export script did not finish");
        assumeTrue(p.exitValue() == 0 || !out.contains("No module named"), "needs " + PYTHON + " with torch and torchvision: " + out.strip());
        assertEquals(0, p.exitValue(), out);
        return f;
    }

    @ParameterizedTest(name = "exported by {0}")
    @ValueSource(strings = {"conv4j", "torch"})
    void importThenFineTuneRaisesAccuracyAndLeavesTheFrozenPartAlone(String source) throws Exception {
        Path onnx = source.equals("torch") ? torchOnnx() : conv4jOnnx();
        Path imported = dir.resolve("tiny-resnet.safetensors");
        Run imp = cli("import", "--onnx", onnx.toString(), "--out", imported.toString());
        assertEquals(Command.OK, imp.code(), imp.err());
        Model pre = ModelFile.load(imported);
        assertInstanceOf(Graph.class, pre.network(), "the fork makes the import a graph");
        List<String> frozenNames = FrozenPart.of(pre.network(), "layer1").children();
        assertTrue(frozenNames.containsAll(List.of("conv1", "bn1", "layer1.0.conv1", "layer1.0.bn2")), "frozen: " + frozenNames);
        assertFalse(frozenNames.stream().anyMatch(n -> n.startsWith("layer2") || n.startsWith("layer3") || n.equals("fc")), "frozen: " + frozenNames);

        Path data = dir.resolve("shapes");
        FineTuneTest.writeShapes(data, 32, 30, 20, 7);
        Path run = dir.resolve("run");
        Run r = cli("train", "--model", imported.toString(), "--data", data.toString(), "--out", run.toString(),
                "--replace-head", "--freeze", "layer1", "--lr", "0.02", "--backbone-lr", "0.005", "--optimizer", "adam",
                "--imagenet-norm", "--epochs", "5", "--batch", "16", "--seed", "3", "--quiet");
        assertEquals(Command.OK, r.code(), r.err());

        TrainTest set = Datasets.load(data, ImageSpec.of(3, 32, 32));
        // The model the run started from: the import with ImageNet normalisation and the head train drew first.
        Model start = new Model(pre.spec().withNormalize(Normalization.IMAGENET.mean(), Normalization.IMAGENET.std()), pre.network());
        start = Head.replace(start, 3, set.train().classNames(), Rng.torch(3));
        double before = Evaluation.of(start, set.test(), 100, 1).accuracy();
        Model tuned = ModelFile.load(run.resolve("model.safetensors"));
        double after = Evaluation.of(tuned, set.test(), 100, 1).accuracy();
        System.out.printf("%s: test accuracy %.3f with the new head, %.3f after fine-tuning%n", source, before, after);
        assertTrue(after >= 0.8 && after > before + 0.3, source + ": test accuracy " + before + " -> " + after);

        assertEquals(3, tuned.classes());
        assertEquals(set.train().classNames(), tuned.spec().classNames());
        assertEquals(3, ((Linear) Head.child(tuned.network(), Head.name(tuned.network()))).config().outFeatures());
        Map<String, NamedParam> was = NamedParam.byName(ModelFile.load(imported).network());
        int frozenChecked = 0, runningStats = 0;
        for (NamedParam p : NamedParam.of(tuned.network())) {
            String layer = p.name().substring(0, p.name().lastIndexOf('.'));
            if (p.name().endsWith("num_batches_tracked")) continue;
            if (frozenNames.contains(layer)) {
                assertArrayEquals(was.get(p.name()).param().value().data(), p.param().value().data(), p.name() + " is frozen but moved");
                frozenChecked++;
                if (p.name().endsWith("running_mean") || p.name().endsWith("running_var")) runningStats++;
            } else if (!p.name().startsWith("fc.")) {
                assertFalse(Arrays.equals(was.get(p.name()).param().value().data(), p.param().value().data()), p.name() + " trains but did not move");
            }
        }
        assertEquals(3 + 4 * 3, frozenChecked, "conv1, layer1.0.conv1, conv2 weights and three BatchNorms' four tensors");
        assertEquals(6, runningStats);
    }
}
