package org.conv4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.io.FormatException;
import org.conv4j.io.ImageSpec;

/** Where datasets come from: the standard ones by name, and any supported directory by its content. */
public final class Datasets {
    private Datasets() {}

    /** Where Debian's {@code dataset-fashion-mnist} package installs the full set. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** How to get the full Fashion-MNIST, for messages. */
    public static final String FULL_SET_HINT = "for the full 60,000 + 10,000 images run "
            + "'apt-get install dataset-fashion-mnist' or pass --data DIR with the four Fashion-MNIST .gz files";

    /** Where the subset lies on the class path: in the separate artifact {@code org.conv4j:conv4j-datasets}. */
    static final String SUBSET_RESOURCE = "org/conv4j/datasets/fashion-mnist-subset/";

    /**
     * Fashion-MNIST: the full set from {@code dir} if given, else from {@link #DEBIAN_FASHION_MNIST} if
     * installed, else the balanced subset that ships in the {@code conv4j-datasets} artifact (6,000 training
     * and 1,000 test images, 600 and 100 per class) when that artifact is on the class path. {@link TrainTest#source} says which was used, and for the subset how to
     * get the full set.
     *
     * @param dir the directory of the IDX files, or null to look elsewhere
     * @return the training and test sets
     * @throws IOException on a read error, a {@link org.conv4j.io.FormatException} naming the file if one is
     *                     malformed, or when no source is available, saying how to get one
     */
    public static TrainTest fashionMnist(Path dir) throws IOException {
        if (dir != null) {
            TrainTest t = Idx.loadDir(dir, null);
            return named(t, "Fashion-MNIST", "Fashion-MNIST from " + dir);
        }
        if (Files.isDirectory(DEBIAN_FASHION_MNIST) && Idx.isIdxDir(DEBIAN_FASHION_MNIST)) {
            TrainTest t = Idx.loadDir(DEBIAN_FASHION_MNIST, null);
            return named(t, "Fashion-MNIST", "Fashion-MNIST (full set) from " + DEBIAN_FASHION_MNIST);
        }
        return shippedFashionMnist();
    }

    /**
     * Loads the train and test sets in {@code dir}, recognising its layout:
     * <ul>
     *   <li>IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST; see {@link Idx});</li>
     *   <li>CIFAR-10 ({@code data_batch_N.bin}, {@code test_batch.bin}) or CIFAR-100 ({@code train.bin},
     *       {@code test.bin}) binary batches, in {@code dir} or its standard subfolder (see {@link Cifar});</li>
     *   <li>image folders {@code dir/train/CLASS/*.png} and {@code dir/test/CLASS/*} (or {@code val}),
     *       decoded to {@code spec} (null: the first image's size; see {@link ImageFolder}).</li>
     * </ul>
     *
     * @param dir  the directory
     * @param spec the size images from folders are decoded to, or null for the first image's size
     * @return the training and test sets
     * @throws IOException on a read error, or a {@link org.conv4j.io.FormatException} naming the file if a file is
     *                     malformed or the layout is none of these
     */
    public static TrainTest load(Path dir, ImageSpec spec) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (!Files.exists(dir)) throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no such directory");
            throw new FormatException(dir, "is not a directory; --data takes a folder of IDX files, CIFAR batches or images");
        }
        if (Idx.isIdxDir(dir)) return Idx.loadDir(dir, null);
        if (Cifar.isCifar10Dir(dir)) return Cifar.load10(dir);
        if (Cifar.isCifar100Dir(dir)) return Cifar.load100(dir, Cifar.Labels.FINE);
        Path train = dir.resolve("train");
        Path test = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            Dataset tr = ImageFolder.load(train, spec, null, "images " + train);
            Dataset te = ImageFolder.load(test, ImageSpec.of(tr.itemShape()), tr.classNames(), "images " + test);
            return new TrainTest(tr, te, "image folders " + train + " and " + test);
        }
        throw new FormatException(dir, "is not a dataset conv4j recognises: expected IDX files "
                + "(train-images-idx3-ubyte.gz ...), CIFAR binary batches (data_batch_1.bin ... test_batch.bin, or "
                + "train.bin and test.bin), or image folders train/CLASS/*.png and test/CLASS/*.png");
    }

    /**
     * The balanced Fashion-MNIST subset shipped in {@code org.conv4j:conv4j-datasets}.
     *
     * @return the subset's training and test sets
     * @throws IOException naming the artifact to add when it is not on the class path
     */
    public static TrainTest shippedFashionMnist() throws IOException {
        Dataset train = shippedPart("train", "Fashion-MNIST subset train");
        Dataset test = shippedPart("t10k", "Fashion-MNIST subset test");
        return new TrainTest(train, test, "the Fashion-MNIST subset shipped with conv4j (" + train.size()
                + " training and " + test.size() + " test images, balanced); " + FULL_SET_HINT);
    }

    private static Dataset shippedPart(String split, String name) throws IOException {
        Idx.Images images;
        int[] labels;
        try (InputStream in = resource(split + "-images-idx3-ubyte.gz")) {
            images = Idx.readImages(in, "conv4j resource " + split + "-images-idx3-ubyte.gz", -1);
        }
        try (InputStream in = resource(split + "-labels-idx1-ubyte.gz")) {
            labels = Idx.readLabels(in, "conv4j resource " + split + "-labels-idx1-ubyte.gz", -1);
        }
        if (labels.length != images.count()) {
            throw new FormatException("conv4j resource " + split, labels.length + " labels for " + images.count() + " images");
        }
        return new Dataset(name, images.pixels(), labels, 1, images.height(), images.width(),
                ClassNames.FASHION_MNIST);
    }

    private static InputStream resource(String file) throws IOException {
        // The class loader, not the class: the resource is in another artifact (an automatic module, all open).
        ClassLoader loader = Datasets.class.getClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(SUBSET_RESOURCE + file);
        if (in == null) {
            throw new IOException("the Fashion-MNIST subset (" + SUBSET_RESOURCE + file + ") is not on the class path: "
                    + "add the artifact org.conv4j:conv4j-datasets, or " + FULL_SET_HINT);
        }
        return in;
    }

    private static TrainTest named(TrainTest t, String name, String source) {
        if (!t.train().classNames().equals(ClassNames.FASHION_MNIST) && t.train().numClasses() == 10) {
            return new TrainTest(t.train().withClassNames(ClassNames.FASHION_MNIST),
                    t.test().withClassNames(ClassNames.FASHION_MNIST), source);
        }
        return new TrainTest(t.train(), t.test(), source);
    }
}
