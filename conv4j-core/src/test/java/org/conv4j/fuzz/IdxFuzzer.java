package org.conv4j.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.conv4j.data.Idx;
import org.conv4j.io.FormatException;

/** Fuzz target: any bytes given to the IDX image and label readers (raw or gzip). */
public final class IdxFuzzer {
    private IdxFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        try {
            Idx.Images im = Idx.readImages(new ByteArrayInputStream(data), "fuzz-images", data.length);
            Fuzz.check((long) im.count() * im.height() * im.width() == im.pixels().length, "image data size");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-images");
        }
        try {
            int[] labels = Idx.readLabels(new ByteArrayInputStream(data), "fuzz-labels", data.length);
            for (int y : labels) Fuzz.check(y >= 0 && y < 256, "label range");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-labels");
        }
    }
}
