package org.conv4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conv4j.model.Normalization;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;

/**
 * A labelled image set held in memory: images {@code [N, C, H, W]} with pixels in [0, 1], one int label
 * per image in {@code [0, classes)}, and the class names.
 *
 * <p>Pixels from 8-bit sources are kept as bytes (a quarter of the memory of float32) and read out as
 * {@code v / 255f} when an image is copied; other data is kept as float32 (see {@link PixelStore}). Both
 * give the same floats for the same image, so which one holds a dataset never changes a result.
 *
 * <p>Immutable and safe to share between threads. {@link #subset} and {@link #split} return views that
 * share the pixel storage, so a validation split costs no copy. Normalisation and augmentation are not
 * applied here but per batch by a {@link DataLoader}, as torchvision's transforms do.
 */
public final class Dataset {
    private final String name;
    private final PixelStore pixels;   // [M, C, H, W] storage shared by views
    private final int[] labels;        // [M]
    private final int[] rows;          // [N] storage rows of this view, or null for all M in order
    private final int channels, height, width;
    private final List<String> classNames;

    /**
     * A dataset of float32 pixels.
     *
     * @param name       where the data came from, shown in messages (e.g. "Fashion-MNIST train")
     * @param pixels     [N, C, H, W] values in [0, 1]; not copied
     * @param labels     [N] class indices; not copied
     * @param channels   C, at least 1
     * @param height     H, at least 1
     * @param width      W, at least 1
     * @param classNames one name per class; labels must be below its size
     */
    public Dataset(String name, float[] pixels, int[] labels, int channels, int height, int width,
                   List<String> classNames) {
        this(name, new PixelStore.Floats(pixels), labels, channels, height, width, classNames);
    }

    /**
     * A dataset of 8-bit pixels, each byte {@code v} (unsigned) read as the float32 {@code v / 255f}.
     *
     * @param name       where the data came from, shown in messages
     * @param pixels     [N, C, H, W] unsigned bytes; not copied
     * @param labels     [N] class indices; not copied
     * @param channels   C, at least 1
     * @param height     H, at least 1
     * @param width      W, at least 1
     * @param classNames one name per class; labels must be below its size
     * @see #Dataset(String, float[], int[], int, int, int, List)
     */
    public Dataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                   List<String> classNames) {
        this(name, new PixelStore.Bytes(pixels), labels, channels, height, width, classNames);
    }

    /**
     * A dataset from images in arrays, one {@code float[C*H*W]} per image (channel-major, as
     * {@code [C, H, W]} flattened), with classes named by their index: "0" up to the largest label.
     * The pixels are copied; the arrays may be reused afterwards.
     *
     * @param images [N][C*H*W] pixel values in [0, 1]
     * @param labels [N] class indices, each at least 0
     * @param shape  {@code [C, H, W]} of one image
     * @return the dataset
     * @throws IllegalArgumentException naming the image or label at fault if the counts differ, an image has the
     *                                  wrong length, a pixel is outside [0, 1] or a label is negative
     */
    public static Dataset of(float[][] images, int[] labels, int[] shape) {
        return of(images, labels, shape, indexNames(labels));
    }

    /**
     * As {@link #of(float[][], int[], int[])} with the classes' names.
     *
     * @param images     [N][C*H*W] pixel values in [0, 1]; copied
     * @param labels     [N] class indices
     * @param shape      {@code [C, H, W]} of one image
     * @param classNames one name per class; every label must be below its size
     * @return the dataset
     * @throws IllegalArgumentException naming what is wrong, as {@link #of(float[][], int[], int[])}
     */
    public static Dataset of(float[][] images, int[] labels, int[] shape, List<String> classNames) {
        final String where = "Dataset.of";
        if (images == null || labels == null || shape == null) throw new IllegalArgumentException(where + ": images, labels and shape must not be null");
        if (shape.length != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1) {
            throw new IllegalArgumentException(where + ": shape must be [C, H, W] with positive sizes, got " + Arrays.toString(shape));
        }
        checkCounts(where, images.length, labels.length);
        long item = (long) shape[0] * shape[1] * shape[2];
        if (item * images.length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(where + ": " + images.length + " images of " + Arrays.toString(shape)
                    + " are more values than one float array holds");
        }
        float[] pixels = new float[(int) (item * images.length)];
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null) throw new IllegalArgumentException(where + ": image " + i + " is null");
            if (images[i].length != item) {
                throw new IllegalArgumentException(where + ": image " + i + " has " + images[i].length + " values, but shape "
                        + Arrays.toString(shape) + " needs " + item);
            }
            System.arraycopy(images[i], 0, pixels, (int) (i * item), (int) item);
        }
        return checked(where, pixels, labels.clone(), shape, classNames);
    }

    /**
     * A dataset from a tensor of images {@code [N, C, H, W]} with classes named by their index: "0" up to
     * the largest label. The pixels are copied.
     *
     * @param images [N, C, H, W] pixel values in [0, 1]
     * @param labels [N] class indices, each at least 0
     * @return the dataset
     * @throws IllegalArgumentException naming what is wrong, as {@link #of(float[][], int[], int[])}
     */
    public static Dataset of(Tensor images, int[] labels) {
        return of(images, labels, indexNames(labels));
    }

    /**
     * As {@link #of(Tensor, int[])} with the classes' names.
     *
     * @param images     [N, C, H, W] pixel values in [0, 1]; copied
     * @param labels     [N] class indices
     * @param classNames one name per class; every label must be below its size
     * @return the dataset
     * @throws IllegalArgumentException naming what is wrong, as {@link #of(float[][], int[], int[])}
     */
    public static Dataset of(Tensor images, int[] labels, List<String> classNames) {
        final String where = "Dataset.of";
        if (images == null || labels == null) throw new IllegalArgumentException(where + ": images and labels must not be null");
        if (images.rank() != 4) {
            throw new IllegalArgumentException(where + ": images must be a tensor [N, C, H, W], got " + Arrays.toString(images.shape()));
        }
        checkCounts(where, images.dim(0), labels.length);
        return checked(where, images.data().clone(), labels.clone(), new int[] {images.dim(1), images.dim(2), images.dim(3)}, classNames);
    }

    private static void checkCounts(String where, int images, int labels) {
        if (images != labels) throw new IllegalArgumentException(where + ": " + images + " images but " + labels + " labels; give one label per image");
        if (images == 0) throw new IllegalArgumentException(where + ": no images");
    }

    /** Names "0", "1", ... up to the largest label (negative labels are left for {@link #checked} to report). */
    private static List<String> indexNames(int[] labels) {
        if (labels == null) return List.of();
        int max = 0;
        for (int y : labels) max = Math.max(max, y);
        List<String> names = new ArrayList<>(max + 1);
        for (int c = 0; c <= max; c++) names.add(Integer.toString(c));
        return names;
    }

    /** Pixels and labels that the public factories copied, checked with messages naming the image at fault. */
    private static Dataset checked(String where, float[] pixels, int[] labels, int[] shape, List<String> classNames) {
        if (classNames == null || classNames.isEmpty()) throw new IllegalArgumentException(where + ": no class names");
        int item = shape[0] * shape[1] * shape[2];
        for (int k = 0; k < pixels.length; k++) {
            float v = pixels[k];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException(where + ": image " + k / item + " has value " + v + " at index " + k % item
                        + "; pixels must be in [0, 1] (scale 8-bit values by 1/255; a model's spec applies the normalisation)");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(where + ": label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1) + (labels[i] < 0 ? "" : " (" + classNames.size() + " class names)"));
            }
        }
        return new Dataset("in-memory images", pixels, labels, shape[0], shape[1], shape[2], classNames);
    }

    /** Either store, checked as the public constructors check it; for loaders that choose the store per set. */
    Dataset(String name, PixelStore pixels, int[] labels, int channels, int height, int width,
            List<String> classNames) {
        this(name, pixels, labels, null, channels, height, width, List.copyOf(classNames));
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(name + ": image shape [" + channels + ", " + height + ", " + width
                    + "] must be positive");
        }
        if ((long) labels.length * channels * height * width != pixels.length()) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels of [" + channels + ", " + height
                    + ", " + width + "] need " + (long) labels.length * channels * height * width
                    + " pixel values, got " + pixels.length());
        }
        if (classNames.isEmpty()) throw new IllegalArgumentException(name + ": no class names");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " is outside 0.." + (classNames.size() - 1));
            }
        }
    }

    private Dataset(String name, PixelStore pixels, int[] labels, int[] rows, int channels, int height, int width,
                    List<String> classNames) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
    }

    /** {@return the dataset's name, as shown in logs and reports} */
    public String name() { return name; }

    /** {@return the number of images N} */
    public int size() { return rows == null ? labels.length : rows.length; }

    /** {@return the channel count C of every image} */
    public int channels() { return channels; }

    /** {@return the image height H in pixels} */
    public int height() { return height; }

    /** {@return the image width W in pixels} */
    public int width() { return width; }

    /** {@return the shape of one image, {@code [C, H, W]}, as a model's input shape} */
    public int[] itemShape() { return new int[] {channels, height, width}; }

    /** {@return the number of values in one image, C * H * W} */
    public int itemSize() { return channels * height * width; }

    /** {@return the number of classes, the size of {@link #classNames()}} */
    public int numClasses() { return classNames.size(); }

    /** {@return the class names, indexed by label} */
    public List<String> classNames() { return classNames; }

    /**
     * {@return the class index of image {@code i}}
     *
     * @param i 0-based image index, in 0..N-1
     */
    public int label(int i) { return labels[row(i)]; }

    /** {@return a copy of all N labels, in order} */
    public int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) out[i] = label(i);
        return out;
    }

    /**
     * Copies image {@code i} ([C, H, W], values in [0, 1]) as float32 into {@code dst} at {@code offset}.
     *
     * @param i      0-based image index
     * @param dst    receives C * H * W values
     * @param offset where in {@code dst} the image starts
     */
    public void copyImage(int i, float[] dst, int offset) {
        int n = itemSize();
        pixels.copy(row(i) * n, dst, offset, n);
    }

    /** {@return the memory per pixel value of the storage: 1 for 8-bit pixels kept as bytes, 4 for float32} */
    public int bytesPerValue() { return pixels.bytesPerValue(); }

    /**
     * {@return image {@code i} as a new {@code [C, H, W]} tensor}
     *
     * @param i 0-based image index
     */
    public Tensor image(int i) {
        Tensor t = new Tensor(channels, height, width);
        copyImage(i, t.data(), 0);
        return t;
    }

    /** {@return all images as a new {@code [N, C, H, W]} tensor} */
    public Tensor images() {
        Tensor t = new Tensor(size(), channels, height, width);
        for (int i = 0, n = itemSize(); i < size(); i++) copyImage(i, t.data(), i * n);
        return t;
    }

    /** {@return the number of images per class, indexed by label} */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0; i < size(); i++) counts[label(i)]++;
        return counts;
    }

    /**
     * {@return a view of the images at {@code indices} (in that order), sharing pixel storage}
     *
     * @param indices    0-based indices into this dataset; may repeat
     * @param subsetName the view's name
     * @throws IndexOutOfBoundsException if an index is outside 0..N-1
     */
    public Dataset subset(int[] indices, String subsetName) {
        int[] r = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new IndexOutOfBoundsException(name + ": index " + i + " outside 0.." + (size() - 1));
            }
            r[k] = row(i);
        }
        return new Dataset(subsetName, pixels, labels, r, channels, height, width, classNames);
    }

    /**
     * {@return the same images under other class names, e.g. names read from a classes.txt}
     *
     * @param names one per class, as many as this dataset has
     * @throws IllegalArgumentException if the count differs
     */
    public Dataset withClassNames(List<String> names) {
        if (names.size() != classNames.size()) {
            throw new IllegalArgumentException(name + ": " + names.size() + " class names given for "
                    + classNames.size() + " classes");
        }
        return new Dataset(name, pixels, labels, rows, channels, height, width, List.copyOf(names));
    }

    /**
     * A training set and the validation set held out of it.
     *
     * @param train      the images kept for training
     * @param validation the images held out
     */
    public record Split(Dataset train, Dataset validation) {}

    /**
     * Holds out {@code round(fraction * N)} images, chosen by a seeded shuffle, as a validation set
     * (like torch.utils.data.random_split). The same seed always gives the same split; both parts keep
     * the original order of their images.
     *
     * @param validationFraction the fraction held out, in (0, 1)
     * @param seed               seeds the shuffle
     * @return the two parts
     * @throws IllegalArgumentException if the fraction is outside (0, 1) or leaves a part empty
     */
    public Split split(double validationFraction, long seed) {
        int[][] parts = splitIndices(size(), validationFraction, seed, name);
        return new Split(subset(parts[0], name + " (train part)"), subset(parts[1], name + " (validation part)"));
    }

    /**
     * The image numbers of {@link #split}'s two parts for a data set of {@code n} images, for callers that hold
     * the images elsewhere (a Spark DataFrame's rows): {train, validation}, each in ascending order.
     *
     * @param n                  the number of images
     * @param validationFraction the fraction held out, in (0, 1)
     * @param seed               seeds the shuffle
     * @param name               names the data in the error message
     * @return {train indices, validation indices}
     * @throws IllegalArgumentException if the fraction is outside (0, 1) or leaves a part empty
     */
    public static int[][] splitIndices(int n, double validationFraction, long seed, String name) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
        }
        int nVal = (int) Math.round(validationFraction * n);
        if (nVal < 1 || nVal >= n) {
            throw new IllegalArgumentException(name + ": a validation fraction of " + validationFraction + " of "
                    + n + " images leaves an empty part");
        }
        int[] perm = identity(n);
        new Rng(seed).shuffle(perm);
        int[] val = Arrays.copyOfRange(perm, 0, nVal);
        int[] train = Arrays.copyOfRange(perm, nVal, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new int[][] {train, val};
    }

    /**
     * The first {@code perClass} images of each class in a seeded random order: a class-balanced subset.
     *
     * @param perClass images taken from each class
     * @param seed     seeds the order
     * @return the subset, {@code perClass} images per class
     * @throws IllegalArgumentException if a class has fewer than {@code perClass} images
     */
    public Dataset balancedSubset(int perClass, long seed) {
        int[] perm = identity(size());
        new Rng(seed).shuffle(perm);
        int[] taken = new int[numClasses()];
        List<Integer> chosen = new ArrayList<>();
        for (int i : perm) {
            int y = label(i);
            if (taken[y] < perClass) { taken[y]++; chosen.add(i); }
        }
        for (int y = 0; y < taken.length; y++) {
            if (taken[y] < perClass) {
                throw new IllegalArgumentException(name + ": class " + classNames.get(y) + " has only " + taken[y]
                        + " images, " + perClass + " wanted");
            }
        }
        int[] idx = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
        return subset(idx, name + " (" + perClass + " per class)");
    }

    private int row(int i) { return rows == null ? i : rows[i]; }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of [" + channels + ", " + height + ", " + width + "], "
                + numClasses() + " classes";
    }

    /**
     * This dataset's mean and (population) std per channel, accumulated in double: the normalisation that
     * centres and scales it, as torchvision users compute by hand.
     *
     * @return the per-channel normalisation
     */
    public Normalization channelNormalization() {
        int c = channels(), hw = height() * width();
        double[] sum = new double[c], sumSq = new double[c];
        float[] img = new float[itemSize()];
        for (int i = 0; i < size(); i++) {
            copyImage(i, img, 0);
            for (int ch = 0; ch < c; ch++) {
                double s = 0, s2 = 0;
                for (int k = ch * hw, end = k + hw; k < end; k++) { s += img[k]; s2 += (double) img[k] * img[k]; }
                sum[ch] += s;
                sumSq[ch] += s2;
            }
        }
        float[] mean = new float[c], std = new float[c];
        double count = (double) size() * hw;
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / count;
            mean[ch] = (float) m;
            std[ch] = (float) Math.max(Math.sqrt(Math.max(sumSq[ch] / count - m * m, 0)), 1e-6);
        }
        return new Normalization(mean, std);
    }
}
