package org.conv4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows stay one-way. Every package under {@code src/main/java/org/conv4j} of every module
 * ({@code conv4j-core}, {@code conv4j-onnx}, {@code conv4j-cli}, ...: the test reads them all from the reactor) has a
 * {@code package-info.java} whose javadoc names, on a line {@code Depends on: a, b.c, ...}, the conv4j
 * packages its code may use (relative to {@code org.conv4j}; an entry also admits its sub-packages, and
 * {@code nothing} admits none). This test reads every main source file's references to
 * {@code org.conv4j.*} types (imports and qualified names) and fails on any the declaration does not
 * allow, on a package without a declaration, and on declarations that form a cycle.
 */
class TiersTest {
    /** The reactor's folder: this test runs in conv4j-core's. */
    private static final Path REACTOR = Path.of("..");
    private static final Pattern DEPENDS = Pattern.compile("Depends on:\\s*([^.]*(?:\\.[a-z][^.]*)*)\\.", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.conv4j\\.((?:[a-z][a-z0-9_]*\\.)*[a-z][a-z0-9_]*)\\.[A-Z*]");

    /** Package (relative to org.conv4j) -> the packages it declares it may use. */
    private static Map<String, Set<String>> declared;
    /** Package -> the packages its sources actually reference, each with one file that does. */
    private static Map<String, Map<String, Path>> used;

    @BeforeAll
    static void read() throws IOException {
        declared = new TreeMap<>();
        used = new TreeMap<>();
        List<Path> roots;
        try (Stream<Path> modules = Files.list(REACTOR)) {
            roots = modules.filter(m -> m.getFileName().toString().startsWith("conv4j-"))
                    .map(m -> m.resolve("src/main/java/org/conv4j")).filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(roots.size() >= 3, "the modules' sources: " + roots);
        for (Path root : roots) read(root);
    }

    private static void read(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
                String src = Files.readString(f);
                if (f.getFileName().toString().equals("package-info.java")) {
                    declared.put(pkg, parseDepends(f, src));
                    continue;
                }
                Map<String, Path> refs = used.computeIfAbsent(pkg, k -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(stripComments(src));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg)) refs.putIfAbsent(target, f);
                }
            }
        }
    }

    @Test
    void everyPackageDeclaresWhatItMayUse() {
        Set<String> missing = new TreeSet<>(used.keySet());
        missing.removeAll(declared.keySet());
        assertTrue(missing.isEmpty(), "packages without a package-info.java naming 'Depends on: ...': " + missing);
    }

    @Test
    void sourcesUseOnlyWhatTheirPackageDeclares() {
        List<String> violations = new ArrayList<>();
        used.forEach((pkg, refs) -> {
            Set<String> allowed = declared.getOrDefault(pkg, Set.of());
            refs.forEach((target, file) -> {
                if (!admits(allowed, pkg, target)) {
                    violations.add(pkg + " -> " + target + " (" + file + "); declared: " + allowed);
                }
            });
        });
        if (!violations.isEmpty()) fail("undeclared package dependencies:\n  " + String.join("\n  ", violations));
    }

    @Test
    void declarationsFormNoCycle() {
        // Tiers are top-level packages: kernels.gemm belongs to kernels, which may arrange its
        // sub-packages as it likes. Between tiers the declared arrows must not loop.
        Map<String, Set<String>> tiers = new TreeMap<>();
        declared.forEach((pkg, deps) -> {
            Set<String> to = tiers.computeIfAbsent(top(pkg), k -> new TreeSet<>());
            for (String d : deps) if (!top(d).equals(top(pkg))) to.add(top(d));
        });
        Map<String, Integer> state = new TreeMap<>();
        for (String t : tiers.keySet()) visit(t, tiers, state, new ArrayList<>());
    }

    @Test
    void everyDeclaredPackageExists() {
        declared.forEach((pkg, deps) -> {
            for (String d : deps) {
                assertTrue(declared.keySet().stream().anyMatch(p -> p.equals(d) || p.startsWith(d + ".")),
                        "package " + pkg + " declares 'Depends on: " + d + "', which is not a package");
            }
        });
    }

    @Test
    void theCheckSeesAViolation() {
        // The reader itself: a qualified reference in code counts, one in a comment does not.
        Matcher m = REFERENCE.matcher(stripComments("""
                import org.conv4j.tensor.Tensor; // org.conv4j.cli.Main
                /* org.conv4j.report.RunReport */ var k = org.conv4j.kernels.gemm.Gemm.class;
                """));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1));
        assertEquals(List.of("tensor", "kernels.gemm"), found);
        assertTrue(admits(Set.of("kernels"), "conv", "kernels.gemm"));
        assertTrue(admits(Set.of(), "kernels", "kernels.gemm"), "a package may use its own sub-packages");
        assertTrue(!admits(Set.of("tensor"), "conv", "model"));
    }

    private static boolean admits(Set<String> allowed, String pkg, String target) {
        if (target.startsWith(pkg + ".")) return true;
        for (String a : allowed) if (target.equals(a) || target.startsWith(a + ".")) return true;
        return false;
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static void visit(String t, Map<String, Set<String>> tiers, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(t);
        if (s != null && s == 2) return;
        path.add(t);
        if (s != null && s == 1) fail("declared dependencies between tiers form a cycle: " + String.join(" -> ", path));
        state.put(t, 1);
        for (String d : tiers.getOrDefault(t, Set.of())) visit(d, tiers, state, path);
        path.remove(path.size() - 1);
        state.put(t, 2);
    }

    private static Set<String> parseDepends(Path f, String src) {
        Matcher m = DEPENDS.matcher(src);
        if (!m.find()) fail(f + ": its javadoc has no line 'Depends on: ...' naming the packages it may use");
        Set<String> deps = new TreeSet<>();
        for (String s : m.group(1).replaceAll("\\{@code|}|\\*", " ").split("[,\\s]+")) {
            if (!s.isBlank() && !s.equals("nothing") && !s.equals("and")) deps.add(s.trim());
        }
        return deps;
    }

    private static String stripComments(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }
}
