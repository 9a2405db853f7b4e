package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.layers.Init;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {
    @Test
    void builtInSpecsRoundTripThroughJson() throws Exception {
        for (String name : Zoo.NAMES) {
            NetworkSpec s = Zoo.spec(name);
            NetworkSpec back = NetworkSpec.parse(s.toJsonText(), name);
            assertEquals(s, back);
            Model m = s.build(1);
            // describing the built network gives the same layers (every setting written out)
            NetworkSpec described = NetworkSpec.describe(name, m.network(), s.input(), s.classes());
            assertEquals(Json(described.layers()), Json(NetworkSpec.parse(described.toJsonText(), name).layers()));
            assertEquals(Json(described.layers()),
                    Json(NetworkSpec.describe(name, back.build(1).network(), s.input(), s.classes()).layers()));
        }
    }

    private static String Json(Object o) { return org.conv4j.io.Json.write(o); }

    @Test
    void sameSeedSameWeightsAndTorchStyleNames() {
        Model a = Zoo.spec("resnet-mini").build(9), b = Zoo.spec("resnet-mini").build(9);
        List<NamedParam> pa = NamedParam.of(a.network()), pb = NamedParam.of(b.network());
        for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).param().value().data(), pb.get(i).param().value().data());
        List<String> names = pa.stream().map(NamedParam::name).toList();
        assertTrue(names.containsAll(List.of("0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "3.block.0.weight", "3.block.1.running_var", "5.shortcut.0.weight", "5.shortcut.1.bias", "9.weight", "9.bias")), names.toString());
    }

    @Test
    void summaryOfReferenceCnn() {
        Summary s = Summary.of(Zoo.spec("reference").build(0));
        assertEquals(421_642, s.totalParams());
        assertEquals(10, s.rows().size());
        assertArrayEquals(new int[] {32, 14, 14}, s.rows().get(2).outputShape());
        // conv1: 2*32*28*28*9 + bias 32*28*28; conv2: 2*64*14*14*32*9 + 64*14*14
        assertEquals(2L * 32 * 784 * 9 + 32 * 784, s.rows().get(0).flops());
        assertEquals(2L * 64 * 196 * 32 * 9 + 64 * 196, s.rows().get(3).flops());
        assertEquals(2L * 3136 * 128 + 128, s.rows().get(7).flops());
        String text = s.format();
        assertTrue(text.contains("421,642"), text);
        Summary r = Summary.of(Zoo.spec("resnet-mini").build(0));
        assertTrue(r.rows().stream().anyMatch(row -> row.name().equals("5.shortcut.0") && row.depth() == 1));
        assertTrue(r.totalParams() > r.trainableParams(), "BN buffers counted apart");
    }

    @Test
    void specErrorsNameThePath() {
        String good = "{\"input\": [1, 8, 8], \"classes\": 2, \"layers\": [{\"type\": \"Flatten\"}, "
                + "{\"type\": \"Linear\", \"in_features\": 64, \"out_features\": 2}]}";
        assertDoesNotThrow(() -> NetworkSpec.parse(good, "n.json"));
        assertError(good.replace("\"Flatten\"", "\"Flaten\""), "n.json.layers[0].type: unknown layer type \"Flaten\"");
        assertError(good.replace("64", "65"), "n.json.layers[1]");
        assertError(good.replace("\"out_features\": 2", "\"out_features\": 3"), "declares 2 classes");
        assertError(good.replace("\"in_features\"", "\"in_feature\""), "unknown field \"in_feature\"");
        assertError(good.replace("[1, 8, 8]", "[1, 8]"), "expected [C, H, W]");
        assertError(good.replace("\"classes\": 2", "\"classes\": 2, \"init\": \"magic\""), "unknown scheme");
        assertError("{\"input\": [1, 8, 8], \"classes\": 2, \"layers\": [{\"type\": \"Conv2d\", \"in_channels\": 1, "
                + "\"out_channels\": 2, \"kernel_size\": 9}]}", "n.json.layers[0]");
        assertError("{\"input\": [1, 4, 4], \"classes\": 2, \"layers\": [{\"type\": \"Residual\", \"block\": ["
                + "{\"type\": \"Conv2d\", \"in_channels\": 1, \"out_channels\": 2, \"kernel_size\": 1}]}]}", "shortcut");
        assertError("[" + "{\"a\":".repeat(40), "n.json");
    }

    static void assertError(String text, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> NetworkSpec.parse(text, "n.json"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void initSchemeIsApplied() throws Exception {
        NetworkSpec s = Zoo.spec("reference").withInit(Init.Scheme.KAIMING_NORMAL);
        Model m = s.build(3);
        float[] w = m.network().params().get(0).value().data();
        double var = 0;
        for (float v : w) var += v * v;
        var /= w.length;
        assertEquals(2.0 / 9, var, 0.08, "He normal variance 2/fanIn for conv1");
        assertEquals(0f, m.network().params().get(1).value().data()[0], "biases zero");
        assertEquals(s, NetworkSpec.parse(s.toJsonText(), "x"));
    }

    @Test
    void residualForwardBackwardAddsBothPaths() {
        Model m = Zoo.spec("resnet-mini").build(2);
        m.network().setTraining(true);
        Tensor x = ModelFileTest.randomImages(2, m.spec().input(), 4);
        Tensor y = m.network().forward(x);
        assertArrayEquals(new int[] {2, 10}, y.shape());
        Tensor dOut = Tensor.zerosLike(y).fill(1f);
        Tensor dX = m.network().backward(dOut);
        assertArrayEquals(x.shape(), dX.shape());
        // finite-difference check of one input pixel through both residual blocks (BN in training mode)
        int i = 100;
        float h = 1e-2f;
        float orig = x.data()[i];
        x.data()[i] = orig + h;
        double up = sum(m.network().forward(x));
        x.data()[i] = orig - h;
        double down = sum(m.network().forward(x));
        x.data()[i] = orig;
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, dX.data()[i], 2e-2 * Math.max(1, Math.abs(numeric)));
    }

    static double sum(Tensor t) {
        double s = 0;
        for (float v : t.data()) s += v;
        return s;
    }
}
