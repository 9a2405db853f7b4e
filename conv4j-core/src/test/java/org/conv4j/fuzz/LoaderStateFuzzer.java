package org.conv4j.fuzz;

import org.conv4j.data.LoaderState;
import org.conv4j.io.FormatException;

/** Fuzz target: any bytes as a saved DataLoader position (part of a checkpoint). */
public final class LoaderStateFuzzer {
    private LoaderStateFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            LoaderState s = LoaderState.decode(data, "fuzz-state");
            Fuzz.check(java.util.Arrays.equals(s.encode(), data), "decode then encode gives the same bytes");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-state");
        }
    }
}
