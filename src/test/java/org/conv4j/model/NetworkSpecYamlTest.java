package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.io.FormatException;
import org.conv4j.train.TrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network spec written in YAML is the same spec as its JSON form: equal, building bitwise the same
 * weights for a seed, validated by the same code with the same paths in its errors. Spec files pick their
 * syntax by extension, or by their first character.
 */
class NetworkSpecYamlTest {
    @TempDir Path dir;

    static void assertSameModel(NetworkSpec a, NetworkSpec b) {
        assertEquals(a, b);
        assertEquals(a.toJsonText(), b.toJsonText());
        assertArrayEquals(TrainerTest.weights(a.build(7)), TrainerTest.weights(b.build(7)), "same weights for the same seed");
    }

    @Test
    void yamlSpecEqualsItsJsonForm() throws Exception {
        assertSameModel(NetworkSpec.parse(TrainerTest.SPEC, "tiny.json"),
                NetworkSpec.parse(TrainerTest.SPEC_YAML, "tiny.yaml", SpecSyntax.YAML));
    }

    @Test
    void exampleReferenceYamlIsTheBuiltInReferenceCnn() throws Exception {
        Path example = Path.of("examples/reference.yaml");
        assertTrue(Files.isRegularFile(example), "run from the project root: " + example.toAbsolutePath());
        NetworkSpec yaml = NetworkSpec.read(example);
        assertSameModel(Zoo.spec("reference"), yaml);
        assertEquals(421_642, Summary.of(yaml.build(0)).totalParams());
        assertSameModel(Zoo.spec("reference"), Zoo.resolve(example.toString()));
    }

    @Test
    void readmeYamlExampleIsItsJsonExample() throws Exception {
        String readme = Files.readString(Path.of("docs/files.md"));
        String section = readme.substring(readme.indexOf("## Network spec (JSON or YAML)"));
        String yaml = block(section, "```yaml\n"), json = block(section, "```json\n");
        NetworkSpec fromJson = NetworkSpec.parse(json, "README json");
        assertSameModel(fromJson.withClassNames(null), NetworkSpec.parse(yaml, "README yaml", SpecSyntax.YAML));
    }

    private static String block(String text, String fence) {
        int start = text.indexOf(fence) + fence.length();
        return text.substring(start, text.indexOf("```", start));
    }

    @Test
    void everyBuiltInJsonSpecReadsTheSameAsYaml() throws Exception {
        // JSON is (in practice) a subset of YAML: the YAML reader gives the very same tree for each built-in
        for (String name : Zoo.NAMES) {
            NetworkSpec s = Zoo.spec(name);
            assertSameModel(s, NetworkSpec.parse(s.toJsonText(), name + ".yaml", SpecSyntax.YAML));
        }
    }

    @Test
    void syntaxFollowsTheExtensionThenTheFirstCharacter() throws Exception {
        NetworkSpec want = NetworkSpec.parse(TrainerTest.SPEC, "tiny.json");
        for (String name : new String[] {"a.yaml", "b.yml", "c.YAML", "d.spec", "e"}) {
            Path p = dir.resolve(name);
            Files.writeString(p, TrainerTest.SPEC_YAML, StandardCharsets.UTF_8);
            assertSameModel(want, NetworkSpec.read(p));
        }
        for (String name : new String[] {"f.json", "g.JSON", "h.spec", "i.yaml"}) {
            Path p = dir.resolve(name);
            Files.writeString(p, "\n  " + TrainerTest.SPEC, StandardCharsets.UTF_8);
            assertSameModel(want, NetworkSpec.read(p));
        }
        assertEquals(SpecSyntax.JSON, SpecSyntax.of("x.txt", "\uFEFF \n{"));
        assertEquals(SpecSyntax.YAML, SpecSyntax.of("x.txt", "# a comment\n{"));
        assertEquals(SpecSyntax.YAML, SpecSyntax.of("x", ""));
        // a YAML file named .json is read as JSON, and the error says where JSON went wrong
        Path wrong = dir.resolve("yaml.json");
        Files.writeString(wrong, TrainerTest.SPEC_YAML);
        FormatException e = assertThrows(FormatException.class, () -> NetworkSpec.read(wrong));
        assertTrue(e.getMessage().startsWith(wrong + ": line 1, column 1"), e.getMessage());
    }

    @Test
    void errorsNameTheFileAndThePathAsForJson() throws Exception {
        Path p = dir.resolve("net.yaml");
        Files.writeString(p, TrainerTest.SPEC_YAML.replace("in_features: 64", "in_features: 65"));
        FormatException shape = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(shape.getMessage().startsWith(p + ".layers[7] (Linear(65->3)): input of shape [64] does not fit"), shape.getMessage());

        Files.writeString(p, TrainerTest.SPEC_YAML.replace("type: Flatten", "type: Flaten"));
        FormatException type = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(type.getMessage().startsWith(p + ".layers[6].type: unknown layer type \"Flaten\""), type.getMessage());

        Files.writeString(p, TrainerTest.SPEC_YAML.replace("  num_features: 4", "  num_features: '4'"));
        FormatException kind = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(kind.getMessage().contains(".layers[1].num_features: expected an integer, got a string"), kind.getMessage());

        Files.writeString(p, TrainerTest.SPEC_YAML.replace("classes: 3", "classes: 3\nclases: 3"));
        FormatException unknown = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(unknown.getMessage().contains("unknown field \"clases\""), unknown.getMessage());

        Files.writeString(p, TrainerTest.SPEC_YAML.replace("  std: [0.25]", "\tstd: [0.25]"));
        FormatException tab = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertEquals(p + ": line 7, column 1: tab character in indentation; YAML indents with spaces", tab.getMessage());

        Files.writeString(p, TrainerTest.SPEC_YAML.replace("input: [1, 8, 8]", "input: !shape [1, 8, 8]"));
        FormatException tag = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(tag.getMessage().startsWith(p + ": line 3, column 8: tags (!) other than the core schema's"), tag.getMessage());

        Files.writeString(p, "- just\n- a list\n");
        FormatException list = assertThrows(FormatException.class, () -> NetworkSpec.read(p));
        assertTrue(list.getMessage().startsWith(p + ": expected a YAML mapping"), list.getMessage());
    }

    @Test
    void yamlSpecsAreBoundedLikeJsonOnes() {
        String deep = "input: [1, 8, 8]\nclasses: 2\nlayers: " + "[".repeat(40) + "]".repeat(40) + "\n";
        FormatException e = assertThrows(FormatException.class, () -> NetworkSpec.parse(deep, "n.yaml", SpecSyntax.YAML));
        assertTrue(e.getMessage().contains("nesting deeper than 32 levels"), e.getMessage());
        String many = "input: [1, 8, 8]\nclasses: 2\nx: [" + "1,".repeat(1 << 18) + "]\n";
        FormatException m = assertThrows(FormatException.class, () -> NetworkSpec.parse(many, "n.yaml", SpecSyntax.YAML));
        // YAML's own ceiling is lower than a JSON spec's 262144 values (SnakeYAML spends more per value)
        assertTrue(m.getMessage().contains("more than " + org.conv4j.io.Yaml.MAX_VALUES + " values"), m.getMessage());
    }
}
