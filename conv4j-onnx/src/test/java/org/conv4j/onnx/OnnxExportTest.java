package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.conv4j.model.Sequential;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * conv4j models exported to ONNX run in ONNX Runtime 1.22 (a real client, test scope only) with outputs
 * equal to conv4j's within 1e-5 relative, at several batch sizes (the batch dimension is symbolic).
 */
class OnnxExportTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** Runs the exported bytes in ONNX Runtime on {@code x}. */
    static Tensor runOrt(ModelProto model, Tensor x) throws Exception {
        return runOrt(model, x, OnnxWriter.INPUT, OnnxWriter.OUTPUT);
    }

    /** Runs a model in ONNX Runtime, feeding {@code x} as {@code input} and returning {@code output}. */
    static Tensor runOrt(ModelProto model, Tensor x, String input, String output) throws Exception {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = ENV.createSession(model.toByteArray(), opts)) {
                long[] shape = new long[x.rank()];
                for (int i = 0; i < shape.length; i++) shape[i] = x.dim(i);
                try (OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x.data()), shape);
                     OrtSession.Result r = session.run(Map.of(input, in))) {
                    OnnxTensor out = (OnnxTensor) r.get(output).orElseThrow();
                    long[] s = out.getInfo().getShape();
                    int[] is = new int[s.length];
                    for (int i = 0; i < s.length; i++) is[i] = (int) s[i];
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    return Tensor.wrap(v, is);
                }
            }
        }
    }

    static void checkInOrt(String name, Sequential net, int... item) throws Exception {
        ModelProto model = Onnx.export(net, item, name);
        assertEquals(13, model.getOpsetImport(0).getVersion());
        for (int batch : new int[] {1, 5}) {
            Tensor x = TestNets.input(batch, batch, item);
            Tensor expected = net.infer(x);
            Tensor got = runOrt(model, x);
            double err = OnnxImportTest.maxRelErr(got, expected);
            System.out.printf("ONNX Runtime vs conv4j, %s batch %d: max rel err %.2e%n", name, batch, err);
            assertTrue(err <= 1e-5, name + " batch " + batch + ": ONNX Runtime vs conv4j max relative error " + err);
        }
    }

    @Test
    void referenceCnnRunsInOnnxRuntime() throws Exception {
        checkInOrt("reference", TestNets.referenceCnn(1), 1, 28, 28);
    }

    @Test
    void residualNetWithBatchNormRunsInOnnxRuntime() throws Exception {
        Sequential net = TestNets.residualNet(2);
        checkInOrt("resnet", net, 3, 16, 16);
        ModelProto m = Onnx.export(net, new int[] {3, 16, 16}, "resnet");
        Set<String> ops = new HashSet<>();
        for (NodeProto n : m.getGraph().getNodeList()) ops.add(n.getOpType());
        assertTrue(ops.containsAll(Set.of("Conv", "BatchNormalization", "Add", "GlobalAveragePool", "Gemm")), ops.toString());
        Set<String> names = new HashSet<>();
        for (TensorProto t : m.getGraph().getInitializerList()) names.add(t.getName());
        assertTrue(names.contains("3.block.1.running_mean"), "torch-style initializer names: " + names);
        assertTrue(names.contains("5.shortcut.0.weight"), "torch-style initializer names: " + names);
    }

    @Test
    void stridedDilatedGroupedNetRunsInOnnxRuntime() throws Exception {
        Sequential net = TestNets.convZoo(3);
        checkInOrt("zoo", net, 4, 17, 14);
        ModelProto m = Onnx.export(net, new int[] {4, 17, 14}, "zoo");
        for (NodeProto n : m.getGraph().getNodeList()) assertTrue(!n.getOpType().equals("Dropout"), "dropout is omitted");
    }

    /** A model file's normalisation is part of the exported graph, and import restores it. */
    @Test
    void normalisationTravelsWithTheModel() throws Exception {
        for (float[][] ms : new float[][][] {{{0.5f}, {0.25f}}, {{0.1f, 0.2f, 0.3f}, {0.9f, 0.8f, 0.7f}}}) {
            Sequential net = ms[0].length == 1 ? TestNets.tiny(7) : TestNets.residualNet(7);
            int[] item = ms[0].length == 1 ? new int[] {1, 4, 4} : new int[] {3, 16, 16};
            int classes = net.outputShape(item)[0];
            org.conv4j.model.Model model = new org.conv4j.model.Model(
                    org.conv4j.model.NetworkSpec.describe("norm", net, item, classes).withNormalize(ms[0], ms[1]), net);
            Tensor x = TestNets.input(3, 4, item);
            for (int i = 0; i < x.size(); i++) x.data()[i] = Math.abs(x.data()[i]) % 1f;  // pixels in [0, 1]
            ModelProto onnx = Onnx.export(model);
            assertEquals("Sub", onnx.getGraph().getNode(0).getOpType());
            double err = OnnxImportTest.maxRelErr(runOrt(onnx, x), model.logits(x));
            assertTrue(err <= 1e-5, "ONNX Runtime on raw pixels vs conv4j logits: " + err);
            org.conv4j.model.Model back = Onnx.importModel(onnx, "norm", null).toModel("norm");
            assertArrayEquals(ms[0], back.spec().mean());
            assertArrayEquals(ms[1], back.spec().std());
            assertArrayEquals(model.logits(x).data(), back.logits(x).data());
        }
    }

    @Test
    void batchDimensionIsSymbolic() {
        ModelProto m = Onnx.export(TestNets.referenceCnn(1), new int[] {1, 28, 28}, "ref");
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals("N", m.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(10, m.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    }

    @Test
    void roundTripGivesIdenticalPredictions() throws Exception {
        for (Object[] c : new Object[][] {
                {TestNets.referenceCnn(4), new int[] {1, 28, 28}},
                {TestNets.residualNet(5), new int[] {3, 16, 16}},
                {TestNets.convZoo(6), new int[] {4, 17, 14}}}) {
            Sequential net = (Sequential) c[0];
            int[] item = (int[]) c[1];
            ModelProto m = Onnx.export(net, item, "rt");
            Onnx.Imported back = Onnx.importModel(ModelProto.parseFrom(m.toByteArray()), "round trip", null);
            assertArrayEquals(item, back.inputShape());
            assertEquals(net.params().size(), back.network().params().size(), "same parameter count");
            Tensor x = TestNets.input(9, 3, item);
            assertArrayEquals(net.infer(x).data(), back.network().infer(x).data(), "bitwise identical predictions");
        }
    }
}
