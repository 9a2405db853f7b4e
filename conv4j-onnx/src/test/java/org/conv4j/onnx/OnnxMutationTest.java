package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conv4j.fuzz.OnnxFuzzer;
import org.conv4j.onnx.proto.OnnxProto.AttributeProto;
import org.conv4j.onnx.proto.OnnxProto.GraphProto;
import org.conv4j.onnx.proto.OnnxProto.ModelProto;
import org.conv4j.onnx.proto.OnnxProto.NodeProto;
import org.conv4j.onnx.proto.OnnxProto.TensorProto;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation testing of the ONNX import, in every build: byte-level damage (flips, truncation,
 * splices) and structure-level damage (rewired node inputs making cycles, dims, op types, attributes) of the
 * fuzz corpus. Each mutant must import or fail with a FormatException naming the input, within a second;
 * anything else (another exception, an error, a hang) fails the test with the seed that reproduces it.
 */
class OnnxMutationTest {
    static final Path CORPUS = Path.of("src/test/resources/org/conv4j/fuzz/OnnxFuzzTestInputs/onnx");
    /** 250 per seed in every build; -Donnx.mutants=N for a longer run. */
    static final int MUTANTS_PER_SEED = Integer.getInteger("onnx.mutants", 250);

    static List<byte[]> seeds() throws Exception {
        List<byte[]> s = new ArrayList<>();
        try (var files = Files.list(CORPUS)) {
            // the hand-made seeds (*.onnx); the fuzzer's own finds (named by hash) are replayed by LoaderFuzzTest
            for (Path p : files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList()) s.add(Files.readAllBytes(p));
        }
        s.add(Onnx.export(TestNets.residualNet(1), new int[] {3, 16, 16}, "resnet").toByteArray());
        return s;
    }

    @Test
    void mutantsImportOrFailWithAFormatException() throws Exception {
        int imported = 0, rejected = 0;
        List<byte[]> seeds = seeds();
        for (int s = 0; s < seeds.size(); s++) {
            ModelProto base = ModelProto.parseFrom(seeds.get(s));
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                long seed = s * 1_000_003L + i;
                Rng rng = new Rng(seed);
                byte[] mutant = (i % 2 == 0) ? bytes(seeds.get(s), rng) : structure(base, rng).toByteArray();
                long t0 = System.nanoTime();
                try {
                    if (OnnxFuzzer.importOrReject(mutant)) imported++;
                    else rejected++;
                } catch (Throwable t) {
                    fail("mutant " + seed + " of seed file " + s + " threw " + t, t);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 10_000, "mutant " + seed + " took " + ms + " ms");
            }
        }
        System.out.printf("ONNX mutation test: %d mutants, %d imported, %d rejected%n", seeds.size() * MUTANTS_PER_SEED, imported, rejected);
        assertTrue(imported > 0, "some mutants (e.g. flipped weight bits) still import");
        assertTrue(rejected > seeds.size() * MUTANTS_PER_SEED / 4, "most mutants are rejected");
    }

    static byte[] bytes(byte[] in, Rng rng) {
        byte[] b = in.clone();
        switch (rng.nextInt(4)) {
            case 0 -> { for (int k = 0, n = 1 + rng.nextInt(8); k < n; k++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8)); }
            case 1 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            case 2 -> {  // splice a chunk of the file over another place
                int from = rng.nextInt(b.length), to = rng.nextInt(b.length), len = Math.min(1 + rng.nextInt(64), Math.min(b.length - from, b.length - to));
                System.arraycopy(in, from, b, to, len);
            }
            default -> { for (int k = 0, n = 1 + rng.nextInt(4); k < n; k++) b[rng.nextInt(b.length)] = (byte) (rng.nextInt(3) == 0 ? 0xff : rng.nextInt(256)); }
        }
        return b;
    }

    static final String[] OPS = {"Relu", "Conv", "Add", "Gemm", "MatMul", "Reshape", "Shape", "Gather", "Concat", "Pad", "Softmax",
            "BatchNormalization", "MaxPool", "Constant", "Identity", "Erf", "Loop", "Flatten", "GlobalAveragePool", "Mul", "Sub", "Div"};

    static ModelProto structure(ModelProto m, Rng rng) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        List<String> values = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) values.addAll(n.getOutputList());
        for (TensorProto t : g.getInitializerList()) values.add(t.getName());
        values.add(g.getInput(0).getName());
        int n = g.getNodeCount();
        switch (rng.nextInt(6)) {
            case 0 -> {  // rewire an input: may create a cycle, a fork or a dangling branch
                int i = rng.nextInt(n);
                NodeProto node = g.getNode(i);
                if (node.getInputCount() > 0) g.setNode(i, node.toBuilder().setInput(rng.nextInt(node.getInputCount()), values.get(rng.nextInt(values.size()))));
            }
            case 1 -> {  // change a tensor's dims
                if (g.getInitializerCount() > 0) {
                    int i = rng.nextInt(g.getInitializerCount());
                    TensorProto.Builder t = g.getInitializer(i).toBuilder();
                    long[] choices = {0, 1, -1, 3, 1L << 31, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
                    if (t.getDimsCount() > 0) t.setDims(rng.nextInt(t.getDimsCount()), choices[rng.nextInt(choices.length)]);
                    else t.addDims(choices[rng.nextInt(choices.length)]);
                    g.setInitializer(i, t);
                }
            }
            case 2 -> {  // change an op type
                int i = rng.nextInt(n);
                g.setNode(i, g.getNode(i).toBuilder().setOpType(OPS[rng.nextInt(OPS.length)]));
            }
            case 3 -> {  // change or add an integer attribute
                int i = rng.nextInt(n);
                NodeProto.Builder node = g.getNode(i).toBuilder();
                String[] names = {"kernel_shape", "strides", "pads", "dilations", "group", "axis", "transB", "ceil_mode", "count_include_pad", "auto_pad"};
                long[] vals = {0, -1, 1, 2, 7, 1 << 20, Long.MAX_VALUE};
                AttributeProto.Builder a = AttributeProto.newBuilder().setName(names[rng.nextInt(names.length)]);
                if (rng.nextBoolean()) {
                    a.setType(AttributeProto.AttributeType.INT).setI(vals[rng.nextInt(vals.length)]);
                } else {
                    a.setType(AttributeProto.AttributeType.INTS);
                    for (int k = 0, c = rng.nextInt(5); k < c; k++) a.addInts(vals[rng.nextInt(vals.length)]);
                }
                node.addAttribute(0, a);
                g.setNode(i, node);
            }
            case 4 -> {  // drop a node
                g.removeNode(rng.nextInt(n));
            }
            default -> {  // duplicate a node (a value produced twice) or swap two nodes' outputs
                int i = rng.nextInt(n), j = rng.nextInt(n);
                if (rng.nextBoolean()) {
                    g.addNode(g.getNode(i));
                } else {
                    NodeProto a = g.getNode(i), b = g.getNode(j);
                    if (a.getOutputCount() > 0 && b.getOutputCount() > 0) {
                        g.setNode(i, a.toBuilder().setOutput(0, b.getOutput(0)));
                        g.setNode(j, b.toBuilder().setOutput(0, a.getOutput(0)));
                    }
                }
            }
        }
        return m.toBuilder().setGraph(g).build();
    }
}
