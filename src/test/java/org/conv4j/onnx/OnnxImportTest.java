package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.conv4j.conv.Conv2d;
import org.conv4j.io.Npy;
import org.conv4j.layers.Linear;
import org.conv4j.model.Model;
import org.conv4j.model.Residual;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm1d;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Models exported by torch.onnx.export (PyTorch 1.13, opset 13; make_fixtures.py beside the files) import
 * and predict what torch computed, within 1e-5 relative.
 */
class OnnxImportTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/onnx");

    /** max |a - b| / max(|a|, |b|, 1) over all elements. */
    static double maxRelErr(Tensor a, Tensor b) {
        assertArrayEquals(b.shape(), a.shape(), "shape");
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.data()[i], y = b.data()[i];
            worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.max(Math.abs(x), Math.abs(y))));
        }
        return worst;
    }

    static Onnx.Imported checkAgainstTorch(String name) throws Exception {
        return checkAgainstTorch(name, name);
    }

    static Onnx.Imported checkAgainstTorch(String name, String data) throws Exception {
        Onnx.Imported m = Onnx.importFile(DIR.resolve(name + ".onnx"));
        Tensor x = Npy.readTensor(DIR.resolve(data + "_input.npy"));
        Tensor expected = Npy.readTensor(DIR.resolve(data + "_output.npy"));
        Tensor y = m.network().infer(x);
        if (m.softmaxOutput()) y = Model.softmax(y);
        double err = maxRelErr(y, expected);
        System.out.printf("conv4j import vs torch, %s: max rel err %.2e%n", name, err);
        assertTrue(err <= 1e-5, name + ": max relative error " + err + " vs torch");
        return m;
    }

    @Test
    void referenceCnnWithViewFlatten() throws Exception {
        Onnx.Imported m = checkAgainstTorch("ref_cnn");
        assertArrayEquals(new int[] {1, 28, 28}, m.inputShape());
        assertArrayEquals(new int[] {10}, m.outputShape());
        assertFalse(m.softmaxOutput());
        assertEquals(10, m.sequential().size(), m.sequential().layers().toString());  // conv relu pool x2, flatten, fc relu fc
    }

    @Test
    void resNetWithBatchNormProjectionAndSoftmax() throws Exception {
        Onnx.Imported m = checkAgainstTorch("resnet");
        assertTrue(m.softmaxOutput());
        assertFalse(m.notes().isEmpty());
        long residuals = m.sequential().layers().stream().filter(l -> l instanceof Residual).count();
        assertEquals(2, residuals);
        Residual identity = (Residual) m.sequential().layers().stream().filter(l -> l instanceof Residual).findFirst().orElseThrow();
        assertEquals(null, identity.shortcut());
        Residual projection = (Residual) m.sequential().layers().stream().filter(l -> l instanceof Residual).skip(1).findFirst().orElseThrow();
        assertEquals(2, projection.shortcut().size());  // 1x1 conv + batchnorm
        assertInstanceOf(Conv2d.class, projection.shortcut().get(0));
    }

    @Test
    void stridedDilatedGroupedConvsPoolsGeluMatMulAndBatchNorm1d() throws Exception {
        Onnx.Imported m = checkAgainstTorch("zoo");
        Sequential net = m.sequential();
        assertTrue(net.layers().stream().anyMatch(l -> l instanceof Conv2d c && c.config().groups() == 8), "depthwise conv");
        assertTrue(net.layers().stream().anyMatch(l -> l instanceof Conv2d c && c.config().dilationH() == 2), "dilated conv");
        assertTrue(net.layers().stream().anyMatch(l -> l instanceof AvgPool2d p && p.config().countIncludePad()), "Pad + AveragePool merged");
        assertTrue(net.layers().stream().anyMatch(l -> l instanceof Linear lin && lin.bias() != null && lin.config().inFeatures() == 90),
                "MatMul + Add folded into one Linear");
        assertTrue(net.layers().stream().anyMatch(l -> l instanceof BatchNorm1d), "BatchNorm1d");
    }

    /** Opset 9 (Unsqueeze axes as attribute, BatchNormalization's extra outputs), 11 and 17. */
    @Test
    void olderAndNewerOpsets() throws Exception {
        for (int opset : new int[] {9, 11, 17}) {
            Onnx.Imported m = checkAgainstTorch("opset" + opset, "opsets");
            assertTrue(m.softmaxOutput());
            assertEquals(1, m.sequential().layers().stream().filter(l -> l instanceof Residual).count(), "opset " + opset);
        }
    }

    @Test
    void torchSequential() throws Exception {
        checkAgainstTorch("sequential");
    }

    /**
     * Graphs built with python3-onnx's helpers (make_fuzz_seeds.py): residual add, Pad + AveragePool, the
     * view-flatten shape arithmetic, MatMul + Add, GELU's five nodes and a final Softmax; LeakyRelu,
     * Sigmoid, Tanh, ceil-mode MaxPool, Dropout, Identity and Gemm. ONNX Runtime is the reference.
     */
    @Test
    void handWrittenGraphsMatchOnnxRuntime() throws Exception {
        for (String name : new String[] {"mixed", "gemm"}) {
            Path f = OnnxMutationTest.CORPUS.resolve(name + ".onnx");
            Onnx.Imported m = Onnx.importFile(f);
            Tensor x = TestNets.input(11, 3, m.inputShape());
            Tensor y = m.network().infer(x);
            if (m.softmaxOutput()) y = Model.softmax(y);
            Tensor ort = OnnxExportTest.runOrt(org.conv4j.onnx.proto.OnnxProto.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(f)), x, "x", "y");
            double err = maxRelErr(y, ort);
            System.out.printf("conv4j import vs ONNX Runtime, %s: max rel err %.2e%n", name, err);
            assertTrue(err <= 1e-5, name + ": max relative error " + err + " vs ONNX Runtime");
        }
    }

    /** The imported ResNet (BatchNorm in both branches) trains: ten Adam steps on one batch halve the loss. */
    @Test
    void importedModelFineTunes() throws Exception {
        Onnx.Imported m = Onnx.importFile(DIR.resolve("resnet.onnx"));
        Sequential net = m.sequential();
        Tensor x = Npy.readTensor(DIR.resolve("resnet_input.npy"));
        int[] labels = {3, 1};
        org.conv4j.loss.CrossEntropyLoss loss = new org.conv4j.loss.CrossEntropyLoss();
        org.conv4j.optim.Optimizer opt = org.conv4j.optim.Adam.adam(org.conv4j.layers.NamedParam.trainable(net), 1e-2);
        org.conv4j.norm.BatchNorm2d bn = (org.conv4j.norm.BatchNorm2d) net.get(1);
        float[] meanBefore = bn.runningMean().value().data().clone();
        net.setTraining(true);
        float first = 0, last = 0;
        for (int step = 0; step < 10; step++) {
            opt.zeroGrad();
            float l = loss.forward(net.forward(x), labels);
            net.backward(loss.backward());
            opt.step();
            if (step == 0) first = l;
            last = l;
        }
        assertTrue(Float.isFinite(last) && last < first * 0.5f, "loss " + first + " -> " + last);
        assertFalse(java.util.Arrays.equals(meanBefore, bn.runningMean().value().data()), "imported running statistics keep updating");
    }
}
