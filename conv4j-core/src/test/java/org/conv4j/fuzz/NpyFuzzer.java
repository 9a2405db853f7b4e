package org.conv4j.fuzz;

import org.conv4j.io.FormatException;
import org.conv4j.io.Npy;
import org.conv4j.io.NpyArray;

/** Fuzz target: any bytes as a .npy file. */
public final class NpyFuzzer {
    private NpyFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws java.io.IOException {
        try {
            NpyArray a = Npy.read(data, "fuzz-npy");
            long n = 1;
            for (int d : a.shape()) n *= d;
            Fuzz.check(n == a.size(), "shape product equals size");
            Fuzz.check(a.size() * (long) a.dtype().itemSize() <= data.length, "no more data than bytes in the file");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-npy");
        }
    }
}
