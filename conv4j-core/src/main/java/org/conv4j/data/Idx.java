package org.conv4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conv4j.io.FormatException;
import org.conv4j.io.ReadLimits;

/**
 * IDX files, the format of MNIST, Fashion-MNIST, EMNIST and KMNIST, raw or gzipped (detected by content,
 * not by name).
 *
 * <p>An IDX file is a 4-byte magic {@code 0 0 type rank}, then {@code rank} big-endian int32 dimensions,
 * then the data. conv4j reads unsigned-byte data ({@code type 0x08}): images of rank 3 {@code [N, H, W]}
 * and labels of rank 1 {@code [N]}. Every declared size is checked, overflow-safe, against
 * {@link ReadLimits} and against what the file can hold before anything is allocated; a malformed file
 * gets a {@link FormatException} naming it.
 *
 * <p>A directory holds a train and a test set under the standard names
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}
 * and {@code t10k-labels-idx1-ubyte[.gz]}, optionally with a prefix (EMNIST: {@code emnist-balanced-train-...},
 * {@code emnist-balanced-test-...}). EMNIST images are stored transposed; they are turned upright on load.
 */
public final class Idx {
    private Idx() {}

    static final int TYPE_UBYTE = 0x08;

    /**
     * Images as [N, H, W] unsigned bytes.
     *
     * @param count  N
     * @param height H
     * @param width  W
     * @param pixels [N, H, W] unsigned bytes
     */
    public record Images(int count, int height, int width, byte[] pixels) {}

    /**
     * Reads an idx3 unsigned-byte image file (raw or gzip).
     *
     * @param file the file
     * @return the images
     * @throws IOException on a read error, or a {@link FormatException} naming the file if it is malformed
     */
    public static Images readImages(Path file) throws IOException {
        try (DataFiles.Opened o = DataFiles.open(file)) {
            return readImages(o);
        }
    }

    /**
     * Reads an idx1 unsigned-byte label file (raw or gzip).
     *
     * @param file the file
     * @return the N labels, each in 0..255
     * @throws IOException on a read error, or a {@link FormatException} naming the file if it is malformed
     */
    public static int[] readLabels(Path file) throws IOException {
        try (DataFiles.Opened o = DataFiles.open(file)) {
            return readLabels(o);
        }
    }

    /**
     * Reads an idx3 unsigned-byte image file from a stream (raw or gzip).
     *
     * @param in     the stream; not closed
     * @param source the file name used in error messages
     * @param length the stream's size in bytes, or -1 if unknown
     * @return the images
     * @throws IOException on a read error, or a {@link FormatException} naming the file if it is malformed
     */
    public static Images readImages(InputStream in, String source, long length) throws IOException {
        return readImages(DataFiles.wrap(in, source, length));
    }

    /**
     * Reads an idx1 unsigned-byte label file from a stream (raw or gzip).
     *
     * @param in     the stream; not closed
     * @param source the file name used in error messages
     * @param length the stream's size in bytes, or -1 if unknown
     * @return the N labels, each in 0..255
     * @throws IOException on a read error, or a {@link org.conv4j.io.FormatException} if the header, count or
     *                     length is malformed
     */
    public static int[] readLabels(InputStream in, String source, long length) throws IOException {
        return readLabels(DataFiles.wrap(in, source, length));
    }

    private static Images readImages(DataFiles.Opened o) throws IOException {
        int[] dims = readHeader(o, 3, "images [N, H, W]");
        int n = dims[0], h = dims[1], w = dims[2];
        ReadLimits.atMost(o.source(), "image count", n, ReadLimits.MAX_ITEMS);
        ReadLimits.atMost(o.source(), "image height", h, ReadLimits.MAX_IMAGE_SIDE);
        ReadLimits.atMost(o.source(), "image width", w, ReadLimits.MAX_IMAGE_SIDE);
        if (n == 0 || h == 0 || w == 0) {
            throw new FormatException(o.source(), "declares an empty image set [" + n + ", " + h + ", " + w + "]");
        }
        long bytes = ReadLimits.product(o.source(), "image data size", n, h, w);
        // The set is kept as bytes (twice for EMNIST's transposition): check the heap before reading anything more.
        ReadLimits.atMost(o.source(), "pixel count", bytes, ReadLimits.MAX_ARRAY_LENGTH);
        ReadLimits.fitsHeap(o.source(), n + " images of " + h + "x" + w, 2 * bytes);
        byte[] pixels = DataFiles.readPayload(o, 16, bytes, n + " images of " + h + "x" + w);
        DataFiles.expectEnd(o, "image data");
        return new Images(n, h, w, pixels);
    }

    private static int[] readLabels(DataFiles.Opened o) throws IOException {
        int[] dims = readHeader(o, 1, "labels [N]");
        int n = dims[0];
        ReadLimits.atMost(o.source(), "label count", n, ReadLimits.MAX_ITEMS);
        if (n == 0) throw new FormatException(o.source(), "declares no labels");
        byte[] raw = DataFiles.readPayload(o, 8, n, n + " labels");
        DataFiles.expectEnd(o, "labels");
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = raw[i] & 0xff;
        return labels;
    }

    /** Reads and checks the magic and the dimensions; returns them. */
    private static int[] readHeader(DataFiles.Opened o, int rank, String expected) throws IOException {
        byte[] magic = new byte[4];
        DataFiles.readFully(o, magic, "IDX magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new FormatException(o.source(), String.format(Locale.ROOT,
                    "is not an IDX file (magic %02x %02x %02x %02x, expected 00 00 08 0%d)",
                    magic[0], magic[1], magic[2], magic[3], rank));
        }
        int type = magic[2] & 0xff, fileRank = magic[3] & 0xff;
        if (type != TYPE_UBYTE) {
            throw new FormatException(o.source(), String.format(Locale.ROOT,
                    "has IDX data type 0x%02x; conv4j reads unsigned bytes (0x08)", type));
        }
        if (fileRank != rank) {
            throw new FormatException(o.source(), "has " + fileRank + " dimensions; expected " + rank + " for " + expected);
        }
        byte[] d = new byte[4 * rank];
        DataFiles.readFully(o, d, "IDX dimensions");
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = DataFiles.bigEndianInt(d, 4 * i);
            if (dims[i] < 0) {
                throw new FormatException(o.source(), "dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                        + ", beyond any limit");
            }
        }
        return dims;
    }

    /**
     * Builds a dataset from an image file and a label file.
     *
     * @param images     the idx3 image file
     * @param labels     the idx1 label file
     * @param name       the dataset's name
     * @param classNames names for labels 0..K-1; labels beyond get an error naming the file
     * @param transpose  true for EMNIST, whose images are stored transposed
     * @return the dataset, [N, 1, H, W]
     * @throws IOException on a read error, or a {@link FormatException} naming the file if a file is malformed or
     *                     the counts differ
     */
    public static Dataset load(Path images, Path labels, String name, List<String> classNames, boolean transpose)
            throws IOException {
        Images im = readImages(images);
        int[] y = readLabels(labels);
        if (y.length != im.count()) {
            throw new FormatException(labels, "has " + y.length + " labels but " + images.getFileName() + " has "
                    + im.count() + " images");
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= classNames.size()) {
                throw new FormatException(labels, "label " + y[i] + " of item " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size() + " classes)");
            }
        }
        return new Dataset(name, upright(im, transpose), y, 1, im.height(), im.width(), classNames);
    }

    /** Pixels [N, H, W] as stored, or with each image transposed (EMNIST); the bytes are not copied otherwise. */
    static byte[] upright(Images im, boolean transpose) {
        if (!transpose) return im.pixels();
        int n = im.count(), h = im.height(), w = im.width(), hw = h * w;
        byte[] src = im.pixels();
        byte[] dst = new byte[src.length];
        for (int i = 0; i < n; i++) {
            int base = i * hw;
            // stored [W, H] for EMNIST: dst[y][x] = src[x][y]; square images in practice
            for (int yy = 0; yy < h; yy++)
                for (int xx = 0; xx < w; xx++) dst[base + yy * w + xx] = src[base + xx * h + yy];
        }
        return dst;
    }

    /**
     * The four files of one IDX train/test set in a directory.
     *
     * @param prefix      the set's file-name prefix ("" for MNIST's, "emnist-balanced-")
     * @param trainImages the training images
     * @param trainLabels the training labels
     * @param testImages  the test images
     * @param testLabels  the test labels
     */
    public record DirFiles(String prefix, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {}

    private static final Pattern NAME = Pattern.compile(
            "(.*?)(train|t10k|test)-(images|labels)[-.](idx[13])-ubyte(\\.gz)?");

    /**
     * Finds the IDX set in {@code dir}. With several sets (EMNIST's splits), {@code prefix} picks one,
     * e.g. "emnist-balanced-"; null accepts a directory with exactly one set.
     *
     * @param dir    the directory
     * @param prefix the set's prefix, or null
     * @return the set's files
     * @throws IOException on a read error, or a {@link FormatException} if no set, or several and no prefix, is found
     */
    public static DirFiles find(Path dir, String prefix) throws IOException {
        Map<String, Path[]> sets = new TreeMap<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) continue;
                boolean images = m.group(3).equals("images");
                if (images != m.group(4).equals("idx3")) continue;
                int slot = (m.group(2).equals("train") ? 0 : 2) + (images ? 0 : 1);
                Path[] files = sets.computeIfAbsent(m.group(1), k -> new Path[4]);
                // prefer the gzipped one only if no raw file of the same set exists
                if (files[slot] == null || m.group(5) == null) files[slot] = p;
            }
        }
        if (prefix != null) sets.keySet().retainAll(List.of(prefix));
        List<String> complete = new ArrayList<>();
        for (var e : sets.entrySet()) {
            Path[] f = e.getValue();
            if (f[0] != null && f[1] != null && f[2] != null && f[3] != null) complete.add(e.getKey());
        }
        if (complete.isEmpty()) {
            throw new FormatException(dir, "holds no complete IDX set: expected "
                    + (prefix == null ? "" : prefix) + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                    + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not)");
        }
        if (complete.size() > 1) {
            throw new FormatException(dir, "holds several IDX sets " + complete + "; choose one by its prefix");
        }
        String p = complete.get(0);
        Path[] f = sets.get(p);
        return new DirFiles(p, f[0], f[1], f[2], f[3]);
    }

    /**
     * {@return true if {@code dir} holds at least one complete IDX train/test set}
     *
     * @param dir the directory to probe
     */
    public static boolean isIdxDir(Path dir) {
        try {
            find(dir, null);
            return true;
        } catch (FormatException e) {
            return e.getMessage().contains("several IDX sets");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Loads train and test sets from a directory (see the class comment). Class names come from a
     * {@code classes.txt} (one per line) or an EMNIST mapping file if present, else from the directory's
     * name: Fashion-MNIST if it contains "fashion", KMNIST if "kmnist", digits otherwise.
     *
     * @param dir    the directory
     * @param prefix picks a set as {@link #find} does, or null
     * @return the training and test sets
     * @throws IOException on a read error, or a {@link FormatException} naming the file if a file is malformed
     */
    public static TrainTest loadDir(Path dir, String prefix) throws IOException {
        DirFiles f = find(dir, prefix);
        boolean emnist = f.prefix().startsWith("emnist");
        String base = datasetName(dir, f.prefix());
        // labels first: cheap, and they decide the class count
        int maxLabel = Math.max(max(readLabels(f.trainLabels())), max(readLabels(f.testLabels())));
        List<String> names = ClassNames.forIdx(dir, f.prefix(), base, maxLabel + 1);
        Dataset train = load(f.trainImages(), f.trainLabels(), base + " train", names, emnist);
        Dataset test = load(f.testImages(), f.testLabels(), base + " test", names, emnist);
        if (train.height() != test.height() || train.width() != test.width()) {
            throw new FormatException(f.testImages(), "images are " + test.height() + "x" + test.width()
                    + " but the training images are " + train.height() + "x" + train.width());
        }
        return new TrainTest(train, test, base + " from " + dir);
    }

    private static String datasetName(Path dir, String prefix) {
        String d = (dir.toAbsolutePath().normalize() + "/" + prefix).toLowerCase(Locale.ROOT);
        if (prefix.startsWith("emnist")) return "EMNIST " + prefix.substring(6).replace("-", " ").trim();
        if (d.contains("fashion")) return "Fashion-MNIST";
        if (d.contains("kmnist")) return "KMNIST";
        if (d.contains("mnist")) return "MNIST";
        return "IDX " + (dir.getFileName() == null ? dir : dir.getFileName());
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) m = Math.max(m, v);
        return m;
    }
}
