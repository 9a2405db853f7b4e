package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir Path dir;
    static final Path FIX = Path.of("src/test/resources/fixtures/modelfile");

    static Tensor randomImages(int n, int[] in, long seed) {
        Tensor x = new Tensor(n, in[0], in[1], in[2]);
        Rng r = new Rng(seed);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat();
        return x;
    }

    @Test
    void roundTripGivesBitwiseIdenticalPredictions() throws Exception {
        for (String name : Zoo.NAMES) {
            Model m = Zoo.spec(name).build(7);
            // move BN running stats off their defaults so buffers are really checked
            for (NamedParam p : NamedParam.of(m.network())) {
                if (!p.param().isTrainable()) for (int i = 0; i < p.param().value().size(); i++) p.param().value().data()[i] += 0.01f * (i % 7);
            }
            Path f = dir.resolve(name + ".safetensors");
            ModelFile.save(m, f);
            Model back = ModelFile.load(f);
            assertEquals(m.spec(), back.spec());
            Tensor x = randomImages(3, m.spec().input(), 1);
            assertArrayEquals(m.logits(x).data(), back.logits(x).data(), name);
            assertArrayEquals(m.predict(x).data(), back.predict(x).data(), name);
        }
    }

    @Test
    void overwritingNeedsReplaceExisting() throws Exception {
        Model m = Zoo.spec("reference").build(1);
        Path f = dir.resolve("m.safetensors");
        ModelFile.save(m, f);
        assertThrows(FileAlreadyExistsException.class, () -> ModelFile.save(m, f));
        ModelFile.save(m, f, SaveOption.REPLACE_EXISTING);
    }

    @Test
    void loadsAModelWrittenByPythonAndPredictsLikeTorch() throws Exception {
        Model m = ModelFile.load(FIX.resolve("tiny_torch_model.safetensors"));
        SafeTensors.Contents io = SafeTensors.read(FIX.resolve("tiny_torch_io.safetensors"));
        float[] expected = io.get("logits").floats(), got = m.logits(io.get("x").toTensor()).data();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "logit " + i);
        }
    }

    @Test
    void pythonReadsAConv4jFileWithPlainNumpy() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(py), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(py.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "no numpy");

        Model m = Zoo.spec("resnet-mini").build(3);
        Path f = dir.resolve("resnet.safetensors");
        ModelFile.save(m, f);
        Process p = new ProcessBuilder(py.toString(), FIX.resolve("read_safetensors.py").toString(), f.toString()).start();
        byte[] outBytes = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Json.Obj out = Json.parseObject(new String(outBytes), "python output");
        assertEquals("conv4j-model", out.obj("__metadata__").str("format"));
        List<NamedParam> params = NamedParam.of(m.network());
        assertEquals(params.size() + 1, out.keys().size());
        for (NamedParam np : params) {
            Json.Obj t = out.obj(np.name());
            assertEquals("F32", t.str("dtype"));
            assertArrayEquals(np.param().value().shape(), t.intArray("shape"), np.name());
            List<Object> values = t.array("values");
            float[] v = np.param().value().data();
            for (int i = 0; i < v.length; i++) assertEquals(v[i], ((Json.Num) values.get(i)).floatValue(), np.name() + "[" + i + "]");
        }
        assertTrue(out.has("3.block.0.weight") && out.has("5.shortcut.1.running_var"), "torch-style nested names");
    }

    @Test
    void loadedModelIsSafeToShareAcrossThreads() throws Exception {
        Path f = dir.resolve("tiny.safetensors");
        ModelFile.save(org.conv4j.train.TrainerTest.model(), f);
        Model m = ModelFile.load(f);
        int perThread = 1000, threads = 8;
        Tensor[] inputs = new Tensor[perThread];
        float[][] expected = new float[perThread][];
        for (int i = 0; i < perThread; i++) {
            inputs[i] = randomImages(1, m.spec().input(), 100 + i);
            expected[i] = m.predict(inputs[i]).data();
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 37;
                results.add(pool.submit(() -> {
                    int same = 0;
                    for (int k = 0; k < perThread; k++) {
                        int i = (k + offset) % perThread;
                        if (java.util.Arrays.equals(expected[i], m.predict(inputs[i]).data())) same++;
                    }
                    return same;
                }));
            }
            for (var r : results) assertEquals(perThread, r.get(), "every concurrent prediction bitwise equal");
        } finally {
            pool.shutdown();
        }
    }

    static byte[] fileWith(Map<String, String> meta, List<SafeTensors.Entry> tensors) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SafeTensors.write(b, meta, tensors);
        return b.toByteArray();
    }

    void assertBad(byte[] bytes, String expected) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        FormatException e = assertThrows(FormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }

    @Test
    void rejectsBadModelFiles() throws Exception {
        Model m = Zoo.spec("reference").build(1);
        String spec = Json.write(m.spec().toJson());
        List<SafeTensors.Entry> ok = ModelFile.tensors(m, "");
        Map<String, String> meta = Map.of("format", "conv4j-model", "format_version", "1", "spec", spec);
        assertBad(fileWith(Map.of("format", "other"), ok), "not a conv4j model");
        assertBad(fileWith(Map.of("format", "conv4j-model", "format_version", "99", "spec", spec), ok), "newer");
        assertBad(fileWith(Map.of("format", "conv4j-model", "format_version", "1"), ok), "no \"spec\"");
        assertBad(fileWith(meta, ok.subList(1, ok.size())), "tensor 0.weight");
        List<SafeTensors.Entry> wrongShape = new java.util.ArrayList<>(ok);
        wrongShape.set(0, SafeTensors.Entry.of("0.weight", new Tensor(32, 1, 3, 2)));
        assertBad(fileWith(meta, wrongShape), "needs [32, 1, 3, 3]");
        List<SafeTensors.Entry> extra = new java.util.ArrayList<>(ok);
        extra.add(SafeTensors.Entry.of("99.weight", new Tensor(1)));
        assertBad(fileWith(meta, extra), "belongs to no layer");
        String evil = spec.replace("\"Conv2d\"", "\"java.lang.Runtime\"");
        assertBad(fileWith(Map.of("format", "conv4j-model", "format_version", "1", "spec", evil), ok), "unknown layer type");
    }
}
