package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The YAML reader (SnakeYAML Engine underneath): every construct gives the tree {@link Json} gives for the
 * same data, and every refused or malformed input is a FormatException naming the source, line and column.
 */
class YamlTest {
    /** Asserts that YAML text parses to exactly the tree the JSON text parses to. */
    static void sameAsJson(String yaml, String json) throws FormatException {
        Object y = Yaml.parse(yaml, "t.yaml"), j = Json.parse(json, "t.json");
        assertEquals(j, y, () -> "YAML:\n" + yaml);
        assertEquals(Json.write(j), Json.write(y), "same JSON text");
    }

    /** Asserts that parsing fails with a message naming the line and column and containing {@code what}. */
    static FormatException fails(String yaml, int line, int column, String what) {
        FormatException e = assertThrows(FormatException.class, () -> Yaml.parse(yaml, "net.yaml"), yaml);
        String where = "net.yaml: line " + line + ", column " + column + ": ";
        assertTrue(e.getMessage().startsWith(where), "expected '" + where + "...' but got: " + e.getMessage());
        assertTrue(e.getMessage().contains(what), "expected '" + what + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void blockMappingsAndSequencesKeepOrder() throws Exception {
        sameAsJson("""
                b: 1
                a:
                  x: hello world
                  y: [1, 2]
                list:
                  - one
                  - 2
                  -
                  - three: 3
                    four: 4
                """, """
                {"b": 1, "a": {"x": "hello world", "y": [1, 2]}, "list": ["one", 2, null, {"three": 3, "four": 4}]}""");
        Map<String, Object> m = Json.castMap(Yaml.parse("z: 1\ny: 2\nx: 3\n", "t"));
        assertEquals(List.of("z", "y", "x"), List.copyOf(m.keySet()));
    }

    @Test
    void aListMayShareItsKeysIndentation() throws Exception {
        sameAsJson("""
                layers:
                - type: Residual
                  block:
                  - {type: Conv2d, kernel_size: 3}
                  - type: ReLU
                  shortcut:
                - type: Flatten
                after: true
                """, """
                {"layers": [{"type": "Residual", "block": [{"type": "Conv2d", "kernel_size": 3}, {"type": "ReLU"}],
                             "shortcut": null}, {"type": "Flatten"}], "after": true}""");
    }

    @Test
    void nestedCompactSequences() throws Exception {
        sameAsJson("- - 1\n  - 2\n- - 3\n", "[[1, 2], [3]]");
        sameAsJson("-\n  - a\n", "[[\"a\"]]");
        sameAsJson("-   x:   1\n    y: 2\n", "[{\"x\": 1, \"y\": 2}]");
    }

    @Test
    void flowCollectionsMaySpanLinesAndEndWithAComma() throws Exception {
        sameAsJson("""
                input: [1, 28, 28]
                layer: {type: Conv2d, kernel_size: 3, padding: same}
                multi: [
                  {type: ReLU},   # a comment inside
                  {type: "Max Pool", "k": [2, 2]},
                ]
                empty: [[], {}]
                """, """
                {"input": [1, 28, 28], "layer": {"type": "Conv2d", "kernel_size": 3, "padding": "same"},
                 "multi": [{"type": "ReLU"}, {"type": "Max Pool", "k": [2, 2]}], "empty": [[], {}]}""");
        sameAsJson("{\"a\":1, 'b': [x, y z], c: , d}", "{\"a\": 1, \"b\": [\"x\", \"y z\"], \"c\": null, \"d\": null}");
        sameAsJson("[http://x.org/a:b, a#b]", "[\"http://x.org/a:b\", \"a#b\"]");
    }

    @Test
    void anyJsonDocumentIsYamlToo() throws Exception {
        String json = """
                {"format": "conv4j-network", "version": 1, "input": [1, 8, 8], "classes": 3,
                 "normalize": {"mean": [0.5], "std": [0.25]}, "e": -2.5e-3, "s": "tab\\there \\u00e9\\"q\\"",
                 "layers": [{"type": "Flatten"}, {"type": "Linear", "in_features": 64, "out_features": 3, "bias": false}],
                 "n": null}""";
        sameAsJson(json, json);
    }

    @Test
    void scalarsFollowTheYaml12CoreSchema() throws Exception {
        sameAsJson("""
                nulls: [~, null, Null, NULL, ]
                empty:
                bools: [true, True, TRUE, false, False, FALSE]
                ints: [0, -7, 12345678901234]
                floats: [0.5, -1.25, 1e-3, 2.5E+10]
                strings: [yes, no, on, off, 1_000, 0x, 1.2.3, 'true', "42", -x, ., [1 2]]
                """, """
                {"nulls": [null, null, null, null], "empty": null,
                 "bools": [true, true, true, false, false, false],
                 "ints": [0, -7, 12345678901234], "floats": [0.5, -1.25, 1e-3, 2.5E+10],
                 "strings": ["yes", "no", "on", "off", "1_000", "0x", "1.2.3", "true", "42", "-x", ".", ["1 2"]]}""");
    }

    @Test
    void numbersNotSpeltAsJsonAreRespelt() throws Exception {
        // YAML-only spellings become the JSON spelling of the same number (an int stays an int, a float a float)
        sameAsJson("[+5, 007, 0x1F, 0o17, .5, -.5, 1., +1.5e3, 00.25]", "[5, 7, 31, 15, 0.5, -0.5, 1.0, 1.5e3, 0.25]");
        Json.Obj o = Yaml.parseObject("k: 1.\ni: 3", "t");
        assertThrows(FormatException.class, () -> o.integer("k"), "1. is a float, not an integer");
        assertEquals(3, o.integer("i"));
    }

    @Test
    void quotedScalarsAndEscapes() throws Exception {
        Map<String, Object> m = Json.castMap(Yaml.parse("""
                a: 'it''s # not a comment'
                b: "tab\\t nl\\n quote\\" bs\\\\ slash\\/ \\x41\\u00e9\\U0001F600 \\0\\e\\N\\_"
                c: "# also not a comment"   # but this is
                "quoted key": 1
                'single key': 2
                d: plain text with  spaces   # trailing spaces trimmed
                """, "t"));
        assertEquals("it's # not a comment", m.get("a"));
        assertEquals("tab\t nl\n quote\" bs\\ slash/ A\u00e9\uD83D\uDE00 \0\u001B\u0085\u00A0", m.get("b"));
        assertEquals("# also not a comment", m.get("c"));
        assertEquals(new Json.Num("1"), m.get("quoted key"));
        assertEquals(new Json.Num("2"), m.get("single key"));
        assertEquals("plain text with  spaces", m.get("d"));
    }

    @Test
    void commentsDocumentMarkersAndLineEndings() throws Exception {
        sameAsJson("""
                # leading comment

                %YAML 1.2
                ---   # start
                a: 1  # trailing

                  # indented comment line
                b:    # value below
                  - 2
                ...
                # after the end
                """, "{\"a\": 1, \"b\": [2]}");
        sameAsJson("\uFEFFa: 1\r\nb:\r\n  - x\r\n", "{\"a\": 1, \"b\": [\"x\"]}");
        sameAsJson("a: 1\rb: 2", "{\"a\": 1, \"b\": 2}");
        assertSame(Json.NULL, Yaml.parse("", "t"));
        assertSame(Json.NULL, Yaml.parse("# nothing\n---\n", "t"));
        sameAsJson("just text", "\"just text\"");
        sameAsJson("key:\tvalue", "{\"key\": \"value\"}"); // a tab separates, it does not indent
    }

    @Test
    void anchorsAndAliasesRepeatAValue() throws Exception {
        sameAsJson("""
                conv: &conv {type: Conv2d, kernel_size: 3, padding: 1}
                layers:
                  - *conv
                  - &relu {type: ReLU}
                  - *conv
                  - *relu
                size: &n 28
                input: [1, *n, *n]
                """, """
                {"conv": {"type": "Conv2d", "kernel_size": 3, "padding": 1},
                 "layers": [{"type": "Conv2d", "kernel_size": 3, "padding": 1}, {"type": "ReLU"},
                            {"type": "Conv2d", "kernel_size": 3, "padding": 1}, {"type": "ReLU"}],
                 "size": 28, "input": [1, 28, 28]}""");
        sameAsJson("- &x\n  a: 1\n- *x\n", "[{\"a\": 1}, {\"a\": 1}]");
    }

    @Test
    void aliasesAreBounded() {
        fails("a: *b\n", 1, 4, "found undefined alias b");
        fails("[*a]", 1, 2, "undefined alias a");
        fails("a: &r [1, *r]\n", 1, 11, "alias *r is inside the list or mapping it names (&r)");
        fails("a: &r {b: *r}\n", 1, 11, "recursive");
        fails("&k a: 1\n*k : 2\n", 2, 1, "an alias (*) cannot be a key");
        StringBuilder many = new StringBuilder("base: &b [1]\nuses:\n");
        for (int i = 0; i < SnakeYamlReader.MAX_ALIASES_FOR_COLLECTIONS + 1; i++) many.append("  - *b\n");
        fails(many.toString(), 3 + SnakeYamlReader.MAX_ALIASES_FOR_COLLECTIONS, 5,
                "more than " + SnakeYamlReader.MAX_ALIASES_FOR_COLLECTIONS + " aliases (*) to lists or mappings");
        // aliases to scalars are not limited in number: they repeat one value
        StringBuilder scalars = new StringBuilder("n: &n 3\nk: [");
        for (int i = 0; i < 200; i++) scalars.append(i == 0 ? "" : ", ").append("*n");
        assertDoesNotThrow(() -> Yaml.parse(scalars.append("]\n").toString(), "t"));
    }

    @Test
    void tagsOtherThanTheCoreSchemasAndMergeKeysAreRefused() throws Exception {
        fails("a: !!python/object:os.system {}\n", 1, 4, "tags (!) other than the core schema's");
        fails("a: !Conv2d {}\n", 1, 4, "got !Conv2d");
        fails("{a: !t x}", 1, 5, "tags (!) other than");
        fails("a: !!binary aGk=\n", 1, 4, "got !!binary");
        fails("a:\n  <<: {b: 1}\n", 2, 3, "merge keys (<<) are not supported");
        fails("{<<: {b: 1}}", 1, 2, "merge keys (<<)");
        fails("%TAG ! tag:example.com,2000:\n---\na: 1\n", 1, 1, "only the %YAML directive");
        // the core tags say what plain text would have been
        sameAsJson("{a: !!str 42, b: !!int '7', c: !!float 3, d: !!bool 'true', e: !!null '', f: !!seq [1], g: !!map {}}",
                "{\"a\": \"42\", \"b\": 7, \"c\": 3.0, \"d\": true, \"e\": null, \"f\": [1], \"g\": {}}");
        fails("a: !!int x\n", 1, 4, "'x' is not an integer");
        fails("a: !!bool yes\n", 1, 4, "'yes' is not a boolean");
    }

    @Test
    void billionLaughsCannotExpand() {
        // the classic expansion bomb: 9 aliases a line; refused at the 51st alias to a collection, before anything is built
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            b.append(c).append(": &").append(c).append(" [*").append(p).append(String.format(",*%c", p).repeat(8)).append("]\n");
        }
        fails(b.toString(), 7, 23, "more than 50 aliases (*)"); // the 6th alias of line 7 ("g: &g [*f,...")
        // within the alias limit (48 aliases), doubling 24 times to 2^25 values: every repeated value counts against maxValues
        StringBuilder d = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 24; i++) d.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        FormatException e = assertThrows(FormatException.class, () -> Yaml.parse(d.toString(), "net.yaml"));
        assertTrue(e.getMessage().contains("more than " + Yaml.MAX_VALUES + " values (each use of an alias counts"),
                e.getMessage());
    }

    @Test
    void blockScalarsComplexKeysAndMultiLinePlainTextAreYaml() throws Exception {
        sameAsJson("a: |\n  text\n  more\nb: >\n  folded\n  text\n", "{\"a\": \"text\\nmore\\n\", \"b\": \"folded text\\n\"}");
        sameAsJson("? complex\n: key\n", "{\"complex\": \"key\"}");
        sameAsJson("- a\n  b\n", "[\"a b\"]");
        sameAsJson("a: [x,\n  y\n  z]\n", "{\"a\": [\"x\", \"y z\"]}");
        sameAsJson("[a: 1]", "[{\"a\": 1}]");
    }

    @Test
    void unsupportedConstructsAreRefusedWithAReason() {
        fails("a: 1\n---\nb: 2\n", 2, 1, "a second YAML document");
        fails("--- a: 1\n", 1, 6, "mapping values are not allowed here");
        fails("a: .inf\n", 1, 4, "not a finite number");
        fails("a: [1, .nan]\n", 1, 8, "not a finite number");
        fails("a: @x\n", 1, 4, "found character '@' that cannot start any token");
        fails("a: - b\n", 1, 4, "sequence entries are not allowed here");
        fails("[{a: 1}]: x", 1, 1, "only plain or quoted text can be a key");
    }

    @Test
    void malformedInputNamesLineAndColumn() {
        fails("a: 1\n\tb: 2\n", 2, 1, "tab character in indentation");
        fails("a:\n  b: 1\n\t c: 2\n", 3, 1, "tab character in indentation");
        fails("a: 1\na: 2\n", 2, 1, "duplicate key \"a\"");
        fails("{a: 1, b: 2, a: 3}", 1, 14, "duplicate key \"a\"");
        fails("a:\n  b: 1\n   c: 2\n", 3, 5, "mapping values are not allowed here");
        fails("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed here");
        fails("a: 'open\n", 2, 1, "found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)");
        fails("a: \"open\nb: 2\n", 3, 1, "found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)");
        fails("a: \"bad \\q escape\"\n", 1, 10, "found unknown escape character q");
        fails("a: \"\\u12\"\n", 1, 7, "expected escape sequence of 4 hexadecimal numbers");
        fails("a: [1, 2\n", 2, 1, "expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 1, column 4)");
        fails("a: {b: 1\n", 2, 1, "expected ',' or '}', but got <stream end> (while parsing a flow mapping at line 1, column 4)");
        fails("a: [\"x\" y]\n", 1, 9, "expected ',' or ']'");
        fails("a: [1,, 2]\n", 1, 7, "expected the node content, but found ','");
        fails("a: {\"b\" 1}\n", 1, 9, "expected ',' or '}'");
        fails("a: b: c\n", 1, 5, "mapping values are not allowed here");
        fails("a: \"x\" y\n", 1, 8, "expected <block end>");
        fails("a: 1\nb\n", 3, 1, "could not find expected ':' (while scanning a simple key at line 2, column 1)");
        fails("a: 1\n- b\n", 2, 1, "expected <block end>, but found '-'");
        fails("a:b\nc: 1\n", 2, 2, "mapping values are not allowed here");
        fails("a: x\u0001y\n", 1, 5, "control character U+0001");
        fails("a: 99999999999999999999\n", 1, 4, "does not fit in 64 bits");
        fails("a: 0xFFFFFFFFFFFFFFFFF\n", 1, 4, "does not fit in 64 bits");
        fails("a: 1e999\n", 1, 4, "out of range");
        fails("a: [- 1]\n", 1, 5, "expected the node content, but found '-'");
        fails("%YAML 1.2\na: 1\n", 2, 1, "expected '<document start>'");
    }

    @Test
    void enforcesDepthSizeAndValueLimits() {
        String deepFlow = "[".repeat(100) + "]".repeat(100);
        fails(deepFlow, 1, 65, "nesting deeper than 64 levels");
        StringBuilder deepBlock = new StringBuilder();
        for (int i = 0; i < 100; i++) deepBlock.append("  ".repeat(i)).append("k:\n");
        fails(deepBlock.toString(), 65, 129, "nesting deeper than 64 levels");
        StringBuilder deepList = new StringBuilder();
        for (int i = 0; i < 100; i++) deepList.append("- ");
        deepList.append("x\n");
        fails(deepList.toString(), 1, 129, "nesting deeper than 64 levels");
        FormatException big = assertThrows(FormatException.class, () -> Yaml.parse("a: [1, 2, 3]", "t", new Json.Limits(5, 4, 100)));
        assertTrue(big.getMessage().contains("more than the limit of 5"), big.getMessage());
        FormatException many = assertThrows(FormatException.class, () -> Yaml.parse("a: [1, 2, 3]", "t", new Json.Limits(100, 4, 3)));
        assertTrue(many.getMessage().contains("more than 3 values"), many.getMessage());
    }

    @Test
    void parseObjectWantsAMappingAndNamesPaths() throws Exception {
        FormatException e = assertThrows(FormatException.class, () -> Yaml.parseObject("- 1\n", "net.yaml"));
        assertTrue(e.getMessage().startsWith("net.yaml: expected a YAML mapping"), e.getMessage());
        Json.Obj o = Yaml.parseObject("layers:\n  - {type: Conv2d, kernel_size: '3'}\n", "net.yaml");
        FormatException k = assertThrows(FormatException.class, () -> o.objects("layers").get(0).integer("kernel_size"));
        assertEquals("net.yaml.layers[0].kernel_size: expected an integer, got a string", k.getMessage());
    }
}
