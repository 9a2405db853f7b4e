package org.conv4j.fuzz;

import java.io.IOException;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.FormatException;

/** Fuzz target: any bytes as an image file (PNG, JPEG, BMP by magic), decoded and resized. */
public final class ImageFuzzer {
    private ImageFuzzer() {}

    private static final ImageSpec SPEC = ImageSpec.of(1, 8, 8);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        try {
            ImageFiles.Decoded d = ImageFiles.decode(data, "fuzz-image");
            Fuzz.check(d.pixels().length == d.channels() * d.height() * d.width(), "decoded size");
            float[] x = ImageFiles.toSpec(d, SPEC);
            Fuzz.check(x.length == 64, "resized size");
            for (float v : x) Fuzz.check(v >= -1e-6f && v <= 1 + 1e-6f, "pixel in [0, 1]: " + v);
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-image");
        }
    }
}
