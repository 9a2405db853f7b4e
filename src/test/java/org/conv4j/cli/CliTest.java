package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.conv4j.io.Json;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the picocli command line adds or fixes (issue 24): --version, unknown-option and missing-model
 * messages, exit codes documented once, predict over folders and globs with text/json/csv output, and
 * shell completion.
 */
class CliTest {
    @TempDir static Path dir;
    static Path model, images;

    static TrainCliTest.Run run(String... args) { return TrainCliTest.run(args); }

    @BeforeAll
    static void setUp() throws Exception {
        Model m = NetworkSpec.parse(ExplainCommandTest.TINY_SPEC, "tiny.json").build(1);
        model = dir.resolve("tiny.safetensors");
        ModelFile.save(m, model, false);
        // images/a.png, images/b.bmp, images/notes.txt, images/sub/c.png, images/sub/d.jpg
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        String[][] files = {{"a.png", "png"}, {"b.bmp", "bmp"}, {"sub/c.png", "png"}, {"sub/d.jpg", "jpg"}};
        for (int i = 0; i < files.length; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int k = 0; k < 8; k++) img.setRGB(i % 2 == 0 ? k : 3, i % 2 == 0 ? 3 : k, 0xffffff); // rows and columns
            assertTrue(ImageIO.write(img, files[i][1], images.resolve(files[i][0]).toFile()), files[i][0]);
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        Matcher v = Pattern.compile("<artifactId>conv4j</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(v.find(), "the pom's version");
        for (String flag : List.of("--version", "-V")) {
            TrainCliTest.Run r = run(flag);
            assertEquals(Command.OK, r.code(), r.err());
            assertEquals("conv4j " + v.group(1), r.out().lines().findFirst().orElseThrow());
            assertTrue(r.out().contains("Java " + Runtime.version().feature()) && r.out().contains("kernels: "), r.out());
        }
    }

    @Test
    void anUnknownTrailingOptionIsAnUnknownOption() {
        TrainCliTest.Run r = run("predict", "--model", model.toString(), images.resolve("a.png").toString(), "--jsn");
        assertEquals(Command.USAGE, r.code());
        assertTrue(r.err().contains("conv4j predict: unknown option --jsn; did you mean --json?"), r.err());
        assertFalse(r.err().contains("needs a value"), r.err());
        TrainCliTest.Run eq = run("train", "--epochz=3");
        assertTrue(eq.err().contains("unknown option --epochz;"), eq.err());
        TrainCliTest.Run value = run("train", "--epochs");
        assertEquals(Command.USAGE, value.code());
        assertTrue(value.err().contains("option --epochs needs a value"), value.err());
        TrainCliTest.Run twice = run("eval", "--model", "a", "--model", "b");
        assertTrue(twice.err().contains("option --model given twice"), twice.err());
        TrainCliTest.Run notInt = run("train", "--epochs", "two");
        assertTrue(notInt.err().contains("--epochs expects an integer, got 'two'"), notInt.err());
        TrainCliTest.Run nan = run("train", "--lr", "NaN");
        assertTrue(nan.err().contains("--lr expects a finite number, got 'NaN'"), nan.err());
        TrainCliTest.Run required = run("eval");
        assertEquals(Command.USAGE, required.code());
        assertTrue(required.err().contains("missing required option --model"), required.err());
        TrainCliTest.Run command = run("trian");
        assertEquals(Command.USAGE, command.code());
        assertTrue(command.err().contains("unknown command 'trian' (did you mean train?)"), command.err());
        TrainCliTest.Run none = run();
        assertEquals(Command.USAGE, none.code());
        assertTrue(none.out().startsWith("usage: conv4j COMMAND"), none.out());
    }

    @Test
    void aMissingModelFileSaysWhatWasExpected() {
        Path nope = dir.resolve("nope.safetensors");
        for (String[] args : new String[][] {{"eval", "--model", nope.toString()},
                {"predict", "--model", nope.toString(), images.toString()},
                {"export", "--model", nope.toString(), "--out", dir.resolve("x.onnx").toString()},
                {"summary", "--model", nope.toString()}}) {
            TrainCliTest.Run r = run(args);
            assertEquals(Command.IO_ERROR, r.code(), String.join(" ", args));
            assertTrue(r.err().contains("conv4j " + args[0] + ": model file not found: " + nope
                    + " (expected a .safetensors model written by conv4j train or conv4j import"), r.err());
        }
        TrainCliTest.Run folder = run("eval", "--model", dir.toString());
        assertEquals(Command.IO_ERROR, folder.code());
        assertTrue(folder.err().contains("model file " + dir + " is a folder"), folder.err());
    }

    /** The exit-code table of docs/cli.md, the one place the docs list them, as code -> meaning. */
    static Map<Integer, String> documentedExitCodes() throws Exception {
        String doc = Files.readString(Path.of("docs/cli.md"));
        String section = doc.substring(doc.indexOf("## Exit codes"));
        section = section.substring(0, section.indexOf("\n## ", 3) < 0 ? section.length() : section.indexOf("\n## ", 3));
        Map<Integer, String> codes = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d) \\| (.+) \\|$").matcher(section);
        while (row.find()) codes.put(Integer.parseInt(row.group(1)), row.group(2));
        return codes;
    }

    @Test
    void exitCodesAreDocumentedOnceAndEveryHelpPrintsTheSame() throws Exception {
        assertEquals(Command.EXIT_CODES, documentedExitCodes(), "docs/cli.md's table is Command.EXIT_CODES");
        String readme = Files.readString(Path.of("README.md"));
        assertFalse(readme.matches("(?s).*\\| 3 \\|.*"), "README links to docs/cli.md instead of listing exit codes");
        for (String c : List.of("train", "eval", "predict", "summary", "explain", "gradcheck", "bench", "export", "import", "completion")) {
            TrainCliTest.Run h = run(c, "--help");
            assertEquals(Command.OK, h.code(), c);
            assertTrue(h.out().startsWith("usage: conv4j " + c), h.out());
            String flat = h.out().replaceAll("\\s+", " ");
            for (var e : Command.EXIT_CODES.entrySet()) {
                assertTrue(flat.contains(e.getKey() + " " + e.getValue()), c + " --help lacks exit code " + e.getKey() + ":\n" + h.out());
            }
            assertFalse(h.out().contains("bad options or data"), "the old, contradicting per-command lists are gone");
        }
    }

    @Test
    void predictTakesFoldersAndGlobsSorted() {
        TrainCliTest.Run folder = run("predict", "--model", model.toString(), images.toString());
        assertEquals(Command.OK, folder.code(), folder.err());
        List<String> names = folder.out().lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(List.of(images.resolve("a.png").toString(), images.resolve("b.bmp").toString(),
                images.resolve("sub/c.png").toString(), images.resolve("sub/d.jpg").toString()), names, "every image, sorted; no notes.txt");

        TrainCliTest.Run glob = run("predict", "--model", model.toString(), images + "/*.png");
        assertEquals(Command.OK, glob.code(), glob.err());
        assertEquals(List.of(images.resolve("a.png").toString()), glob.out().lines().map(l -> l.substring(0, l.indexOf(':'))).toList());
        TrainCliTest.Run deep = run("predict", "--model", model.toString(), images + "/**.png");
        assertEquals(2, deep.out().lines().count(), deep.out());

        TrainCliTest.Run nothing = run("predict", "--model", model.toString(), images + "/*.gif");
        assertEquals(Command.IO_ERROR, nothing.code());
        assertTrue(nothing.err().contains("no file matches " + images + "/*.gif"), nothing.err());
        TrainCliTest.Run missing = run("predict", "--model", model.toString(), dir.resolve("absent.png").toString());
        assertEquals(Command.IO_ERROR, missing.code());
        assertTrue(missing.err().contains("input not found: " + dir.resolve("absent.png")), missing.err());
    }

    @Test
    void predictCsvHasOneRowPerImageAndAgreesWithJson() throws Exception {
        TrainCliTest.Run csv = run("predict", "--model", model.toString(), "--format", "csv", "--top", "2", images.toString());
        assertEquals(Command.OK, csv.code(), csv.err());
        List<String> lines = csv.out().lines().toList();
        assertEquals("path,class,label,probability,top_k", lines.get(0));
        assertEquals(5, lines.size(), csv.out());
        TrainCliTest.Run json = run("predict", "--model", model.toString(), "--format", "json", "--top", "2", images.toString());
        assertEquals(Command.OK, json.code(), json.err());
        List<?> items = (List<?>) Json.parse(json.out(), "predict output");
        assertEquals(4, items.size());
        for (int i = 0; i < 4; i++) {
            String[] f = lines.get(i + 1).split(",", -1);
            assertEquals(5, f.length, lines.get(i + 1));
            Json.Obj item = new Json.Obj("p", Json.castMapForTest(items.get(i)));
            Json.Obj best = item.objects("predictions").get(0);
            assertEquals(item.str("input"), f[0]);
            assertEquals(best.integer("class"), Integer.parseInt(f[1]));
            assertEquals(best.str("label"), f[2]);
            assertEquals(best.number("probability"), Double.parseDouble(f[3]), 1e-6);
            String[] topK = f[4].split(";");
            assertEquals(2, topK.length, f[4]);
            assertEquals(f[2] + ":" + f[3], topK[0]);
        }
        assertEquals("\"a,b\"", PredictCommand.csv("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", PredictCommand.csv("say \"hi\""));
        assertEquals("plain", PredictCommand.csv("plain"));
        TrainCliTest.Run clash = run("predict", "--model", model.toString(), "--json", "--format", "csv", images.toString());
        assertEquals(Command.USAGE, clash.code());
        assertTrue(clash.err().contains("--json and --format csv disagree"), clash.err());
    }

    @Test
    void completionIsABashScriptForEveryCommandAndOption() {
        TrainCliTest.Run r = run("completion");
        assertEquals(Command.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 100));
        assertTrue(r.out().contains("complete -F _complete_conv4j"), "registers a completion function");
        for (String word : List.of("train", "predict", "completion", "--epochs", "--progress", "--format", "--resume")) {
            assertTrue(r.out().contains(word), word);
        }
        // values are offered as they are typed (and documented): lower case
        assertTrue(r.out().contains("(\"text\" \"json\" \"csv\")") && r.out().contains("(\"auto\" \"bar\" \"lines\" \"none\")"), r.out());
    }
}
