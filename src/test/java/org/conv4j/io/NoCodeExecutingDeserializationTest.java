package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, build-time check: no code-executing deserialization anywhere in src/main. Java serialization
 * (ObjectInputStream, readObject, XMLDecoder), polymorphic JSON/YAML typing (Jackson default typing,
 * {@code @JsonTypeInfo}, SnakeYAML's class-instantiating constructors) and classes loaded by a name that
 * is not a literal in the code all let a file choose which code runs. Comments and string literals are
 * ignored, so documentation may name them.
 */
class NoCodeExecutingDeserializationTest {
    static final Path MAIN = Path.of("src/main/java");

    /** What may not appear in code, and why. */
    static final List<Rule> RULES = List.of(
            new Rule("ObjectInputStream", "Java deserialization runs code chosen by the stream"),
            new Rule("\\breadObject\\s*\\(", "Java deserialization"),
            new Rule("\\breadUnshared\\s*\\(", "Java deserialization"),
            new Rule("\\bXMLDecoder\\b", "XMLDecoder instantiates any class the XML names"),
            new Rule("\\b(enable|activate)DefaultTyping\\b|\\bDefaultTyping\\b", "Jackson polymorphic typing"),
            new Rule("@?\\bJsonTypeInfo\\b", "Jackson polymorphic typing"),
            new Rule("\\bJsonSubTypes\\b|\\bPolymorphicTypeValidator\\b", "Jackson polymorphic typing"),
            new Rule("\\borg\\.yaml\\.snakeyaml\\b", "SnakeYAML can instantiate classes named by YAML tags"),
            new Rule("\\bsetTagConstructors\\b|\\bConstructNode\\b", "SnakeYAML Engine constructors chosen by a file's tags"),
            new Rule("\\bClass\\.forName\\s*\\(\\s*[^\"\\s]", "a class loaded by a name computed at run time"),
            new Rule("\\bloadClass\\s*\\(\\s*[^\"\\s]", "a class loaded by a name computed at run time"));

    /**
     * Files allowed a {@code Class.forName(variable)} because the variable only ever holds a literal: the
     * file's own helper method (named here) is called with string literals only, which the test checks.
     * Kernels loads its Vector API and OpenBLAS classes by name so that the incubator module is linked
     * only when present.
     */
    static final java.util.Map<String, String> LITERAL_ONLY_LOADERS = java.util.Map.of(
            "org/conv4j/kernels/Kernels.java", "load");

    record Rule(String regex, String why) {
        Pattern pattern() { return Pattern.compile(regex); }
    }

    @Test
    void srcMainHasNoCodeExecutingDeserialization() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the project root: " + MAIN.toAbsolutePath());
        List<String> findings = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                files++;
                findings.addAll(scan(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
            }
        }
        assertTrue(files > 20, "scanned only " + files + " files");
        assertTrue(findings.isEmpty(), "code-executing deserialization in src/main:\n" + String.join("\n", findings));
    }

    @Test
    void theScannerCatchesEachPatternButNotCommentsOrStrings() {
        assertEquals(1, scan("A.java", "var in = new java.io.ObjectInputStream(s);").size());
        assertEquals(1, scan("A.java", "Object o = in.readObject ();").size());
        assertEquals(1, scan("A.java", "mapper.activateDefaultTyping(v);").size());
        assertEquals(1, scan("A.java", "@JsonTypeInfo(use = Id.CLASS) class X {}").size());
        assertEquals(1, scan("A.java", "import org.yaml.snakeyaml.Yaml;").size());
        assertEquals(1, scan("A.java", "LoadSettings.builder().setTagConstructors(m);").size());
        assertEquals(1, scan("A.java", "Class<?> c = Class.forName(name);").size());
        assertEquals(1, scan("A.java", "new java.beans.XMLDecoder(in)").size());
        assertEquals(0, scan("A.java", "Class<?> c = Class.forName(\"org.conv4j.kernels.VectorGemm\");").size());
        assertEquals(0, scan("A.java", "// never an ObjectInputStream here\n/* nor readObject() */ int x;").size());
        assertEquals(0, scan("A.java", "String s = \"ObjectInputStream\"; char c = '\"';").size());
        assertEquals(1, scan("A.java", "String s = \"a\\\"b\"; var o = new ObjectInputStream(in);").size());
        assertEquals(1, scan("A.java", "String t = \"\"\"\n  text \"\"\"; in.readObject();").size());
        String kernels = "org/conv4j/kernels/Kernels.java";
        String helper = "private static <T> T load(String className, Class<T> type) { return Class.forName(className); }\n";
        assertEquals(0, scan(kernels, helper + "Gemm g = load(\"org.conv4j.kernels.VectorGemm\", Gemm.class);").size());
        assertEquals(1, scan(kernels, helper + "Gemm g = load(userInput, Gemm.class);").size());
    }

    /** Findings in one file's code, as "file:line: what (why)". */
    static List<String> scan(String file, String source) {
        String code = stripCommentsAndStrings(source);
        List<String> out = new ArrayList<>();
        String helper = null;
        for (var e : LITERAL_ONLY_LOADERS.entrySet()) {
            if (file.replace('\\', '/').endsWith(e.getKey())) helper = e.getValue();
        }
        if (helper != null) {
            // every unqualified call of the helper passes a literal; its declaration ("T load(String ...") is the
            // one exception (Other.load(x) is another class's method)
            Matcher calls = Pattern.compile("(?<![.\\w])" + helper + "\\s*\\(\\s*([^\"\\s])").matcher(code);
            while (calls.find()) {
                int lineStart = code.lastIndexOf('\n', calls.start()) + 1;
                if (!code.substring(lineStart, calls.start()).contains("static")) {
                    out.add(file + ": " + helper + "(...) called with a name that is not a literal");
                }
            }
        }
        for (Rule r : RULES) {
            if (helper != null && r.regex().contains("forName")) continue;
            Matcher m = r.pattern().matcher(code);
            while (m.find()) {
                int line = 1;
                for (int i = 0; i < m.start(); i++) if (code.charAt(i) == '\n') line++;
                out.add(file + ":" + line + ": " + m.group().strip() + " (" + r.why() + ")");
            }
        }
        return out;
    }

    /**
     * Replaces comments with spaces and the contents of string, text-block and char literals with
     * nothing (keeping the quotes and every newline, so line numbers stay right).
     */
    static String stripCommentsAndStrings(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                i += 2;
                while (i < n && !(s.charAt(i) == '*' && i + 1 < n && s.charAt(i + 1) == '/')) {
                    if (s.charAt(i) == '\n') b.append('\n');
                    i++;
                }
                i += 2;
                b.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                i += 3;
                while (i < n && !s.startsWith("\"\"\"", i)) {
                    if (s.charAt(i) == '\\') i++;
                    else if (s.charAt(i) == '\n') b.append('\n');
                    i++;
                }
                i += 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
                    if (s.charAt(i) == '\\') i++;
                    i++;
                }
                i++;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
