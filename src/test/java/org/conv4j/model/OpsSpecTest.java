package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.conv4j.activation.Clip;
import org.conv4j.activation.ClipConfig;
import org.conv4j.activation.LogSoftmax;
import org.conv4j.activation.Softmax;
import org.conv4j.activation.SoftmaxConfig;
import org.conv4j.io.Json;
import org.conv4j.layers.Init;
import org.conv4j.layers.Layer;
import org.conv4j.layers.NamedParam;
import org.conv4j.norm.LayerNorm;
import org.conv4j.norm.LayerNorm2d;
import org.conv4j.norm.LayerNormConfig;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The new ops in network specs: torch.nn's keys, defaults for omitted keys, every setting written back,
 * the same network from JSON and YAML, errors that name the path, and a forward/backward through the
 * built network.
 */
class OpsSpecTest {
    static final String SPEC = """
            {"name": "ops", "input": [3, 6, 5], "classes": 4,
             "layers": [
               {"type": "Conv2d", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "LayerNorm2d", "num_channels": 4},
               {"type": "Hardswish"},
               {"type": "Clip", "min_val": -0.5, "max_val": 2},
               {"type": "ReLU6"},
               {"type": "LayerNorm", "normalized_shape": [6, 5], "eps": 0.001},
               {"type": "HardSigmoid"},
               {"type": "SiLU"},
               {"type": "Softmax", "dim": 1},
               {"type": "LogSoftmax", "dim": -1},
               {"type": "LayerNorm", "normalized_shape": 5, "elementwise_affine": false},
               {"type": "Clip"},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 120, "out_features": 4},
               {"type": "Softmax"}
             ]}
            """;

    static final String SPEC_YAML = """
            name: ops
            input: [3, 6, 5]
            classes: 4
            layers:
            - {type: Conv2d, in_channels: 3, out_channels: 4, kernel_size: 3, padding: 1}
            - type: LayerNorm2d
              num_channels: 4
            - type: Hardswish
            - {type: Clip, min_val: -0.5, max_val: 2}
            - type: ReLU6
            - {type: LayerNorm, normalized_shape: [6, 5], eps: 0.001}
            - type: HardSigmoid
            - type: SiLU
            - {type: Softmax, dim: 1}
            - {type: LogSoftmax, dim: -1}
            - {type: LayerNorm, normalized_shape: 5, elementwise_affine: false}
            - type: Clip
            - type: Flatten
            - {type: Linear, in_features: 120, out_features: 4}
            - type: Softmax
            """;

    @Test
    void readsTorchKeysAndDefaults() throws Exception {
        Model m = NetworkSpec.parse(SPEC, "ops.json").build(3);
        List<Layer> ls = m.sequential().layers();
        LayerNorm2d ln2d = assertInstanceOf(LayerNorm2d.class, ls.get(1));
        assertEquals(1e-6, ln2d.config().eps());
        assertTrue(ln2d.config().elementwiseAffine());
        assertEquals(ClipConfig.of(-0.5, 2), ((Clip) ls.get(3)).config());
        assertEquals(LayerNormConfig.of(6, 5).withEps(1e-3), ((LayerNorm) ls.get(5)).config());
        assertEquals(SoftmaxConfig.of(1), ((Softmax) ls.get(8)).config());
        assertEquals(SoftmaxConfig.of(-1), ((LogSoftmax) ls.get(9)).config());
        assertEquals(LayerNormConfig.of(5).withElementwiseAffine(false), ((LayerNorm) ls.get(10)).config());
        assertEquals(ClipConfig.of(), ((Clip) ls.get(11)).config());
        assertEquals(SoftmaxConfig.of(), ((Softmax) ls.get(14)).config(), "no dim: torch's dim=None");
        List<String> names = NamedParam.of(m.network()).stream().map(NamedParam::name).toList();
        assertTrue(names.containsAll(List.of("1.weight", "1.bias", "5.weight", "5.bias")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("10.")), "no affine, no parameters: " + names);
    }

    @Test
    void everySettingIsWrittenAndReadBackFromJsonAndYaml() throws Exception {
        NetworkSpec json = NetworkSpec.parse(SPEC, "ops.json");
        NetworkSpec yaml = NetworkSpec.parse(SPEC_YAML, "ops.yaml", SpecSyntax.YAML);
        NetworkSpecYamlTest.assertSameModel(json.withClassNames(null), yaml);
        assertEquals(json, NetworkSpec.parse(json.toJsonText(), "again.json"));
        NetworkSpecYamlTest.assertSameModel(json, NetworkSpec.parse(json.toJsonText(), "again.yaml", SpecSyntax.YAML));

        // Described from the built layers, every setting is written out, defaults included.
        Model m = json.build(1);
        NetworkSpec described = NetworkSpec.describe("ops", m.network(), json.input(), json.classes());
        List<Map<String, Object>> layers = described.layers();
        assertEquals(Map.of("type", "LayerNorm2d", "num_channels", 4, "eps", 1e-6, "elementwise_affine", true), layers.get(1));
        assertEquals(Map.of("type", "Clip", "min_val", -0.5, "max_val", 2.0), layers.get(3));
        assertEquals(Map.of("type", "ReLU6"), layers.get(4));
        assertEquals(Map.of("type", "LayerNorm", "normalized_shape", List.of(6, 5), "eps", 1e-3, "elementwise_affine", true), layers.get(5));
        assertEquals(Map.of("type", "Softmax", "dim", 1), layers.get(8));
        assertEquals("null", Json.write(layers.get(14).get("dim")), "dim=None is written as null");
        for (SpecSyntax syntax : new SpecSyntax[] {SpecSyntax.JSON, SpecSyntax.YAML}) {
            NetworkSpec back = NetworkSpec.parse(described.toJsonText(), "described", syntax);
            assertEquals(Json.write(described.layers()), Json.write(back.layers()));
            assertEquals(Json.write(described.layers()),
                    Json.write(NetworkSpec.describe("ops", back.build(1).network(), json.input(), json.classes()).layers()));
        }
    }

    @Test
    void theBuiltNetworkTrainsEndToEnd() throws Exception {
        Model m = NetworkSpec.parse(SPEC, "ops.json").build(5);
        Tensor x = new Tensor(2, 3, 6, 5);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.sin(i * 0.3);
        Tensor y = m.network().forward(x);
        assertArrayEquals(new int[] {2, 4}, y.shape());
        for (int n = 0; n < 2; n++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += y.data()[n * 4 + k];
            assertEquals(1, s, 1e-6, "the last Softmax (dim=None on [N, 4]: dim 1)");
        }
        assertArrayEquals(y.data(), m.network().infer(x).data());
        Tensor dx = m.network().backward(new Tensor(2, 4).fill(0.25f));
        assertArrayEquals(x.shape(), dx.shape());
        Summary s = Summary.of(m);
        assertTrue(s.totalFlops() > 0 && s.totalParams() == 3 * 4 * 9 + 4 + 8 + 60 + 120 * 4 + 4, s.format());
    }

    @Test
    void badSettingsFailNamingThePath() {
        NetworkSpecTest.assertError(SPEC.replace("\"max_val\": 2", "\"max_val\": -0.5"), "max_val must be greater than min_val");
        NetworkSpecTest.assertError(SPEC.replace("\"num_channels\": 4", "\"num_channels\": 1073741824"), "limit");
        NetworkSpecTest.assertError(SPEC.replace("\"normalized_shape\": [6, 5]", "\"normalized_shape\": [6, 0]"), "normalized_shape");
        NetworkSpecTest.assertError(SPEC.replace("\"normalized_shape\": [6, 5]", "\"normalized_shape\": [5, 6]"), "does not fit");
        NetworkSpecTest.assertError(SPEC.replace("\"dim\": 1}", "\"dim\": 4}"), "dim 4 is out of range");
        NetworkSpecTest.assertError(SPEC.replace("\"dim\": 1}", "\"axis\": 1}"), "unknown field \"axis\"");
        NetworkSpecTest.assertError(SPEC.replace("{\"type\": \"LayerNorm2d\", \"num_channels\": 4}", "{\"type\": \"LayerNorm2d\", \"num_channels\": 3}"),
                "does not fit");
    }

    @Test
    void aSpecWideInitLeavesLayerNormWeightsAtOne() throws Exception {
        Model m = NetworkSpec.parse(SPEC, "ops.json").withInit(Init.Scheme.KAIMING_NORMAL).build(2);
        LayerNorm ln = (LayerNorm) m.sequential().layers().get(5);
        for (float v : ln.weight().value().data()) assertEquals(1f, v);
    }
}
