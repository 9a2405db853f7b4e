package org.conv4j.spark;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.io.FormatException;
import org.conv4j.model.NetworkSpec;
import org.conv4j.util.Rng;

/** A small IDX data set (8×8 images, 4 classes, each a noisy bright quadrant) and a small CNN for it. */
final class TinyData {
    private TinyData() {}

    static final int CLASSES = 4;

    /** Writes train (n images) and test (nTest) IDX files into {@code dir}. */
    static Path write(Path dir, int n, int nTest, long seed) throws IOException {
        Files.createDirectories(dir);
        Rng rng = new Rng(seed);
        writeSet(dir, "train", n, rng);
        writeSet(dir, "t10k", nTest, rng);
        return dir;
    }

    private static void writeSet(Path dir, String prefix, int n, Rng rng) throws IOException {
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = (int) (rng.nextDouble() * CLASSES);
            labels[i] = (byte) c;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean lit = (y < 4) == (c < 2) && (x < 4) == (c % 2 == 0);
                    double v = (lit ? 180 : 40) + 60 * rng.nextDouble();
                    pixels[i * 64 + y * 8 + x] = (byte) Math.min(255, (int) v);
                }
            }
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")))) {
            o.writeInt(0x803); o.writeInt(n); o.writeInt(8); o.writeInt(8); o.write(pixels);
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            o.writeInt(0x801); o.writeInt(n); o.write(labels);
        }
    }

    /** Conv 1→4, ReLU, max-pool, conv 4→6, ReLU, flatten, Linear 96→16, ReLU, Linear 16→4. */
    static NetworkSpec spec() throws FormatException {
        return NetworkSpec.parse("""
                {"format": "conv4j-network", "version": 1, "name": "tiny", "input": [1, 8, 8], "classes": 4,
                 "normalize": {"mean": [0.5], "std": [0.25]},
                 "layers": [
                   {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
                   {"type": "ReLU"},
                   {"type": "MaxPool2d", "kernel_size": 2},
                   {"type": "Conv2d", "in_channels": 4, "out_channels": 6, "kernel_size": 3, "padding": 1},
                   {"type": "ReLU"},
                   {"type": "Flatten"},
                   {"type": "Linear", "in_features": 96, "out_features": 16},
                   {"type": "ReLU"},
                   {"type": "Linear", "in_features": 16, "out_features": 4}
                 ]}""", "tiny.json");
    }
}
