package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.io.FormatException;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** The spatial layers in network specs: torch.nn keys, JSON and YAML round trips, FLOPs, and clear errors. */
class SpatialLayersSpecTest {
    static final String SPEC = """
            {"name": "spatial", "input": [2, 7, 9], "classes": 3,
             "layers": [
               {"type": "Pad2d", "padding": [1, 2, 0, 1], "mode": "reflect"},
               {"type": "Upsample", "scale_factor": 1.7, "mode": "bilinear", "align_corners": true},
               {"type": "Slice", "dim": 2, "start": 1, "end": -1},
               {"type": "Conv2d", "in_channels": 2, "out_channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "ChannelShuffle", "groups": 2},
               {"type": "AdaptiveMaxPool2d", "output_size": [5, 6]},
               {"type": "Pad2d", "padding": 1, "value": 0.5},
               {"type": "Upsample", "size": [7, 9]},
               {"type": "Upsample", "scale_factor": [1.5, 0.5], "mode": "nearest-exact", "recompute_scale_factor": true},
               {"type": "Slice", "dim": -3, "start": 1, "end": null, "step": 2},
               {"type": "AdaptiveAvgPool2d", "output_size": 3},
               {"type": "Flatten"},
               {"type": "Linear", "in_features": 18, "out_features": 3}
             ]}""";

    /** {@link #SPEC} written by hand in YAML, block and flow styles mixed. */
    static final String YAML = """
            name: spatial
            input: [2, 7, 9]
            classes: 3
            layers:
            - type: Pad2d
              padding: [1, 2, 0, 1]
              mode: reflect
            - {type: Upsample, scale_factor: 1.7, mode: bilinear, align_corners: true}
            - type: Slice
              dim: 2
              start: 1
              end: -1
            - {type: Conv2d, in_channels: 2, out_channels: 4, kernel_size: 3, padding: 1}
            - {type: ChannelShuffle, groups: 2}
            - type: AdaptiveMaxPool2d
              output_size: [5, 6]
            - {type: Pad2d, padding: 1, value: 0.5}
            - {type: Upsample, size: [7, 9]}
            - type: Upsample
              scale_factor: [1.5, 0.5]
              mode: nearest-exact
              recompute_scale_factor: true
            - {type: Slice, dim: -3, start: 1, end: null, step: 2}
            - {type: AdaptiveAvgPool2d, output_size: 3}
            - type: Flatten
            - {type: Linear, in_features: 18, out_features: 3}
            """;

    @Test
    void specRoundTripsThroughJsonAndYaml() throws Exception {
        NetworkSpec s = NetworkSpec.parse(SPEC, "spatial.json");
        NetworkSpecYamlTest.assertSameModel(s, NetworkSpec.parse(s.toJsonText(), "again.json"));
        NetworkSpecYamlTest.assertSameModel(s, NetworkSpec.parse(s.toJsonText(), "again.yaml", SpecSyntax.YAML));
        Model m = s.build(3);
        NetworkSpec described = NetworkSpec.describe("spatial", m.network(), s.input(), s.classes());
        NetworkSpec reread = NetworkSpec.parse(described.toJsonText(), "described.json");
        assertEquals(Json(described.layers()), Json(reread.layers()), "every setting written is read back");
        assertArrayEquals(org.conv4j.train.TrainerTest.weights(m), org.conv4j.train.TrainerTest.weights(reread.build(3)), "the described spec builds the same network");

        // the shapes each layer promises are the shapes it makes
        Summary sum = Summary.of(m);
        int[][] want = {{2, 8, 12}, {2, 13, 20}, {2, 11, 20}, {4, 11, 20}, {4, 11, 20}, {4, 5, 6}, {4, 7, 8}, {4, 7, 9},
                {4, 10, 4}, {2, 10, 4}, {2, 3, 3}, {18}, {3}};
        for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], sum.rows().get(i).outputShape(), "row " + i);
        Tensor x = new Tensor(2, 2, 7, 9);
        Rng r = new Rng(1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat();
        assertArrayEquals(new int[] {2, 3}, m.network().infer(x).shape());
        Tensor out = m.network().forward(x);
        assertArrayEquals(out.data(), m.network().infer(x).data());
        assertArrayEquals(x.shape(), m.network().backward(out).shape());

        // FLOPs: bilinear 9 per output, the max pool reads every cell of its (overlapping) bins, copies cost 0
        assertEquals(9L * 2 * 13 * 20, sum.rows().get(1).flops());
        assertEquals(0, sum.rows().get(0).flops() + sum.rows().get(2).flops() + sum.rows().get(4).flops() + sum.rows().get(7).flops());
        // 11 rows into 5 bins: [0,3) [2,5) [4,7) [6,9) [8,11) = 15 rows; 20 cols into 6 bins: 4+4+4+4+4+4 = 24
        assertEquals(4L * 15 * 24, sum.rows().get(5).flops());

        NetworkSpecYamlTest.assertSameModel(s, NetworkSpec.parse(YAML, "spatial.yaml", SpecSyntax.YAML));
    }

    private static String Json(Object o) { return org.conv4j.io.Json.write(o); }

    @Test
    void defaultsAreTorchs() throws Exception {
        Model m = NetworkSpec.parse("""
                {"input": [4, 6, 6], "classes": 2, "layers": [
                  {"type": "Pad2d", "padding": 2}, {"type": "Upsample", "scale_factor": 2},
                  {"type": "Slice", "dim": 1}, {"type": "Flatten"},
                  {"type": "Linear", "in_features": 1600, "out_features": 2}]}""", "d.json").build(0);
        String written = Json(NetworkSpec.describe("d", m.network(), new int[] {4, 6, 6}, 2).layers());
        assertTrue(written.contains("{\"type\":\"Pad2d\",\"padding\":2,\"mode\":\"constant\",\"value\":0.0}"), written);
        assertTrue(written.contains("{\"type\":\"Upsample\",\"scale_factor\":2.0,\"recompute_scale_factor\":false,\"mode\":\"nearest\"}"), written);
        assertTrue(written.contains("{\"type\":\"Slice\",\"dim\":1,\"start\":0,\"step\":1}"), written);
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        String[][] bad = {
                {"{\"type\": \"Pad2d\", \"padding\": [1, 2, 3]}", "padding"},
                {"{\"type\": \"Pad2d\", \"padding\": 1, \"mode\": \"circular\"}", "mode"},
                {"{\"type\": \"Pad2d\", \"padding\": -1, \"mode\": \"reflect\"}", "negative padding crops in constant mode only"},
                {"{\"type\": \"Pad2d\", \"padding\": 1, \"mode\": \"reflect\", \"value\": 2}", "value"},
                {"{\"type\": \"Upsample\", \"size\": 4, \"scale_factor\": 2}", "only one"},
                {"{\"type\": \"Upsample\"}", "size or scale_factor"},
                {"{\"type\": \"Upsample\", \"scale_factor\": 2, \"align_corners\": false}", "align_corners"},
                {"{\"type\": \"Upsample\", \"scale_factor\": [2, 1, 1]}", "pair"},
                {"{\"type\": \"Upsample\", \"scale_factor\": -2}", "positive"},
                {"{\"type\": \"Upsample\", \"size\": 4, \"recompute_scale_factor\": true}", "explicit size"},
                {"{\"type\": \"AdaptiveAvgPool2d\", \"output_size\": 0}", "output_size must be positive"},
                {"{\"type\": \"ChannelShuffle\", \"groups\": 0}", "groups must be positive"},
                {"{\"type\": \"Slice\", \"dim\": 0, \"start\": 1}", "batch"},
                {"{\"type\": \"Slice\", \"dim\": 1, \"step\": 0}", "step"},
                {"{\"type\": \"Slice\", \"start\": 1}", "dim"},
        };
        for (String[] b : bad) {
            String spec = "{\"input\": [4, 6, 6], \"classes\": 2, \"layers\": [" + b[0] + "]}";
            FormatException e = assertThrows(FormatException.class, () -> NetworkSpec.parse(spec, "bad.json").build(0), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + " -> " + e.getMessage());
            assertTrue(e.getMessage().contains("layers[0]"), "names the path: " + e.getMessage());
        }
    }

    @Test
    void shapeErrorsAtBuildNameTheLayer() {
        for (String layer : List.of("{\"type\": \"Pad2d\", \"padding\": 6, \"mode\": \"reflect\"}",
                "{\"type\": \"ChannelShuffle\", \"groups\": 3}", "{\"type\": \"Slice\", \"dim\": 2, \"start\": 6}")) {
            String spec = "{\"input\": [4, 6, 6], \"classes\": 2, \"layers\": [" + layer + ", {\"type\": \"Flatten\"}]}";
            Exception e = assertThrows(Exception.class, () -> NetworkSpec.parse(spec, "bad.json").build(0), layer);
            assertTrue(e.getMessage().contains("Pad2d") || e.getMessage().contains("ChannelShuffle") || e.getMessage().contains("Slice"),
                    e.getMessage());
        }
    }
}
