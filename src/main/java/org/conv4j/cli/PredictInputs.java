package org.conv4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files {@code conv4j predict} reads, from what was typed: a file as it is, a folder as every image
 * file under it, and a glob ({@code 'shoes/*.png'}, {@code 'data/**.jpg'}; quoted so the shell leaves it
 * alone) as every file it matches. Folders and globs expand in sorted order, so the output's order is
 * the same on every run and machine.
 */
final class PredictInputs {
    private PredictInputs() {}

    /** The image extensions taken from a folder (any case); IDX files are named one by one. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** Expands every argument; fails naming the first one that is missing or matches nothing. */
    static List<Path> expand(List<String> args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String a : args) files.addAll(expand(a));
        return files;
    }

    static List<Path> expand(String arg) throws IOException {
        Path p = Path.of(arg);
        if (Files.isRegularFile(p)) return List.of(p);
        if (Files.isDirectory(p)) {
            List<Path> images;
            try (Stream<Path> s = Files.walk(p)) {
                images = s.filter(f -> Files.isRegularFile(f) && IMAGE_EXTENSIONS.contains(extension(f))).sorted().toList();
            }
            if (images.isEmpty()) {
                throw new FileNotFoundException("folder " + arg + " holds no image files (" + String.join(", ", sorted(IMAGE_EXTENSIONS)) + ")");
            }
            return images;
        }
        if (isGlob(arg)) {
            List<Path> matched = glob(arg);
            if (matched.isEmpty()) throw new FileNotFoundException("no file matches " + arg);
            return matched;
        }
        throw new FileNotFoundException("input not found: " + arg + " (expected an image file, an IDX image file, a folder of "
                + "images or a quoted glob such as 'images/*.png')");
    }

    static boolean isGlob(String s) {
        for (char c : s.toCharArray()) if (c == '*' || c == '?' || c == '[' || c == '{') return true;
        return false;
    }

    /**
     * The regular files matching {@code pattern} (java.nio glob syntax: {@code *} within a name, {@code **}
     * across folders), searched from the longest leading part without wildcards.
     */
    static List<Path> glob(String pattern) throws IOException {
        String normal = pattern.replace('\\', '/');
        String[] parts = normal.split("/", -1);
        int fixed = 0;
        while (fixed < parts.length - 1 && !isGlob(parts[fixed])) fixed++;
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, fixed));
        Path base = baseText.isEmpty() ? Path.of(normal.startsWith("/") ? "/" : ".") : Path.of(baseText);
        if (!Files.isDirectory(base)) return List.of();
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, fixed, parts.length));
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : parts.length - fixed;
        try (Stream<Path> s = Files.walk(base, depth)) {
            return s.filter(f -> Files.isRegularFile(f) && m.matches(base.relativize(f)))
                    .map(f -> baseText.isEmpty() && !normal.startsWith("/") ? base.relativize(f) : f).sorted().toList();
        }
    }

    static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().map(e -> "." + e).toList();
    }
}
