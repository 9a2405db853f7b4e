package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.conv4j.io.FormatException;
import org.conv4j.onnx.proto.OnnxProto.AttributeProto;
import org.conv4j.onnx.proto.OnnxProto.GraphProto;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.StringStringEntryProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile .onnx files: every one is a {@link FormatException} naming what is wrong, found fast,
 * with no allocation beyond what the file's size proves.
 */
class OnnxHostileTest {
    @TempDir Path dir;

    static final Duration FAST = Duration.ofSeconds(2);

    /** A valid exported model to damage: conv → relu → flatten → linear on [1, 4, 4]. */
    static ModelProto small() {
        return Onnx.export(TestNets.tiny(1), new int[] {1, 4, 4}, "tiny");
    }

    private FormatException rejects(ModelProto model, String... words) throws Exception {
        Path f = dir.resolve("m.onnx");
        Files.write(f, model.toByteArray());
        return rejects(f, words);
    }

    private FormatException rejects(Path f, String... words) {
        FormatException e = assertTimeoutPreemptively(FAST, () -> assertThrows(FormatException.class, () -> Onnx.importFile(f)));
        for (String w : words) assertTrue(e.getMessage().contains(w), "message should mention '" + w + "': " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    private static ModelProto withInitializer(ModelProto m, int index, TensorProto t) {
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(index, t)).build();
    }

    private static int initializerIndex(ModelProto m, String name) {
        for (int i = 0; i < m.getGraph().getInitializerCount(); i++) if (m.getGraph().getInitializer(i).getName().equals(name)) return i;
        throw new AssertionError("no initializer " + name);
    }

    @Test
    void validSmallModelImports() throws Exception {
        Path f = dir.resolve("ok.onnx");
        Files.write(f, small().toByteArray());
        Onnx.Imported m = Onnx.importFile(f);
        Tensor x = TestNets.input(1, 2, 1, 4, 4);
        assertArrayEquals(TestNets.tiny(1).infer(x).data(), m.network().infer(x).data());
    }

    @Test
    void everyTruncationIsAFormatException() throws Exception {
        byte[] all = small().toByteArray();
        Path f = dir.resolve("t.onnx");
        for (int len = 0; len < all.length; len += Math.max(1, all.length / 200)) {
            Files.write(f, Arrays.copyOf(all, len));
            rejects(f);
        }
    }

    @Test
    void garbageAndEmptyFiles() throws Exception {
        Path f = dir.resolve("g.onnx");
        Files.write(f, new byte[0]);
        rejects(f, "empty");
        Files.write(f, "this is not protobuf at all, just text\n".getBytes());
        rejects(f);
        Files.write(f, new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});  // 4 GiB field length
        rejects(f);
    }

    @Test
    void fileLargerThanTheCeilingIsRefusedBeforeReading() throws Exception {
        Path f = dir.resolve("big.onnx");
        Files.write(f, small().toByteArray());
        FormatException e = assertThrows(FormatException.class, () -> OnnxFile.read(f, 100));
        assertTrue(e.getMessage().contains("ceiling"), e.getMessage());
    }

    @Test
    void hugeDeclaredTensorSizes() throws Exception {
        ModelProto m = small();
        int i = initializerIndex(m, "0.weight");
        TensorProto w = m.getGraph().getInitializer(i);
        // dims declare 2^60 elements, raw_data holds 36 floats
        rejects(withInitializer(m, i, w.toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20).addDims(1L << 20).addDims(1).build()),
                "0.weight", "elements");
        // dims product overflows 64 bits
        rejects(withInitializer(m, i, w.toBuilder().clearDims().addDims(Long.MAX_VALUE).addDims(4).addDims(1).addDims(1).build()),
                "0.weight", "elements");
        // negative dim
        rejects(withInitializer(m, i, w.toBuilder().setDims(0, -4).build()), "0.weight", "non-negative");
        // raw_data shorter than dims say
        rejects(withInitializer(m, i, w.toBuilder().setRawData(w.getRawData().substring(0, 8)).build()), "0.weight", "raw_data");
        // float_data count disagreeing with dims
        rejects(withInitializer(m, i, w.toBuilder().clearRawData().addFloatData(1f).build()), "0.weight", "float_data");
        // wrong element type
        rejects(withInitializer(m, i, w.toBuilder().setDataType(TensorProto.DataType.STRING_VALUE).build()), "0.weight", "STRING");
    }

    private static TensorProto external(TensorProto w, String location, long offset, long length) {
        TensorProto.Builder b = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        if (length >= 0) b.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        return b.build();
    }

    @Test
    void externalDataInsideTheFolderLoads() throws Exception {
        ModelProto m = small();
        int i = initializerIndex(m, "0.weight");
        TensorProto w = m.getGraph().getInitializer(i);
        byte[] raw = w.getRawData().toByteArray();
        byte[] file = new byte[16 + raw.length];
        System.arraycopy(raw, 0, file, 16, raw.length);
        Files.createDirectories(dir.resolve("weights"));
        Files.write(dir.resolve("weights/w.bin"), file);
        Path f = dir.resolve("ext.onnx");
        Files.write(f, withInitializer(m, i, external(w, "weights/w.bin", 16, raw.length)).toByteArray());
        Tensor x = TestNets.input(2, 3, 1, 4, 4);
        assertArrayEquals(TestNets.tiny(1).infer(x).data(), Onnx.importFile(f).network().infer(x).data());
    }

    @Test
    void externalDataEscapingTheFolderIsRefused() throws Exception {
        ModelProto m = small();
        int i = initializerIndex(m, "0.weight");
        TensorProto w = m.getGraph().getInitializer(i);
        Path inner = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), new byte[4096]);
        Path f = inner.resolve("m.onnx");
        Files.write(f, withInitializer(m, i, external(w, "../secret.bin", 0, -1)).toByteArray());
        rejects(f, "outside");
        Files.write(f, withInitializer(m, i, external(w, dir.resolve("secret.bin").toString(), 0, -1)).toByteArray());
        rejects(f, "absolute");
        Files.write(f, withInitializer(m, i, external(w, "a/../../secret.bin", 0, -1)).toByteArray());
        rejects(f, "outside");
        Files.createSymbolicLink(inner.resolve("link.bin"), dir.resolve("secret.bin"));
        Files.write(f, withInitializer(m, i, external(w, "link.bin", 0, -1)).toByteArray());
        rejects(f, "outside");
        Files.write(inner.resolve("short.bin"), new byte[10]);
        Files.write(f, withInitializer(m, i, external(w, "short.bin", 0, -1)).toByteArray());
        rejects(f, "only 10 bytes");
        Files.write(f, withInitializer(m, i, external(w, "short.bin", Long.MAX_VALUE, -1)).toByteArray());
        rejects(f, "only 10 bytes");
        Files.write(f, withInitializer(m, i, external(w, "missing.bin", 0, -1)).toByteArray());
        rejects(f, "does not exist");
    }

    @Test
    void sparseExternalFileCannotForceAHugeAllocation() throws Exception {
        // A 3 GiB sparse file holds what dims [1<<29, 1, 1, 1] declare; the per-tensor ceiling refuses it first.
        ModelProto m = small();
        int i = initializerIndex(m, "0.weight");
        TensorProto w = m.getGraph().getInitializer(i);
        try (var raf = new java.io.RandomAccessFile(dir.resolve("sparse.bin").toFile(), "rw")) {
            raf.setLength(3L << 30);
        }
        TensorProto huge = external(w, "sparse.bin", 0, -1).toBuilder().clearDims().addDims(1 << 29).addDims(1).addDims(1).addDims(1).build();
        rejects(withInitializer(m, i, huge), "0.weight", "elements");
    }

    @Test
    void graphCyclesAndUndefinedValuesAreRefused() throws Exception {
        ModelProto m = small();
        GraphProto g = m.getGraph();
        // relu_a reads b, relu_b reads a: a cycle beside the real path
        GraphProto cyclic = g.toBuilder()
                .addNode(NodeProto.newBuilder().setName("relu_a").setOpType("Relu").addInput("b").addOutput("a"))
                .addNode(NodeProto.newBuilder().setName("relu_b").setOpType("Relu").addInput("a").addOutput("b"))
                .build();
        rejects(m.toBuilder().setGraph(cyclic).build(), "cycle");
        // a node reading its own output
        NodeProto first = g.getNode(0);
        GraphProto self = g.toBuilder().setNode(0, first.toBuilder().setInput(0, first.getOutput(0))).build();
        rejects(m.toBuilder().setGraph(self).build(), "cycle");
        GraphProto undefined = g.toBuilder().setNode(0, first.toBuilder().setInput(0, "nowhere")).build();
        rejects(m.toBuilder().setGraph(undefined).build(), "nowhere");
        GraphProto twice = g.toBuilder().addNode(first).build();
        rejects(m.toBuilder().setGraph(twice).build(), "two nodes");
    }

    @Test
    void normalisationThatIsNotTheWholeInputIsRefused() throws Exception {
        org.conv4j.model.Sequential net = TestNets.tiny(1);
        org.conv4j.model.Model model = new org.conv4j.model.Model(
                org.conv4j.model.NetworkSpec.describe("n", net, new int[] {1, 4, 4}, 3).withNormalize(new float[] {0.5f}, new float[] {0.2f}), net);
        ModelProto m = Onnx.export(model);
        GraphProto g = m.getGraph();
        assertTrue(g.getNode(0).getOpType().equals("Sub") && g.getNode(2).getOpType().equals("Conv"));
        // the conv reads the raw input while Sub/Div normalise it for nobody
        GraphProto raw = g.toBuilder().setNode(2, g.getNode(2).toBuilder().setInput(0, OnnxWriter.INPUT)).build();
        rejects(m.toBuilder().setGraph(raw).build(), "elsewhere");
    }

    @Test
    void unsupportedOpNamesOpAndNode() throws Exception {
        ModelProto m = small();
        GraphProto g = m.getGraph();
        NodeProto relu = g.getNode(1);
        GraphProto lstm = g.toBuilder().setNode(1, relu.toBuilder().setOpType("LSTM").setName("my_lstm")).build();
        FormatException e = rejects(m.toBuilder().setGraph(lstm).build(), "LSTM", "my_lstm");
        assertTrue(e instanceof OnnxReader.UnsupportedOpException, e.getClass().getName());
    }

    @Test
    void deeplyNestedGraphsHitTheNestingLimit() throws Exception {
        GraphProto inner = GraphProto.newBuilder().setName("leaf").build();
        for (int d = 0; d < 200; d++) {
            NodeProto n = NodeProto.newBuilder().setOpType("If").addAttribute(AttributeProto.newBuilder().setName("then_branch")
                    .setType(AttributeProto.AttributeType.GRAPH).setG(inner)).build();
            inner = GraphProto.newBuilder().addNode(n).build();
        }
        ModelProto m = small().toBuilder().setGraph(inner).build();
        rejects(m);
    }

    @Test
    void manyTinyNodesStayLinear() throws Exception {
        // 20k Identity nodes in a chain: accepted, in linear time and without stack overflow.
        ModelProto m = small();
        GraphProto.Builder g = m.getGraph().toBuilder();
        NodeProto first = g.getNode(0);
        String prev = first.getInput(0);
        for (int i = 0; i < 20_000; i++) {
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName("id" + i).addInput(prev).addOutput("v" + i));
            prev = "v" + i;
        }
        g.setNode(0, first.toBuilder().setInput(0, prev));
        Path f = dir.resolve("long.onnx");
        Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Onnx.importFile(f));
        System.out.printf("import of a 20k-node chain: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void rawDataOfInt64ShapeMismatch() throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("shape").setDataType(TensorProto.DataType.INT64_VALUE).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[12])).build();
        assertThrows(FormatException.class, () -> OnnxTensors.toLongs(t, new OnnxTensors.Source("x.onnx", null)));
    }
}
