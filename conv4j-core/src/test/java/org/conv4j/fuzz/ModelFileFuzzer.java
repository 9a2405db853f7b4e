package org.conv4j.fuzz;

import org.conv4j.io.FormatException;
import org.conv4j.io.SafeTensors;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;

/** Fuzz target: any bytes as a conv4j model file (safetensors with the architecture in its metadata). */
public final class ModelFileFuzzer {
    private ModelFileFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            SafeTensors.Contents c = SafeTensors.read(data, "fuzz-model");
            Model m = ModelFile.fromContents(c, "fuzz-model", "");
            Fuzz.check(m.classes() >= 1, "a loaded model has classes");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-model");
        }
    }
}
