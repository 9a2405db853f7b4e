package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.TrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graph networks in spec files (JSON and YAML), model files and summaries. */
public class GraphSpecTest {
    @TempDir Path dir;

    /** Fan-out, a residual Add, a Concat, a squeeze-excitation Mul gate, BN and dropout state: every graph feature. */
    public static final String SPEC = """
            {"name": "branchy", "input": [1, 8, 8], "classes": 3, "normalize": {"mean": [0.5], "std": [0.25]},
             "graph": {"nodes": [
               {"name": "stem", "type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"name": "stem.bn", "type": "BatchNorm2d", "num_features": 4},
               {"name": "stem.relu", "type": "ReLU"},
               {"name": "a", "type": "Conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"name": "b", "type": "Conv2d", "in_channels": 4, "out_channels": 2, "kernel_size": 1, "inputs": "stem.relu"},
               {"name": "sum", "type": "Add", "inputs": ["a", "stem.relu"]},
               {"name": "cat", "type": "Concat", "inputs": ["sum", "b"], "dim": 1},
               {"name": "pool", "type": "MaxPool2d", "kernel_size": 2},
               {"name": "se.pool", "type": "GlobalAvgPool2d"},
               {"name": "se.conv", "type": "Conv2d", "in_channels": 6, "out_channels": 6, "kernel_size": 1},
               {"name": "se.gate", "type": "HardSigmoid"},
               {"name": "scaled", "type": "Mul", "inputs": ["pool", "se.gate"]},
               {"name": "drop", "type": "Dropout", "p": 0.2},
               {"name": "flat", "type": "Flatten"},
               {"name": "fc", "type": "Linear", "in_features": 96, "out_features": 3}],
              "output": "fc"}}""";

    static final String SPEC_YAML = """
            name: branchy
            input: [1, 8, 8]
            classes: 3
            normalize: {mean: [0.5], std: [0.25]}
            graph:
              nodes:
              - {name: stem, type: Conv2d, in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1}
              - {name: stem.bn, type: BatchNorm2d, num_features: 4}
              - {name: stem.relu, type: ReLU}
              - {name: a, type: Conv2d, in_channels: 4, out_channels: 4, kernel_size: 3, padding: 1}
              - {name: b, type: Conv2d, in_channels: 4, out_channels: 2, kernel_size: 1, inputs: stem.relu}
              - name: sum
                type: Add
                inputs: [a, stem.relu]
              - {name: cat, type: Concat, inputs: [sum, b], dim: 1}
              - {name: pool, type: MaxPool2d, kernel_size: 2}
              - {name: se.pool, type: GlobalAvgPool2d}
              - {name: se.conv, type: Conv2d, in_channels: 6, out_channels: 6, kernel_size: 1}
              - {name: se.gate, type: HardSigmoid}
              - {name: scaled, type: Mul, inputs: [pool, se.gate]}
              - {name: drop, type: Dropout, p: 0.2}
              - {name: flat, type: Flatten}
              - {name: fc, type: Linear, in_features: 96, out_features: 3}
              output: fc
            """;

    public static Model model(long seed) throws Exception { return NetworkSpec.parse(SPEC, "branchy.json").build(seed); }

    @Test
    void jsonAndYamlBuildTheSameGraph() throws Exception {
        NetworkSpec json = NetworkSpec.parse(SPEC, "branchy.json");
        NetworkSpec yaml = NetworkSpec.parse(SPEC_YAML, "branchy.yaml", SpecSyntax.YAML);
        NetworkSpecYamlTest.assertSameModel(json, yaml);
        assertTrue(json.layers().isEmpty());
        Model m = json.build(3);
        Graph g = assertInstanceOf(Graph.class, m.network());
        assertEquals("fc", g.output());
        assertEquals(List.of("stem.relu"), g.node("b").inputs());
        assertEquals(List.of("b"), g.node("cat").inputs().subList(1, 2));
        assertEquals(List.of("sum"), g.node("cat").inputs().subList(0, 1));
        assertEquals(List.of("cat"), g.node("pool").inputs(), "no inputs: the node before");
        List<String> names = NamedParam.of(m.network()).stream().map(NamedParam::name).toList();
        assertEquals(List.of("stem.weight", "stem.bias", "stem.bn.weight", "stem.bn.bias", "stem.bn.running_mean",
                "stem.bn.running_var", "a.weight", "a.bias", "b.weight", "b.bias", "se.conv.weight", "se.conv.bias",
                "fc.weight", "fc.bias"), names);
        assertThrows(IllegalStateException.class, m::sequential);
    }

    @Test
    void describeWritesAGraphThatReadsBackTheSame() throws Exception {
        Model m = model(1);
        NetworkSpec described = NetworkSpec.describe("branchy", m.network(), m.spec().input(), m.classes());
        assertNull(described.toJson().get("layers"));
        NetworkSpec back = NetworkSpec.parse(described.toJsonText(), "described.json");
        assertEquals(described, back);
        assertEquals(Json.write(NetworkSpec.describe("branchy", back.build(1).network(), m.spec().input(), 3).toJson()),
                Json.write(described.toJson()));
        assertArrayEquals(TrainerTest.weights(m), TrainerTest.weights(back.build(1)), "same weights for a seed");
        String text = described.toJsonText();
        assertTrue(text.contains("\"inputs\": [\"a\", \"stem.relu\"]") || text.contains("\"inputs\": [\n"), text);
    }

    @Test
    void modelFileRoundTripIsBitwise() throws Exception {
        Model m = model(2);
        for (NamedParam p : NamedParam.of(m.network())) {
            if (!p.param().isTrainable()) for (int i = 0; i < p.param().value().size(); i++) p.param().value().data()[i] += 0.01f * (i % 5);
        }
        m.network().setTraining(false);
        Path f = dir.resolve("branchy.safetensors");
        ModelFile.save(m, f, false);
        assertTrue(SafeTensors.read(f).tensors().containsKey("se.conv.weight"), "torch-style node names in the file");
        Model back = ModelFile.load(f);
        assertInstanceOf(Graph.class, back.network());
        assertEquals(m.spec(), back.spec());
        Tensor x = ModelFileTest.randomImages(4, m.spec().input(), 9);
        assertArrayEquals(m.predict(x).data(), back.predict(x).data());
        assertArrayEquals(TrainerTest.weights(m), TrainerTest.weights(back));
    }

    @Test
    void summaryListsEveryNodeWithWhatItReads() throws Exception {
        Summary s = Summary.of(model(0));
        List<String> names = s.rows().stream().map(Summary.Row::name).toList();
        assertEquals(List.of("stem", "stem.bn", "stem.relu", "a", "b", "sum", "cat", "pool", "se.pool", "se.conv", "se.gate",
                "scaled", "drop", "flat", "fc"), names);
        Summary.Row sum = s.rows().get(5), cat = s.rows().get(6), scaled = s.rows().get(11), b = s.rows().get(4);
        assertEquals("Add <- a, stem.relu", sum.layer());
        assertEquals(4 * 8 * 8, sum.flops());
        assertEquals("Concat(dim=1) <- sum, b", cat.layer());
        assertArrayEquals(new int[] {6, 8, 8}, cat.outputShape());
        assertEquals(6 * 4 * 4, scaled.flops());
        assertTrue(b.layer().endsWith("<- stem.relu"), b.layer());
        long rowFlops = s.rows().stream().mapToLong(Summary.Row::flops).sum();
        assertEquals(rowFlops, s.totalFlops());
        assertEquals(NamedParam.of(model(0).network()).stream().mapToLong(p -> p.param().value().size()).sum(), s.totalParams());
        String table = s.format();
        assertTrue(table.contains("Mul <- pool, se.gate"), table);
    }

    @Test
    void aGraphNestsAsALayerOfASequential() throws Exception {
        String spec = """
                {"input": [2, 4, 4], "classes": 2, "layers": [
                  {"type": "Conv2d", "in_channels": 2, "out_channels": 3, "kernel_size": 1},
                  {"type": "Graph", "input": "x", "nodes": [
                     {"name": "left", "type": "ReLU"},
                     {"name": "right", "type": "Conv2d", "in_channels": 3, "out_channels": 3, "kernel_size": 3, "padding": 1, "inputs": ["x"]},
                     {"name": "join", "type": "Concat", "inputs": ["left", "right"]}]},
                  {"type": "GlobalAvgPool2d"}, {"type": "Flatten"},
                  {"type": "Linear", "in_features": 6, "out_features": 2}]}""";
        Model m = NetworkSpec.parse(spec, "nested.json").build(0);
        assertEquals(List.of("0.weight", "0.bias", "1.right.weight", "1.right.bias", "4.weight", "4.bias"),
                NamedParam.of(m.network()).stream().map(NamedParam::name).toList());
        assertEquals(List.of("0", "1", "1.left", "1.right", "1.join", "2", "3", "4"),
                Summary.of(m).rows().stream().map(Summary.Row::name).toList());
        NetworkSpec described = NetworkSpec.describe("n", m.network(), new int[] {2, 4, 4}, 2);
        assertEquals(described, NetworkSpec.parse(described.toJsonText(), "d.json"));
        Tensor x = ModelFileTest.randomImages(2, new int[] {2, 4, 4}, 1);
        m.network().setTraining(true);
        Tensor y = m.network().forward(x);
        assertArrayEquals(new int[] {2, 2}, y.shape());
        assertArrayEquals(x.shape(), m.network().backward(y).shape());
    }

    @Test
    void theDocsGraphExampleBuildsAndReadsLikeThisTestsSpec() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/files.md"));
        String section = doc.substring(doc.indexOf("### Graphs"));
        int start = section.indexOf("```yaml\n") + "```yaml\n".length();
        NetworkSpec spec = NetworkSpec.parse(section.substring(start, section.indexOf("```", start)), "files.md", SpecSyntax.YAML);
        Graph g = assertInstanceOf(Graph.class, spec.build(0).network());
        assertEquals(13, g.nodes().size());
        assertArrayEquals(new int[] {6, 4, 4}, g.valueShapes(spec.input()).get("scaled"));
    }

    @Test
    void badGraphSpecsFailNamingTheNodeAndField() {
        assertError("branchy.json.graph: Graph node 'sum' (Add): reads 'nope'", "\"inputs\": [\"a\", \"stem.relu\"]", "\"inputs\": [\"a\", \"nope\"]",
                "reads 'nope', which is neither the input 'input' nor a node");
        assertError("branchy.json.graph.nodes[6] (cat).type", "\"type\": \"Concat\"", "\"type\": \"Cat\"",
                "unknown type \"Cat\"", "merge types: [Add, Mul, Concat]");
        assertError("branchy.json.graph.nodes[6] (cat): unknown field \"axis\"", "\"dim\": 1", "\"axis\": 1");
        assertError("branchy.json.graph: Graph: two nodes are named 'a'", "{\"name\": \"b\",", "{\"name\": \"a\",");
        assertError("branchy.json.graph: input of shape [1, 8, 8] does not fit: Graph node 'sum' (Add) reading 'a' [5, 8, 8], 'stem.relu' [4, 8, 8]",
                "\"in_channels\": 4, \"out_channels\": 4, \"kernel_size\": 3", "\"in_channels\": 4, \"out_channels\": 5, \"kernel_size\": 3");
        assertError("branchy.json.graph: Graph node 'fc' (Linear(96->3)): its value does not lead to the output 'flat'",
                "\"output\": \"fc\"", "\"output\": \"flat\"");
        assertError("branchy.json.graph: Graph: the output 'logits' is not a node", "\"output\": \"fc\"", "\"output\": \"logits\"");
        assertError("a spec has \"layers\" (a sequence) or \"graph\", not both", "\"graph\": {", "\"layers\": [{\"type\": \"ReLU\"}], \"graph\": {");
        assertError("branchy.json.graph.nodes[11] (scaled).inputs: entry 1 is a number", "[\"pool\", \"se.gate\"]", "[\"pool\", 3]");
    }

    private static void assertError(String part, String from, String to, String... more) {
        assertTrue(SPEC.contains(from), from);
        String bad = SPEC.replace(from, to);
        FormatException e = assertThrows(FormatException.class, () -> NetworkSpec.parse(bad, "branchy.json"));
        String m = e.getMessage();
        assertTrue(m.contains(part), "expected \"" + part + "\" in: " + m);
        for (String x : more) assertTrue(m.contains(x), "expected \"" + x + "\" in: " + m);
    }
}
