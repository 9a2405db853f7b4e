package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conv4j.io.Npy;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every torchvision 0.14 classification family, through ONNX both ways: the smallest model of each
 * (src/test/python/torchvision_onnx.py: random weights and random batch-norm statistics, exported by
 * torch.onnx.export at opset 13 with a symbolic batch) is generated at test time into a temporary folder,
 * imported, and must predict what torch computed on the same input within 1e-4 relative to the largest
 * output (max |conv4j - torch| / max |torch|). The imported model is then exported again; the file must
 * pass onnx.checker (full check), and ONNX Runtime must compute what conv4j computes within 1e-5.
 *
 * <p>Needs /usr/bin/python3 with torch, torchvision and onnx; without them every case is skipped with that
 * message. The default run leaves out the four largest models ({@link #BIG}: the wide_resnet, vgg and alexnet
 * families); {@code -Dconv4j.torchvision=all} runs every model, {@code -Dconv4j.torchvision=resnet18,vgg11}
 * some, and {@code -Dconv4j.torchvision.dir=DIR} keeps the exports in DIR and reuses them on the next run.
 */
class TorchvisionFamiliesTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/torchvision_onnx.py"); // in conv4j-onnx, where this test runs
    static final double TORCH_TOLERANCE = 1e-4, ORT_TOLERANCE = 1e-5;

    /** The smallest model of each family, as the script names them. */
    static final List<String> MODELS = List.of("resnet18", "resnext50_32x4d", "wide_resnet50_2", "vgg11", "vgg11_bn", "alexnet",
            "squeezenet1_0", "squeezenet1_1", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_small",
            "mobilenet_v3_large", "mnasnet0_5", "shufflenet_v2_x0_5", "efficientnet_b0", "regnet_x_400mf", "regnet_y_400mf",
            "convnext_tiny");

    @TempDir static Path tempDir;
    /** Where the models are: the temporary folder, or -Dconv4j.torchvision.dir's (models exported there before are reused). */
    static Path dir;
    /** Why torch and friends are unusable, or null when they work. */
    static String missing;
    /** Per model: "OK seconds" or "FAIL reason" from the export script. */
    static final Map<String, String> exported = new LinkedHashMap<>();

    /**
     * Left out of the default run for time: each is a 250-530 MB file (VGG's and AlexNet's classifiers,
     * wide_resnet50_2's 69M parameters) that takes minutes to export on a busy machine. They pass with
     * {@code -Dconv4j.torchvision=all}.
     */
    static final List<String> BIG = List.of("wide_resnet50_2", "vgg11", "vgg11_bn", "alexnet");

    static List<String> models() {
        String only = System.getProperty("conv4j.torchvision");
        if (only == null || only.isBlank()) return MODELS.stream().filter(m -> !BIG.contains(m)).toList();
        if (only.equals("all")) return MODELS;
        List<String> picked = new ArrayList<>();
        for (String m : only.split(",")) if (MODELS.contains(m.trim())) picked.add(m.trim());
        return picked;
    }

    @BeforeAll
    static void exportAll() throws Exception {
        String reuse = System.getProperty("conv4j.torchvision.dir");
        dir = reuse == null || reuse.isBlank() ? tempDir : Path.of(reuse);
        if (!Files.isExecutable(PYTHON)) {
            missing = "needs " + PYTHON;
            return;
        }
        Run probe = run(List.of(PYTHON.toString(), "-c", "import torch, torchvision, onnx, numpy"), 300);
        if (probe.status != 0) {
            missing = "needs " + PYTHON + " with torch, torchvision, onnx and numpy (apt-get install python3-torchvision python3-onnx): "
                    + probe.output.strip();
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "export", dir.toString()));
        for (String m : models()) {
            if (reuse != null && Files.exists(dir.resolve(m + "_output.npy")) && Files.exists(dir.resolve(m + ".onnx"))) exported.put(m, "OK " + m + " (reused)");
            else cmd.add(m);
        }
        if (cmd.size() == 4) return;
        long t0 = System.nanoTime();
        Run r = run(cmd, 1800);
        System.out.printf("torchvision export of %d models: %.1f s%n", models().size(), (System.nanoTime() - t0) / 1e9);
        for (String line : r.output.split("\n")) {
            String[] p = line.split(" ", 2);
            if (p.length == 2 && (p[0].equals("OK") || p[0].equals("FAIL"))) {
                String name = p[1].split("[ :]", 2)[0];
                exported.put(name, line);
            }
        }
        if (exported.isEmpty()) throw new IOException("the export script printed no result (status " + r.status + "):\n" + r.output);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void importMatchesTorchAndExportMatchesOnnxRuntime(String name) throws Exception {
        assumeTrue(missing == null, missing);
        String status = exported.getOrDefault(name, "FAIL " + name + ": the export script did not report it");
        if (!status.startsWith("OK")) fail("torch could not export " + name + ": " + status);
        Path file = dir.resolve(name + ".onnx");
        Tensor x = Npy.readTensor(dir.resolve(name + "_input.npy"));
        Tensor expected = Npy.readTensor(dir.resolve(name + "_output.npy"));

        long t0 = System.nanoTime();
        Onnx.Imported m = Onnx.importFile(file);
        long t1 = System.nanoTime();
        Tensor y = m.network().infer(x);
        long t2 = System.nanoTime();
        double err = relErr(y, expected);
        System.out.printf("%s: import %.1f s, forward %.1f s, conv4j vs torch %.2e%n", name, (t1 - t0) / 1e9, (t2 - t1) / 1e9, err);
        assertTrue(err <= TORCH_TOLERANCE, name + ": conv4j vs torch, max |diff| / max |torch| = " + err);

        Path out = dir.resolve(name + "_conv4j.onnx");
        OnnxFile.write(Onnx.export(m.network(), m.inputShape(), name), out);  // not kept: VGG's is half a gigabyte
        if (dir == tempDir) Files.deleteIfExists(file);  // the temporary folder holds one big model at a time, not two per family
        Run check = run(List.of(PYTHON.toString(), SCRIPT.toString(), "check", out.toString()), 600);
        assertEquals(0, check.status, name + ": onnx.checker refuses conv4j's export: " + check.output);
        Tensor ort = runOrt(out, x);
        double ortErr = relErr(ort, y);
        System.out.printf("%s: ONNX Runtime vs conv4j %.2e%n", name, ortErr);
        assertTrue(ortErr <= ORT_TOLERANCE, name + ": ONNX Runtime vs conv4j, max |diff| / max |conv4j| = " + ortErr);
        Files.deleteIfExists(out);
    }

    /** Runs the file in ONNX Runtime (which reads it itself) on {@code x}. */
    static Tensor runOrt(Path model, Tensor x) throws Exception {
        var env = OnnxExportTest.ENV;
        try (ai.onnxruntime.OrtSession.SessionOptions opts = new ai.onnxruntime.OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (ai.onnxruntime.OrtSession session = env.createSession(model.toString(), opts)) {
                long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
                try (ai.onnxruntime.OnnxTensor in = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x.data()), shape);
                     ai.onnxruntime.OrtSession.Result r = session.run(Map.of(OnnxWriter.INPUT, in))) {
                    ai.onnxruntime.OnnxTensor out = (ai.onnxruntime.OnnxTensor) r.get(OnnxWriter.OUTPUT).orElseThrow();
                    int[] s = Arrays.stream(out.getInfo().getShape()).mapToInt(v -> (int) v).toArray();
                    java.nio.FloatBuffer fb = out.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    return Tensor.wrap(v, s);
                }
            }
        }
    }

    /** max |a - b| / max |b|: the error relative to the reference's largest element. */
    static double relErr(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) fail("shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(b.shape()));
        double diff = 0, scale = 0;
        for (int i = 0; i < a.size(); i++) {
            diff = Math.max(diff, Math.abs((double) a.data()[i] - b.data()[i]));
            scale = Math.max(scale, Math.abs(b.data()[i]));
        }
        if (!(diff == diff)) return Double.NaN;
        return scale == 0 ? diff : diff / scale;
    }

    record Run(int status, String output) {}

    static Run run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("torchvision", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
