package org.conv4j.docs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets in README.md are complete programs that compile and run. Each is a {@code ```java}
 * block right after a line {@code <!-- snippet: ClassName -->}; this test compiles them with javac against
 * target/classes as the module {@code org.conv4j.core} (so a snippet can use only what the module exports, as
 * a user's project compiled against the jar), runs each {@code main} in its own JVM in a scratch folder, and
 * checks what it prints.
 */
class ReadmeSnippetsTest {
    /** The reactor's README (this test runs in conv4j-core's folder). */
    private static final Path README = Path.of("../README.md");
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\w+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

    @TempDir Path dir;

    static Map<String, String> snippets() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = SNIPPET.matcher(Files.readString(README));
        while (matcher.find()) assertNull(m.put(matcher.group(1), matcher.group(2)), "two snippets named " + matcher.group(1));
        return m;
    }

    @Test
    void everyJavaBlockInTheReadmeIsACheckedSnippet() throws IOException {
        String text = Files.readString(README);
        int blocks = text.split("```java", -1).length - 1;
        Map<String, String> s = snippets();
        assertEquals(blocks, s.size(), "every ```java block in README.md must follow a <!-- snippet: Name --> line");
        assertEquals(List.of("TrainAndClassify", "ManualLoop"), List.copyOf(s.keySet()), "the snippets this test checks");
        s.forEach((name, code) -> {
            assertTrue(code.contains("public class " + name + " "), name + " declares public class " + name);
            assertTrue(code.startsWith("import "), name + " starts with its imports, so it is complete");
        });
    }

    @Test
    void snippetsCompileAndRun() throws Exception {
        Map<String, String> s = snippets();
        Path src = Files.createDirectories(dir.resolve("src")), classes = Files.createDirectories(dir.resolve("classes"));
        List<File> files = new ArrayList<>();
        for (Map.Entry<String, String> e : s.entrySet()) {
            Path f = src.resolve(e.getKey() + ".java");
            Files.writeString(f, e.getValue());
            files.add(f.toFile());
        }
        Path library = Path.of("target/classes").toAbsolutePath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK, which has javac");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", classes.toString(), "--module-path", library.toString(),
                    "--add-modules", "org.conv4j.core", "-Xlint:all,-incubating", "-Werror");
            boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files)).call();
            assertTrue(ok, "README snippets do not compile (warnings count):\n" + diagnostics.getDiagnostics());
        }

        String out = run("TrainAndClassify", classes, library);
        Matcher m = Pattern.compile("trained 40 steps, accuracy (\\d\\.\\d\\d) in the last epoch\\n"
                + "vertical (\\d\\.\\d{3})\\nhorizontal (\\d\\.\\d{3})\\nbar\\.png: vertical\\n").matcher(out);
        assertTrue(m.matches(), "TrainAndClassify printed:\n" + out);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, "it learns the bars: " + out);
        assertTrue(Double.parseDouble(m.group(2)) > 0.75, "and is sure of the drawn one: " + out);
        assertEquals(1.0, Double.parseDouble(m.group(2)) + Double.parseDouble(m.group(3)), 0.0015, out);
        assertTrue(Files.size(dir.resolve("work/bars.safetensors")) > 4 * (8 * 9 + 8 + 512 * 2 + 2), "the model file holds the weights");

        out = run("ManualLoop", classes, library);
        m = Pattern.compile("step 1 loss (\\d+\\.\\d{4})\\nstep 30 loss (\\d+\\.\\d{4})\\na bright image: bright\\n").matcher(out);
        assertTrue(m.matches(), "ManualLoop printed:\n" + out);
        assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(1)) / 2, "the loss falls: " + out);
    }

    /** Runs {@code main} of class {@code name} in a new JVM with the library as a module; returns stdout. */
    private String run(String name, Path classes, Path library) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector,org.conv4j.core", "-Xmx256m",
                "--module-path", library.toString(), "-cp", classes.toString(), name)
                .directory(work.toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes()).replace(System.lineSeparator(), "\n");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not finish in 2 minutes");
        assertEquals(0, p.exitValue(), name + " failed:\n" + out + Files.readString(dir.resolve(name + ".err")));
        return out;
    }
}
