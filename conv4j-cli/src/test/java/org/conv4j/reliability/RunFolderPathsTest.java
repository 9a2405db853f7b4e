package org.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.conv4j.cli.Command;
import org.conv4j.cli.Main;
import org.conv4j.model.ModelFile;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths, through the CLI as a user runs it: writing a run folder never writes through a symlink planted
 * inside it (every file a run writes, and the temporary names it writes through, may be a link to a file
 * outside; the outside file must stay untouched), and an existing model is only overwritten with
 * {@code --force}, for a new run and for a resumed one.
 */
class RunFolderPathsTest {
    @TempDir Path dir;
    Path data, spec, outside;

    /** The files a train run writes into its folder, and the temporary names its atomic writes use. */
    static final List<String> RUN_FILES = List.of("metrics.csv", "checkpoint.safetensors", "spec.json", "model.safetensors",
            ".checkpoint.safetensors.tmp-1", ".metrics.csv.tmp-1", ".model.safetensors.tmp-1", "report.html", "loss.png");

    static final String SPEC = """
            {"name": "paths", "input": [1, 8, 8], "classes": 3,
             "layers": [
               {"type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3, "padding": 1},
               {"type": "ReLU"},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 128, "out_features": 3}
             ]}""";

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        writeIdx(data, "train", 48, 1);
        writeIdx(data, "t10k", 12, 2);
        spec = Files.writeString(dir.resolve("paths.json"), SPEC);
        outside = Files.createDirectories(dir.resolve("outside"));
    }

    /** Raw (not gzipped) IDX image and label files of {@code n} 8×8 images in 3 classes. */
    static void writeIdx(Path dir, String prefix, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        ByteBuffer img = ByteBuffer.allocate(16 + n * 64).putInt(0x803).putInt(n).putInt(8).putInt(8);
        ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 3, pos = r.nextInt(8);
            lab.put((byte) label);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = label == 0 ? y == pos : label == 1 ? x == pos : x == y;
                    img.put((byte) ((on ? 200 : 20) + r.nextInt(40)));
                }
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
    }

    record Run(int code, String err) {}

    Run train(String... extra) {
        List<String> argv = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", spec.toString(),
                "--epochs", "1", "--batch", "8", "--checkpoint-every", "2", "--quiet"));
        argv.addAll(List.of(extra));
        return cli(argv.toArray(String[]::new));
    }

    @Test
    void symlinksPlantedInTheRunFolderAreReplacedNeverWrittenThrough() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        List<Path> victims = new ArrayList<>();
        for (String f : RUN_FILES) {
            if (f.equals("model.safetensors")) continue;  // a planted model link is covered below: it needs --force
            Path victim = Files.writeString(outside.resolve("victim-" + f), "precious " + f);
            victims.add(victim);
            Files.createSymbolicLink(run.resolve(f), victim);
        }
        Path dangling = outside.resolve("created-through-a-dangling-link");
        Files.createSymbolicLink(run.resolve("model.safetensors"), dangling);

        Run refused = train("--out", run.toString());
        assertEquals(Command.USAGE, refused.code(), "a model.safetensors entry, even a dangling link, is a model to keep: " + refused.err());
        assertTrue(refused.err().contains("--force"), refused.err());

        Run r = train("--out", run.toString(), "--force");
        assertEquals(Command.OK, r.code(), r.err());
        for (Path v : victims) {
            assertEquals("precious " + v.getFileName().toString().substring("victim-".length()), Files.readString(v),
                    v + " outside the run folder is untouched");
        }
        assertFalse(Files.exists(dangling, java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing was created through the dangling link");
        for (String f : List.of("metrics.csv", "checkpoint.safetensors", "spec.json", "model.safetensors")) {
            assertTrue(Files.isRegularFile(run.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS), f + " is now a regular file in the run folder");
        }
        ModelFile.load(run.resolve("model.safetensors"));
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(victims.size(), s.count(), "no new file appeared outside the run folder");
        }
    }

    @Test
    void overwritingAModelNeedsForceForNewAndResumedRuns() throws Exception {
        Path run = dir.resolve("run");
        Run first = train("--out", run.toString(), "--seed", "1");
        assertEquals(Command.OK, first.code(), first.err());
        Path model = run.resolve("model.safetensors");
        byte[] kept = Files.readAllBytes(model);

        Run again = train("--out", run.toString(), "--seed", "2");
        assertEquals(Command.USAGE, again.code(), again.err());
        assertTrue(again.err().contains(model.toString()) && again.err().contains("--force"), "names the model and the flag: " + again.err());
        assertArrayEquals(kept, Files.readAllBytes(model), "the model is unchanged");

        Run resume = resume(run, "--epochs", "2");
        assertEquals(Command.USAGE, resume.code(), "resuming into a folder that holds a model needs --force: " + resume.err());
        assertTrue(resume.err().contains("--force"), resume.err());
        assertArrayEquals(kept, Files.readAllBytes(model), "the model is unchanged");

        Run forced = train("--out", run.toString(), "--seed", "2", "--force");
        assertEquals(Command.OK, forced.code(), forced.err());
        assertFalse(java.util.Arrays.equals(kept, Files.readAllBytes(model)), "with --force the model is replaced (seed 2 differs)");
        Run forcedResume = resume(run, "--epochs", "2", "--force");
        assertEquals(Command.OK, forcedResume.code(), forcedResume.err());
    }

    @Test
    void exportAndImportRefuseToOverwriteWithoutForce() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(Command.OK, train("--out", run.toString()).code());
        Path onnx = dir.resolve("model.onnx"), imported = dir.resolve("imported.safetensors");
        String model = run.resolve("model.safetensors").toString();
        assertEquals(Command.OK, cli("export", "--model", model, "--out", onnx.toString()).code());
        assertEquals(Command.OK, cli("import", "--onnx", onnx.toString(), "--out", imported.toString()).code());
        byte[] onnxBytes = Files.readAllBytes(onnx), importedBytes = Files.readAllBytes(imported);
        Files.setLastModifiedTime(onnx, java.nio.file.attribute.FileTime.fromMillis(0));
        Files.setLastModifiedTime(imported, java.nio.file.attribute.FileTime.fromMillis(0));

        Run export = cli("export", "--model", model, "--out", onnx.toString());
        assertEquals(Command.USAGE, export.code(), export.err());
        assertTrue(export.err().contains("--force"), export.err());
        Run imp = cli("import", "--onnx", onnx.toString(), "--out", imported.toString());
        assertEquals(Command.USAGE, imp.code(), imp.err());
        assertTrue(imp.err().contains("--force"), imp.err());
        assertEquals(0, Files.getLastModifiedTime(onnx).toMillis(), "the ONNX file was not rewritten");
        assertEquals(0, Files.getLastModifiedTime(imported).toMillis(), "the imported model was not rewritten");

        assertEquals(Command.OK, cli("export", "--model", model, "--out", onnx.toString(), "--force").code());
        assertEquals(Command.OK, cli("import", "--onnx", onnx.toString(), "--out", imported.toString(), "--force").code());
        assertArrayEquals(onnxBytes, Files.readAllBytes(onnx));
        assertArrayEquals(importedBytes, Files.readAllBytes(imported));
        assertTrue(Files.getLastModifiedTime(imported).toMillis() > 0, "with --force the model is rewritten");
    }

    static Run cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    Run resume(Path run, String... extra) {
        List<String> argv = new ArrayList<>(List.of("train", "--data", data.toString(), "--quiet",
                "--resume", run.resolve("checkpoint.safetensors").toString()));
        argv.addAll(List.of(extra));
        return cli(argv.toArray(String[]::new));
    }
}
