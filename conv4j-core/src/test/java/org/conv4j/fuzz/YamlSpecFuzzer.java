package org.conv4j.fuzz;

import java.nio.charset.StandardCharsets;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.Yaml;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.SpecSyntax;

/**
 * Fuzz target: any text as a YAML network spec, parsed, validated and built. Besides "only
 * FormatException", it checks the YAML reader's promise that its tree is a JSON tree: written as JSON and
 * read back, it is equal.
 */
public final class YamlSpecFuzzer {
    private YamlSpecFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Object tree = Yaml.parse(text, "fuzz-spec.yaml");
            Fuzz.check(tree.equals(Json.parse(Json.write(tree), "fuzz-spec.json")), "the YAML tree round-trips through JSON");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-spec.yaml");
        }
        try {
            NetworkSpec s = NetworkSpec.parse(text, "fuzz-spec.yaml", SpecSyntax.YAML);
            Fuzz.check(s.input().length == 3, "input is [C, H, W]");
        } catch (FormatException expected) {
            Fuzz.checkMessage(expected, "fuzz-spec.yaml");
        }
    }
}
