package org.conv4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conv4j.io.FormatException;
import org.conv4j.io.ReadLimits;

/**
 * CIFAR-10 and CIFAR-100 "binary version" batches.
 *
 * <p>A CIFAR-10 record is 1 label byte then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32
 * row-major); files {@code data_batch_1.bin .. data_batch_5.bin} and {@code test_batch.bin}, class names
 * in {@code batches.meta.txt}. A CIFAR-100 record is a coarse and a fine label byte then the same 3072
 * bytes; files {@code train.bin} and {@code test.bin}, names in {@code fine_label_names.txt}.
 *
 * <p>A file's length must be a whole number of records: the record count is proven by the length before
 * anything is allocated, and a label outside the class range is reported with the file and record.
 */
public final class Cifar {
    private Cifar() {}

    /** Image side (32), channels (3, RGB) and values per image (3 * 32 * 32). */
    public static final int SIDE = 32, CHANNELS = 3, PIXELS = CHANNELS * SIDE * SIDE;

    /** Which CIFAR-100 label to use. */
    public enum Labels {
        /** The 100 fine classes. */
        FINE,
        /** The 20 coarse superclasses. */
        COARSE
    }

    /** One decoded batch file: [N, 3, 32, 32] pixel bytes and N labels. */
    record Part(byte[] pixels, int[] labels) {}

    /**
     * Reads one batch file.
     *
     * @param labelBytes 1 for CIFAR-10, 2 for CIFAR-100
     * @param labelIndex which of the label bytes is the label (CIFAR-100: 0 coarse, 1 fine)
     * @param classes    labels must be below this
     */
    static Part readBatch(Path file, int labelBytes, int labelIndex, int classes) throws IOException {
        try (DataFiles.Opened o = DataFiles.open(file)) {
            return readBatch(o, labelBytes, labelIndex, classes);
        }
    }

    /**
     * Checks one batch file held in memory by reading it.
     *
     * @param data     the file's bytes
     * @param source   names the file in errors
     * @param cifar100 true for CIFAR-100's record layout (two label bytes), false for CIFAR-10's
     * @throws IOException a {@link FormatException} naming the source and record if the batch is malformed
     */
    public static void checkBatch(byte[] data, String source, boolean cifar100) throws IOException {
        readBatch(DataFiles.wrap(new java.io.ByteArrayInputStream(data), source, data.length),
                cifar100 ? 2 : 1, cifar100 ? 1 : 0, cifar100 ? 100 : 10);
    }

    private static Part readBatch(DataFiles.Opened o, int labelBytes, int labelIndex, int classes) throws IOException {
        int record = labelBytes + PIXELS;
        String file = o.source();
        if (o.gzip()) throw new FormatException(file, "is gzip-compressed; CIFAR batches are read uncompressed (gunzip it first)");
        long length = o.fileLength();
        if (length == 0 || length % record != 0) {
            throw new FormatException(file, "is " + length + " bytes, not a whole number of " + record
                    + "-byte CIFAR records (" + labelBytes + " label byte" + (labelBytes > 1 ? "s" : "")
                    + " + 3072 pixels)");
        }
        long n = length / record;
        ReadLimits.atMost(file, "record count", n, ReadLimits.MAX_ITEMS);
        long values = ReadLimits.multiply(file, "pixel count", n, PIXELS);
        ReadLimits.atMost(file, "pixel count", values, ReadLimits.MAX_ARRAY_LENGTH);
        ReadLimits.fitsHeap(file, n + " CIFAR images", values);
        byte[] pixels = new byte[(int) values];
        int[] labels = new int[(int) n];
        byte[] rec = new byte[record];
        for (int i = 0; i < n; i++) {
            DataFiles.readFully(o, rec, "record " + i);
            int y = rec[labelIndex] & 0xff;
            if (y >= classes) {
                throw new FormatException(file, "record " + i + " has label " + y + ", outside 0.." + (classes - 1));
            }
            labels[i] = y;
            int base = i * PIXELS;
            System.arraycopy(rec, labelBytes, pixels, base, PIXELS);
        }
        DataFiles.expectEnd(o, "last record");
        return new Part(pixels, labels);
    }

    /** A dataset from one or more batch files, concatenated in the given order. */
    static Dataset readAll(List<Path> files, int labelBytes, int labelIndex, List<String> classNames, String name)
            throws IOException {
        List<Part> parts = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            Part p = readBatch(f, labelBytes, labelIndex, classNames.size());
            parts.add(p);
            total += p.labels().length;
        }
        ReadLimits.atMost(name, "image count", total, ReadLimits.MAX_ARRAY_LENGTH / PIXELS);
        if (parts.size() == 1) {
            return new Dataset(name, parts.get(0).pixels(), parts.get(0).labels(), CHANNELS, SIDE, SIDE, classNames);
        }
        ReadLimits.fitsHeap(name, total + " CIFAR images", total * PIXELS);
        byte[] pixels = new byte[(int) total * PIXELS];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Part p : parts) {
            System.arraycopy(p.pixels(), 0, pixels, at * PIXELS, p.pixels().length);
            System.arraycopy(p.labels(), 0, labels, at, p.labels().length);
            at += p.labels().length;
        }
        return new Dataset(name, pixels, labels, CHANNELS, SIDE, SIDE, classNames);
    }

    private static final Pattern DATA_BATCH = Pattern.compile("data_batch_(\\d{1,3})\\.bin");

    /** The folder holding the batches: {@code dir} itself or its standard subfolder. */
    private static Path batchDir(Path dir, String sub, String probe) {
        if (Files.isRegularFile(dir.resolve(probe))) return dir;
        Path s = dir.resolve(sub);
        return Files.isRegularFile(s.resolve(probe)) ? s : null;
    }

    /**
     * {@return true if {@code dir}, or its {@code cifar-10-batches-bin} subdirectory, holds CIFAR-10's
     * {@code test_batch.bin}}
     *
     * @param dir the directory to probe
     */
    public static boolean isCifar10Dir(Path dir) { return batchDir(dir, "cifar-10-batches-bin", "test_batch.bin") != null; }

    /**
     * {@return true if {@code dir}, or its {@code cifar-100-binary} subdirectory, holds CIFAR-100's
     * {@code test.bin} and {@code train.bin}}
     *
     * @param dir the directory to probe
     */
    public static boolean isCifar100Dir(Path dir) { return batchDir(dir, "cifar-100-binary", "test.bin") != null
            && Files.isRegularFile(batchDir(dir, "cifar-100-binary", "test.bin").resolve("train.bin")); }

    /**
     * Reads CIFAR-10 from {@code dir} or {@code dir/cifar-10-batches-bin}: every data_batch_N.bin (by N), and
     * test_batch.bin.
     *
     * @param dir the directory
     * @return the training and test sets, classes named by batches.meta.txt if present
     * @throws IOException on a read error, or a {@link FormatException} naming the file if the batches are missing or
     *                    malformed
     */
    public static TrainTest load10(Path dir) throws IOException {
        Path d = batchDir(dir, "cifar-10-batches-bin", "test_batch.bin");
        if (d == null) throw new FormatException(dir, "holds no CIFAR-10 binary batches (test_batch.bin not found)");
        List<Path> train = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        try (var s = Files.list(d)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = DATA_BATCH.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) { train.add(p); numbers.add(Integer.parseInt(m.group(1))); }
            }
        }
        if (train.isEmpty()) throw new FormatException(d, "holds test_batch.bin but no data_batch_N.bin");
        List<Path> sorted = new ArrayList<>(train);
        sorted.sort((a, b) -> Integer.compare(numbers.get(train.indexOf(a)), numbers.get(train.indexOf(b))));
        List<String> names = namesFile(d.resolve("batches.meta.txt"), ClassNames.CIFAR10);
        return new TrainTest(readAll(sorted, 1, 0, names, "CIFAR-10 train"),
                readAll(List.of(d.resolve("test_batch.bin")), 1, 0, names, "CIFAR-10 test"), "CIFAR-10 from " + d);
    }

    /**
     * Reads CIFAR-100 from {@code dir} or {@code dir/cifar-100-binary}: train.bin and test.bin.
     *
     * @param dir   the directory
     * @param which the fine (100) or coarse (20) labels
     * @return the training and test sets
     * @throws IOException on a read error, or a {@link FormatException} naming the file if the batches are missing or
     *                    malformed
     */
    public static TrainTest load100(Path dir, Labels which) throws IOException {
        Path d = batchDir(dir, "cifar-100-binary", "test.bin");
        if (d == null) throw new FormatException(dir, "holds no CIFAR-100 binary batches (test.bin not found)");
        boolean fine = which == Labels.FINE;
        List<String> names = fine ? namesFile(d.resolve("fine_label_names.txt"), ClassNames.CIFAR100)
                : namesFile(d.resolve("coarse_label_names.txt"), ClassNames.CIFAR100_COARSE);
        String n = "CIFAR-100" + (fine ? "" : " (coarse)");
        return new TrainTest(readAll(List.of(d.resolve("train.bin")), 2, fine ? 1 : 0, names, n + " train"),
                readAll(List.of(d.resolve("test.bin")), 2, fine ? 1 : 0, names, n + " test"), n + " from " + d);
    }

    /** Names from a CIFAR meta text file if present; it must name exactly as many classes as the defaults. */
    private static List<String> namesFile(Path file, List<String> defaults) throws IOException {
        if (!Files.isRegularFile(file)) return defaults;
        List<String> names = ClassNames.readLines(file);
        if (names.size() != defaults.size()) {
            throw new FormatException(file, "names " + names.size() + " classes; expected " + defaults.size());
        }
        return List.copyOf(names);
    }
}
