package org.conv4j.fuzz;

import org.conv4j.io.FormatException;
import org.conv4j.io.SafeTensors;

/** Fuzz target: any bytes as a safetensors file (model files and checkpoints). */
public final class SafeTensorsFuzzer {
    private SafeTensorsFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            SafeTensors.Contents c = SafeTensors.read(data, "fuzz-st");
            long total = 0;
            for (SafeTensors.Entry e : c.tensors().values()) total += e.data().length;
            Fuzz.check(total <= data.length, "tensor bytes fit in the file");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-st");
        }
    }
}
