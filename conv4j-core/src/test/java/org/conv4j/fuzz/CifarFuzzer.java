package org.conv4j.fuzz;

import java.io.IOException;
import org.conv4j.data.Cifar;
import org.conv4j.io.FormatException;

/** Fuzz target: any bytes as a CIFAR-10 and as a CIFAR-100 batch file. */
public final class CifarFuzzer {
    private CifarFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        for (boolean cifar100 : new boolean[] {false, true}) {
            try {
                Cifar.checkBatch(data, "fuzz-batch", cifar100);
            } catch (FormatException expected) {
                Fuzz.checkMessage(expected, "fuzz-batch");
            }
        }
    }
}
