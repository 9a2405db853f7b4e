package org.conv4j.fuzz;

import java.nio.charset.StandardCharsets;
import org.conv4j.io.FormatException;
import org.conv4j.model.NetworkSpec;

/** Fuzz target: any text as a network spec (JSON), which is parsed, validated and built. */
public final class NetworkSpecFuzzer {
    private NetworkSpecFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            NetworkSpec s = NetworkSpec.parse(text, "fuzz-spec");
            Fuzz.check(s.input().length == 3, "input is [C, H, W]");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-spec");
        }
    }
}
