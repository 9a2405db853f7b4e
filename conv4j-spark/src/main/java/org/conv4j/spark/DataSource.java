package org.conv4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.conv4j.data.Datasets;
import org.conv4j.io.ImageSpec;
import org.conv4j.data.TrainTest;

/**
 * Where the executors find the training and test images: a folder that every executor can read at the same
 * path (a shared or network file system, or the same copy on every node), holding IDX files, CIFAR batches
 * or an image folder, as {@code conv4j train --data}. Each executor JVM loads it once, on first use, and
 * keeps it for later tasks; the driver never loads it.
 *
 * @param dir      the folder, as the executors see it
 * @param channels the images' shape, the model's input (C, H, W); image folders are decoded to it
 */
public record DataSource(String dir, int channels, int height, int width) implements Serializable {
    /** The folder {@code dir} of images of shape {@code spec}. */
    public static DataSource of(String dir, ImageSpec spec) {
        return new DataSource(dir, spec.channels(), spec.height(), spec.width());
    }

    private static final Map<DataSource, TrainTest> LOADED = new ConcurrentHashMap<>();

    /** The images, loaded on first use in this JVM; a file that cannot be read fails with its name. */
    public TrainTest open() {
        TrainTest t = LOADED.get(this);
        if (t != null) return t;
        synchronized (LOADED) {
            t = LOADED.get(this);
            if (t != null) return t;
            try {
                t = Datasets.load(Path.of(dir), ImageSpec.of(channels, height, width));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the training data in " + dir + " on this executor: " + e.getMessage(), e);
            }
            LOADED.put(this, t);
            return t;
        }
    }

    /** Forgets what this JVM loaded (tests that rewrite the files between runs). */
    static void forgetAll() { LOADED.clear(); }
}
