package org.conv4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Npy;
import org.conv4j.io.SafeTensors;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Sequential;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** PyTorch state_dicts (safetensors written by make_fixtures.py) load by name and predict as torch did. */
class TorchWeightsTest {
    static final Path DIR = OnnxImportTest.DIR;

    static Model sequentialModel() throws Exception {
        return NetworkSpec.read(DIR.resolve("sequential_spec.json")).build(42);
    }

    @Test
    void torchSequentialStateDictLoadsByName() throws Exception {
        Model m = sequentialModel();
        TorchWeights.Report r = TorchWeights.load(m.network(), DIR.resolve("sequential.safetensors"));
        assertEquals(11, r.loaded());  // conv w,b; bn w,b,mean,var; conv w; linear w,b; linear w,b
        m.network().setTraining(false);
        Tensor y = m.network().infer(Npy.readTensor(DIR.resolve("sequential_input.npy")));
        double err = OnnxImportTest.maxRelErr(y, Npy.readTensor(DIR.resolve("sequential_output.npy")));
        assertTrue(err <= 1e-5, "max relative error vs torch " + err);
    }

    @Test
    void namedModulesLoadThroughRenames() throws Exception {
        // RefCnn's state_dict: conv1.*, conv2.*, fc1.*, fc2.* -> Sequential indices
        Sequential net = OnnxImportTest.checkAgainstTorch("ref_cnn").sequential();
        Sequential fresh = new Sequential(List.copyOf(Onnx.importFile(DIR.resolve("ref_cnn.onnx")).sequential().layers()));
        for (var p : fresh.params()) p.value().fill(0f);
        TorchWeights.load(fresh, DIR.resolve("ref_cnn.safetensors"), TorchWeights.parseRenames("conv1.=0.,conv2.=3.,fc1.=7.,fc2.=9."));
        Tensor x = Npy.readTensor(DIR.resolve("ref_cnn_input.npy"));
        assertArrayEquals(net.infer(x).data(), fresh.infer(x).data());
    }

    @Test
    void numBatchesTrackedIsSkippedAndUnknownNamesFail() throws Exception {
        Model m = sequentialModel();
        SafeTensors.Contents c = SafeTensors.read(DIR.resolve("sequential.safetensors"));
        java.util.Map<String, SafeTensors.Entry> t = new java.util.LinkedHashMap<>(c.tensors());
        t.put("1.num_batches_tracked", SafeTensors.Entry.ofLongs("1.num_batches_tracked", new long[] {7}));
        TorchWeights.Report r = TorchWeights.load(m.network(), new SafeTensors.Contents(c.metadata(), t), "with-counter", Map.of());
        assertEquals(List.of("1.num_batches_tracked"), r.skipped());

        t.put("12.weight", SafeTensors.Entry.of("12.weight", new Tensor(3)));
        FormatException e = assertThrows(FormatException.class,
                () -> TorchWeights.load(m.network(), new SafeTensors.Contents(c.metadata(), t), "extra", Map.of()));
        assertTrue(e.getMessage().contains("12.weight"), e.getMessage());
    }

    @Test
    void missingOrMisshapenTensorsFailWithoutTouchingTheNetwork() throws Exception {
        Model m = sequentialModel();
        float[] before = m.network().params().get(0).value().data().clone();
        SafeTensors.Contents c = SafeTensors.read(DIR.resolve("sequential.safetensors"));
        java.util.Map<String, SafeTensors.Entry> t = new java.util.LinkedHashMap<>(c.tensors());
        t.remove("7.bias");
        FormatException e = assertThrows(FormatException.class,
                () -> TorchWeights.load(m.network(), new SafeTensors.Contents(c.metadata(), t), "missing", Map.of()));
        assertTrue(e.getMessage().contains("7.bias"), e.getMessage());
        t.put("7.bias", SafeTensors.Entry.of("7.bias", new Tensor(17)));
        e = assertThrows(FormatException.class,
                () -> TorchWeights.load(m.network(), new SafeTensors.Contents(c.metadata(), t), "misshapen", Map.of()));
        assertTrue(e.getMessage().contains("[17]") && e.getMessage().contains("[16]"), e.getMessage());
        assertArrayEquals(before, m.network().params().get(0).value().data(), "unchanged after a failed load");
    }

    @Test
    void renameUsesTheLongestPrefix() {
        Map<String, String> r = TorchWeights.parseRenames("a.=0.,a.b.=1.");
        assertEquals("1.weight", TorchWeights.rename("a.b.weight", r));
        assertEquals("0.c.weight", TorchWeights.rename("a.c.weight", r));
        assertEquals("z.weight", TorchWeights.rename("z.weight", r));
        assertThrows(IllegalArgumentException.class, () -> TorchWeights.parseRenames("nonsense"));
    }
}
