package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.cli.Command;
import org.conv4j.cli.Main;
import org.conv4j.io.Npy;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conv4j import} and {@code conv4j export} as a user runs them. */
class OnnxCliTest {
    /** conv4j-onnx's fixtures (this test runs in the CLI module, which that module's tests cannot see). */
    static final Path FIXTURES = Path.of("../conv4j-onnx").resolve(OnnxImportTest.DIR);

    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    int run(String... argv) {
        out.reset();
        err.reset();
        return Main.run(argv, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void importOnnxThenExportAgainRunsInOnnxRuntime() throws Exception {
        Path model = dir.resolve("resnet.safetensors");
        assertEquals(Command.OK, run("import", "--onnx", FIXTURES.resolve("resnet.onnx").toString(), "--out", model.toString()), err.toString());
        assertTrue(out.toString().contains("Softmax"), "the dropped Softmax is noted: " + out);
        Model m = ModelFile.load(model);
        Tensor x = Npy.readTensor(FIXTURES.resolve("resnet_input.npy"));
        Tensor expected = Npy.readTensor(FIXTURES.resolve("resnet_output.npy"));
        assertTrue(OnnxImportTest.maxRelErr(Model.softmax(m.network().infer(x)), expected) <= 1e-5);

        Path onnx = dir.resolve("again.onnx");
        assertEquals(Command.OK, run("export", "--model", model.toString(), "--out", onnx.toString()), err.toString());
        Tensor ort = OnnxExportTest.runOrt(ModelProto.parseFrom(Files.readAllBytes(onnx)), x);
        assertTrue(OnnxImportTest.maxRelErr(ort, m.network().infer(x)) <= 1e-5);

        assertEquals(Command.USAGE, run("export", "--model", model.toString(), "--out", onnx.toString()), "refuses to overwrite");
        assertTrue(err.toString().contains("--force"), err.toString());
        assertEquals(Command.OK, run("export", "--model", model.toString(), "--out", onnx.toString(), "--force"), err.toString());
    }

    @Test
    void importTorchWeightsWithSpec() throws Exception {
        Path model = dir.resolve("seq.safetensors");
        assertEquals(Command.OK, run("import", "--torch-weights", FIXTURES.resolve("sequential.safetensors").toString(),
                "--spec", FIXTURES.resolve("sequential_spec.json").toString(), "--out", model.toString()), err.toString());
        Model m = ModelFile.load(model);
        Tensor x = Npy.readTensor(FIXTURES.resolve("sequential_input.npy"));
        Tensor y = m.network().infer(x);
        Onnx.Imported viaOnnx = Onnx.importFile(FIXTURES.resolve("sequential.onnx"));
        assertArrayEquals(viaOnnx.network().infer(x).data(), y.data(), "state_dict and ONNX routes give the same model");
    }

    @Test
    void unsupportedOpAndBadUsageExitWithUsage() throws Exception {
        assertEquals(Command.USAGE, run("import", "--out", dir.resolve("x.safetensors").toString()));
        assertTrue(err.toString().contains("--onnx"), err.toString());
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        int code = run("import", "--onnx", bad.toString(), "--out", dir.resolve("y.safetensors").toString());
        assertEquals(Command.IO_ERROR, code, "a malformed file is an input error: " + err);
        assertTrue(err.toString().contains("bad.onnx"), err.toString());
    }
}
