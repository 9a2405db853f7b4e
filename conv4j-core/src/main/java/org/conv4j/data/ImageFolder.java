package org.conv4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.conv4j.io.FormatException;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.ReadLimits;
import org.conv4j.kernels.Parallel;

/**
 * A folder with one subfolder per class, like torchvision's ImageFolder: {@code root/cat/001.png},
 * {@code root/dog/xyz.jpg}. Class names are the subfolder names in sorted order; images are PNG, JPEG or
 * BMP files (by extension, case-insensitive) anywhere below a class folder; hidden files are skipped.
 * Each image is decoded, converted to grey or RGB and resized to an {@link ImageSpec}; decoding runs on
 * {@link Parallel}'s pool and the result does not depend on the thread count.
 *
 * <p>Paths: nothing outside the folder the user named is ever read. A link (or any path) whose real
 * location lies outside the root is refused with a {@link FormatException} naming it; directory cycles
 * are not followed twice; the walk is at most {@link #MAX_DEPTH} levels deep.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /** Deepest nesting of folders below the root that the walk enters; deeper is a format error. */
    public static final int MAX_DEPTH = 16;

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    /**
     * The image files of an image folder, by class, in a fixed (sorted) order.
     *
     * @param root       the folder
     * @param classNames the class subfolders' names, sorted
     * @param files      the image files
     * @param labels     per file, the index of its class
     */
    public record Listing(Path root, List<String> classNames, List<Path> files, int[] labels) {}

    /**
     * Lists an image folder, checking every path stays inside it.
     *
     * @param root the folder, one subfolder per class
     * @return the listing
     * @throws IOException on a read error, or a {@link FormatException} naming the path if the folder is not one,
     *                    a path leaves it or it is nested too deep
     */
    public static Listing list(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new FormatException(root, "is not a directory");
        Path realRoot = root.toRealPath();
        List<Path> classDirs = new ArrayList<>();
        try (var s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (hidden(p)) continue;
                Path real = inside(realRoot, root, p);
                if (Files.isDirectory(real)) classDirs.add(p);
            }
        }
        classDirs.sort(null);
        if (classDirs.isEmpty()) {
            throw new FormatException(root, "has no class subfolders; an image folder holds one subfolder per class "
                    + "(e.g. " + root.resolve("cat") + "/1.png)");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Set<Path> visited = new HashSet<>();
        for (Path dir : classDirs) {
            int before = files.size();
            walk(realRoot, root, dir, 0, visited, files);
            for (int i = before; i < files.size(); i++) labels.add(names.size());
            names.add(dir.getFileName().toString());
            ReadLimits.atMost(root.toString(), "image file count", files.size(), ReadLimits.MAX_ITEMS);
        }
        if (files.isEmpty()) throw new FormatException(root, "holds no .png, .jpg, .jpeg or .bmp files in its class folders");
        return new Listing(root, List.copyOf(names), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void walk(Path realRoot, Path root, Path dir, int depth, Set<Path> visited, List<Path> out)
            throws IOException {
        if (depth > MAX_DEPTH) throw new FormatException(dir, "is nested more than " + MAX_DEPTH + " folders deep");
        Path realDir = inside(realRoot, root, dir);
        if (!visited.add(realDir)) return;                 // a cycle or a second link to the same folder
        List<Path> entries = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) if (!hidden(p)) entries.add(p);
        }
        entries.sort(null);
        for (Path p : entries) {
            Path real = inside(realRoot, root, p);
            if (Files.isDirectory(real)) {
                walk(realRoot, root, p, depth + 1, visited, out);
            } else if (Files.isRegularFile(real) && EXTENSIONS.contains(extension(p))) {
                out.add(real);                              // read through the checked real path
            }
        }
    }

    /** The real path of {@code p}, refused unless it lies inside the real root. */
    private static Path inside(Path realRoot, Path root, Path p) throws IOException {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            if (Files.isSymbolicLink(p)) throw new FormatException(p, "is a broken link");
            throw e;
        }
        if (!real.startsWith(realRoot)) {
            throw new FormatException(p, "leads to " + real + ", outside the image folder " + root
                    + "; conv4j does not follow links out of the folder it was given");
        }
        return real;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Loads an image folder; {@code spec} null takes the size of the first image and RGB unless it is grey.
     * {@code classNames}, if not null, fixes the class list (a test set uses its training set's classes);
     * a subfolder not in it is an error.
     *
     * @param root       the folder, one subfolder per class
     * @param spec       the size and colour images are decoded to, or null
     * @param classNames the class list to use, or null for the subfolders'
     * @param name       the dataset's name
     * @return the dataset
     * @throws IOException on a read error, or a {@link FormatException} naming the file if an image cannot be decoded
     *                     or a subfolder is not a known class
     */
    public static Dataset load(Path root, ImageSpec spec, List<String> classNames, String name) throws IOException {
        Listing l = list(root);
        int[] labels = l.labels();
        List<String> names = l.classNames();
        if (classNames != null) {
            int[] map = new int[names.size()];
            for (int c = 0; c < names.size(); c++) {
                map[c] = classNames.indexOf(names.get(c));
                if (map[c] < 0) {
                    throw new FormatException(root.resolve(names.get(c)), "is a class the training set does not have "
                            + classNames);
                }
            }
            labels = labels.clone();
            for (int i = 0; i < labels.length; i++) labels[i] = map[labels[i]];
            names = classNames;
        }
        List<Path> files = l.files();
        if (spec == null) {
            ImageFiles.Decoded first = ImageFiles.decode(files.get(0));
            spec = ImageSpec.of(first.channels(), first.height(), first.width());
        }
        int item = spec.itemSize(), n = files.size();
        long values = ReadLimits.multiply(root.toString(), "image folder size", n, item);
        ReadLimits.atMost(root.toString(), "pixel count of all images", values, ReadLimits.MAX_ARRAY_LENGTH);
        ReadLimits.fitsHeap(root.toString(), n + " images of " + spec.height() + "x" + spec.width(), values);
        // Kept as bytes while every decoded value is some v / 255f; an image whose values are not (resized,
        // converted to grey, 16-bit) is held apart as float32, and then the whole set is stored as float32.
        byte[] bytes = new byte[(int) values];
        float[][] inexact = new float[n][];
        IOException[] errors = new IOException[n];
        final ImageSpec s = spec;
        Parallel.forChunks(n, 8, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                try {
                    float[] image = ImageFiles.read(files.get(i), s);
                    if (!toBytes(image, bytes, i * item)) inexact[i] = image;
                } catch (IOException e) {
                    errors[i] = e;
                } catch (RuntimeException e) {
                    errors[i] = new FormatException(files.get(i), "could not be decoded: " + e, e);
                }
            }
        });
        for (IOException e : errors) if (e != null) throw e;    // the first failing file, in order
        PixelStore pixels = new PixelStore.Bytes(bytes);
        if (Arrays.stream(inexact).anyMatch(Objects::nonNull)) {
            ReadLimits.fitsHeap(root.toString(), n + " images of " + spec.height() + "x" + spec.width()
                    + " as float32", 4 * values);
            float[] floats = new float[(int) values];
            for (int i = 0; i < n; i++) {
                if (inexact[i] != null) System.arraycopy(inexact[i], 0, floats, i * item, item);
                else pixels.copy(i * item, floats, i * item, item);
            }
            pixels = new PixelStore.Floats(floats);
        }
        return new Dataset(name, pixels, labels, spec.channels(), spec.height(), spec.width(), names);
    }

    /** Writes {@code image} to {@code dst} at {@code offset} as the bytes it was decoded from; false if it was not. */
    private static boolean toBytes(float[] image, byte[] dst, int offset) {
        for (int k = 0; k < image.length; k++) {
            int b = PixelStore.exactByte(image[k]);
            if (b < 0) return false;
            dst[offset + k] = (byte) b;
        }
        return true;
    }
}
