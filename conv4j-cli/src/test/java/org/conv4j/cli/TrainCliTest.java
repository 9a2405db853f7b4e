package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.conv4j.data.Dataset;
import org.conv4j.io.Json;
import org.conv4j.model.ModelFile;
import org.conv4j.train.TrainerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train / eval / predict / summary commands end to end on a tiny IDX dataset. */
class TrainCliTest {
    @TempDir static Path dir;
    static Path data, spec;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static void writeIdx(Path images, Path labels, Dataset d) throws Exception {
        int n = d.size();
        ByteBuffer im = ByteBuffer.allocate(16 + n * 64).putInt(0x803).putInt(n).putInt(8).putInt(8);
        float[] px = new float[64];
        for (int i = 0; i < n; i++) {
            d.copyImage(i, px, 0);
            for (float v : px) im.put((byte) Math.round(Math.min(1f, v) * 255));
        }
        Files.write(images, im.array());
        ByteBuffer lb = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int l : d.labels()) lb.put((byte) l);
        Files.write(labels, lb.array());
    }

    @BeforeAll
    static void setUp() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        writeIdx(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), TrainerTest.data(120, 1));
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), TrainerTest.data(30, 2));
        spec = dir.resolve("tiny.json");
        Files.writeString(spec, TrainerTest.SPEC);
    }

    @Test
    void trainEvalPredictSummaryResume() throws Exception {
        Path out = dir.resolve("run");
        Run t = run("train", "--data", data.toString(), "--model", spec.toString(), "--out", out.toString(), "--epochs", "2",
                "--batch", "10", "--lr", "0.01", "--optimizer", "adamw", "--weight-decay", "0.01", "--schedule", "onecycle",
                "--checkpoint-every", "5", "--seed", "3", "--quiet", "--json");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("final test accuracy"), t.err());
        // --json: the summary on stdout, the human messages stay on stderr
        Json.Obj summary = Json.parseObject(t.out(), "train --json");
        assertEquals("done", summary.str("status"));
        assertEquals(0, summary.integer("exit_code"));
        assertEquals(out.resolve("model.safetensors").toString(), summary.str("model"));
        assertEquals(out.resolve("checkpoint.safetensors").toString(), summary.str("checkpoint"));
        assertEquals(out.resolve("report.html").toString(), summary.str("report"));
        assertEquals(out.resolve("metrics.csv").toString(), summary.str("metrics"));
        assertEquals(2, summary.integer("epochs"));
        assertEquals(24, summary.integer("steps")); // 2 epochs of 120 images in batches of 10
        Json.Obj last = summary.obj("final");
        assertEquals(2, last.integer("epoch"));
        String lastRow = Files.readAllLines(out.resolve("metrics.csv")).get(2);
        assertTrue(lastRow.startsWith("2,"), lastRow);
        assertEquals(Double.parseDouble(lastRow.split(",")[4]), last.number("test_acc"), 1e-6, "test_acc as in metrics.csv");
        for (String f : List.of("metrics.csv", "model.safetensors", "checkpoint.safetensors", "spec.json")) assertTrue(Files.exists(out.resolve(f)), f);
        assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size());

        Run again = run("train", "--data", data.toString(), "--model", spec.toString(), "--out", out.toString(), "--epochs", "1", "--quiet");
        assertEquals(Command.USAGE, again.code());
        assertTrue(again.err().contains("--force"), again.err());

        // extending a finished run replaces its model, so it needs --force like any overwrite
        Run refused = run("train", "--resume", out.resolve("checkpoint.safetensors").toString(), "--epochs", "3",
                "--data", data.toString(), "--quiet");
        assertEquals(Command.USAGE, refused.code(), refused.err());
        assertTrue(refused.err().contains("--force"), refused.err());
        Run resumed = run("train", "--resume", out.resolve("checkpoint.safetensors").toString(), "--epochs", "3",
                "--data", data.toString(), "--quiet", "--force");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming at epoch 3"), resumed.err());
        assertEquals(4, Files.readAllLines(out.resolve("metrics.csv")).size());
        // the run report covers the epochs before the resume too, and is finished
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("Final test accuracy") && report.contains("after epoch 3 of 3"), report);
        assertTrue(report.contains("<tr><td>1</td>") && report.contains("<tr><td>3</td>"), "epochs 1..3 in the table");
        assertEquals(Command.USAGE, run("train", "--resume", out.resolve("checkpoint.safetensors").toString(), "--lr", "1").code());

        Path model = out.resolve("model.safetensors");
        Run e = run("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        Json.Obj ej = Json.parseObject(e.out(), "eval output");
        assertEquals(30, ej.integer("images"));
        assertTrue(ej.number("accuracy") >= 0 && ej.number("accuracy") <= 1);
        assertEquals(3, ej.obj("per_class_accuracy").keys().size(), e.out());

        Run p = run("predict", "--model", model.toString(), "--json", "--top", "2", "--limit", "4",
                data.resolve("t10k-images-idx3-ubyte").toString());
        assertEquals(0, p.code(), p.err());
        Object arr = Json.parse(p.out(), "predict output");
        List<?> items = (List<?>) arr;
        assertEquals(4, items.size());
        Json.Obj first = new Json.Obj("p", Json.castMapForTest(items.get(0)));
        List<Json.Obj> preds = first.objects("predictions");
        assertEquals(2, preds.size());
        assertTrue(preds.get(0).number("probability") >= preds.get(1).number("probability"));
        Run plain = run("predict", "--model", model.toString(), "--limit", "2", data.resolve("t10k-images-idx3-ubyte").toString());
        assertEquals(2, plain.out().lines().count(), plain.out());

        Run s = run("summary", "--model", model.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("3.block.0") && s.out().contains("total params"), s.out());
    }

    @Test
    void yamlSpecTrainsBitwiseLikeItsJsonForm() throws Exception {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TrainerTest.SPEC_YAML);
        Path fromJson = dir.resolve("from-json"), fromYaml = dir.resolve("from-yaml");
        for (Path[] run : new Path[][] {{spec, fromJson}, {yaml, fromYaml}}) {
            Run t = run("train", "--data", data.toString(), "--model", run[0].toString(), "--out", run[1].toString(), "--epochs", "1",
                    "--batch", "20", "--seed", "4", "--quiet");
            assertEquals(0, t.code(), t.err());
        }
        assertArrayEquals(TrainerTest.weights(ModelFile.load(fromJson.resolve("model.safetensors"))),
                TrainerTest.weights(ModelFile.load(fromYaml.resolve("model.safetensors"))), "bitwise identical weights");
        assertEquals(Files.readString(fromJson.resolve("spec.json")), Files.readString(fromYaml.resolve("spec.json")));
        Run s = run("summary", "--model", yaml.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("3.block.0"), s.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, TrainerTest.SPEC_YAML.replace("- type: Flatten", "- type: Flatten\n  start_dim: !Dim 1"));
        Run refused = run("train", "--data", data.toString(), "--model", bad.toString(), "--out", dir.resolve("bad").toString(), "--quiet");
        assertEquals(Command.IO_ERROR, refused.code(), refused.err()); // a malformed file, like a malformed JSON spec
        assertTrue(refused.err().contains(bad + ": line 20, column 14: tags (!) other than the core schema's"), refused.err());
    }

    /** A child {@code conv4j train} whose stderr goes to a file, as {@code conv4j train 2>log} does. */
    static String trainWithStderrToAFile(String name, String... extra) throws Exception {
        Path log = dir.resolve(name + ".log");
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(jvm, "--add-modules", "jdk.incubator.vector", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--data", data.toString(),
                "--model", spec.toString(), "--out", dir.resolve(name).toString(), "--epochs", "2", "--batch", "10"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    @Test
    void progressToAFileIsPlainLinesWithoutCarriageReturns() throws Exception {
        String log = trainWithStderrToAFile("progress-auto");
        assertFalse(log.contains("\r"), "no redraws in a log:\n" + log);
        assertTrue(log.contains("epoch 1/2  batch 12/12") && log.contains("epoch 2/2  batch 12/12"), log);
        assertTrue(log.lines().filter(l -> l.startsWith("epoch 1/2  batch")).count() >= 5, "about one line per 10% of an epoch:\n" + log);
        // forced, the bar redraws even into a file; none prints no progress at all
        assertTrue(trainWithStderrToAFile("progress-bar", "--progress", "bar").contains("\repoch 1/2 ["));
        String none = trainWithStderrToAFile("progress-none", "--progress", "none");
        assertFalse(none.contains("epoch 1/2  batch") || none.contains("\r"), none);
    }

    @Test
    void summaryHelpAndErrors() {
        Run s = run("summary", "--model", "reference");
        assertEquals(0, s.code());
        assertTrue(s.out().contains("421,642"), s.out());
        for (String c : List.of("train", "eval", "predict", "summary")) {
            Run h = run(c, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().startsWith("usage: conv4j " + c), h.out());
        }
        assertEquals(Command.USAGE, run("train", "--epochz", "3").code());
        assertEquals(Command.USAGE, run("train", "--optimizer", "adagrad", "--data", "/nonexistent").code());
        Run missing = run("eval", "--model", dir.resolve("nope.safetensors").toString());
        assertEquals(Command.IO_ERROR, missing.code());
        Run bad = run("summary", "--model", spec.toString() + ".missing");
        assertEquals(Command.IO_ERROR, bad.code());
        assertEquals(Command.USAGE, run("predict", "--model", "x.safetensors").code());
    }

    @Test
    void shardsAreARecipeOptionKeptByTheCheckpoint() throws Exception {
        // No BatchNorm or dropout: a model whose step more shards may cut.
        Path stateless = dir.resolve("stateless.json");
        Files.writeString(stateless, """
                {"input": [1, 8, 8], "classes": 3, "layers": [
                  {"type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3}, {"type": "ReLU"},
                  {"type": "Flatten"}, {"type": "Linear", "in_features": 72, "out_features": 3}]}""");
        Path out = dir.resolve("sharded");
        Run t = run("train", "--data", data.toString(), "--model", stateless.toString(), "--out", out.toString(), "--epochs", "1",
                "--batch", "10", "--shards", "3", "--quiet");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("batches of 10, each in 3 shards"), t.err());
        Path ckpt = out.resolve("checkpoint.safetensors");
        assertEquals(3, org.conv4j.train.Checkpoint.load(ckpt).config().shards());
        // The checkpoint fixes S: a resume continues with it and takes no --shards.
        Run again = run("train", "--resume", ckpt.toString(), "--shards", "2", "--data", data.toString(), "--quiet");
        assertEquals(Command.USAGE, again.code());
        assertTrue(again.err().contains("--shards cannot be combined with --resume"), again.err());

        Run bn = run("train", "--data", data.toString(), "--model", spec.toString(), "--out", dir.resolve("bn").toString(),
                "--batch", "10", "--shards", "2", "--quiet");
        assertEquals(Command.USAGE, bn.code());
        assertTrue(bn.err().contains("--shards 2: the model has running statistics (BatchNorm) or dropout"), bn.err());
        Run big = run("train", "--data", data.toString(), "--model", stateless.toString(), "--out", dir.resolve("big").toString(),
                "--batch", "10", "--shards", "11", "--quiet");
        assertEquals(Command.USAGE, big.code());
        assertTrue(big.err().contains("--shards 11 exceeds --batch 10"), big.err());
    }
}
