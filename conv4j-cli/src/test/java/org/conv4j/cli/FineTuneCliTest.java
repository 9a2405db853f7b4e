package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Normalization;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.FineTuneTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conv4j train --model FILE --replace-head --freeze ... --backbone-lr ...} end to end, and its usage errors. */
class FineTuneCliTest {
    @TempDir Path dir;

    record Run(int code, String err) {}

    Run train(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new PrintStream(o), new PrintStream(e));
        return new Run(code, e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void fineTunesAModelFileOnAnImageFolder() throws Exception {
        Path data = dir.resolve("shapes");
        FineTuneTest.writeShapes(data, 8, 4, 3);
        Model pre = NetworkSpec.parse(FineTuneTest.GRAPH_SPEC, "branchy").build(1);
        Path file = dir.resolve("branchy.safetensors");
        ModelFile.save(pre, file, false);

        Run r = train("--model", file.toString(), "--data", data.toString(), "--out", dir.resolve("run").toString(),
                "--replace-head", "--freeze", "b2", "--lr", "0.01", "--backbone-lr", "0.001", "--resized-crop", "--flip",
                "--imagenet-norm", "--epochs", "1", "--batch", "8", "--quiet");
        assertEquals(Command.OK, r.code(), r.err());
        assertTrue(r.err().contains("new head 'fc' for 3 classes [bar, disk, square]"), r.err());
        Model m = ModelFile.load(dir.resolve("run/model.safetensors"));
        assertEquals(3, m.classes());
        assertEquals(List.of("bar", "disk", "square"), m.spec().classNames());
        assertArrayEquals(Normalization.IMAGENET.mean(), m.spec().mean());
        var before = NamedParam.byName(pre.network());
        for (NamedParam p : NamedParam.of(m.network())) {
            boolean frozen = p.name().startsWith("stem.") || p.name().startsWith("b2.");
            if (frozen) assertArrayEquals(before.get(p.name()).param().value().data(), p.param().value().data(), p.name());
            else if (!p.name().startsWith("fc.") && !p.name().endsWith("num_batches_tracked")) {
                assertFalse(Arrays.equals(before.get(p.name()).param().value().data(), p.param().value().data()), p.name() + " trains");
            }
        }
        Checkpoint c = Checkpoint.load(dir.resolve("run/checkpoint.safetensors"));
        assertEquals("b2", c.config().freezeUntil());
        assertEquals(0.001, c.config().backboneLr(), 0);
    }

    @Test
    void fineTuningOptionsNeedAModelFile() {
        Run r = train("--model", "reference", "--freeze", "3");
        assertEquals(Command.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("model file"), r.err());
    }

    @Test
    void anUnknownFreezeNameListsTheLayers() throws Exception {
        Path data = dir.resolve("shapes");
        FineTuneTest.writeShapes(data, 2, 1, 3);
        Path file = dir.resolve("branchy.safetensors");
        ModelFile.save(NetworkSpec.parse(FineTuneTest.GRAPH_SPEC, "branchy").build(1), file, false);
        Run r = train("--model", file.toString(), "--data", data.toString(), "--out", dir.resolve("run").toString(),
                "--replace-head", "--freeze", "layer9", "--quiet");
        assertNotEquals(Command.OK, r.code());
        assertTrue(r.err().contains("layer9") && r.err().contains("stem.conv"), r.err());
    }
}
