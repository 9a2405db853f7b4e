package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.model.GraphSpecTest;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.report.Explainer;
import org.conv4j.report.FeatureMaps;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summary} and {@code explain} on a graph network: they run and name the nodes. */
class GraphCliTest {
    @TempDir Path dir;

    @Test
    void summaryOfAGraphSpecFileShowsEveryNode() throws Exception {
        Path spec = dir.resolve("branchy.json");
        Files.writeString(spec, GraphSpecTest.SPEC);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"summary", "--model", spec.toString()},
                new PrintStream(o), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(Command.OK, code);
        String text = o.toString(StandardCharsets.UTF_8);
        for (String s : List.of("stem.bn", "Add <- a, stem.relu", "Concat(dim=1) <- sum, b", "Mul <- pool, se.gate", "fc ")) {
            assertTrue(text.contains(s), "\"" + s + "\" in:\n" + text);
        }
    }

    @Test
    void explainTracesTheGraphByNodeName() throws Exception {
        Model m = GraphSpecTest.model(4);
        m.network().setTraining(false);
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(m, file, false);
        Tensor x = new Tensor(1, 1, 8, 8);
        Rng r = new Rng(1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat();
        FeatureMaps.Trace t = FeatureMaps.trace(m.network(), m.preprocess(x));
        assertEquals(List.of("stem", "a", "b", "sum", "cat", "pool", "se.pool", "se.conv", "scaled"),
                t.stages().stream().map(FeatureMaps.Stage::path).toList());
        assertTrue(java.util.Arrays.equals(m.logits(x).data(), t.output().data()), "the trace ends in the model's logits");
        Explainer.Result res = Explainer.explain(ModelFile.load(file), x, dir.resolve("ex"), true);
        List<String> files = res.files().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(files.contains("layerse-conv_conv2d.png") && files.contains("layercat_concat.png"), files.toString());
        assertTrue(Files.readString(dir.resolve("ex").resolve(Explainer.HTML)).contains("After layer sum (Add)"));
    }
}
