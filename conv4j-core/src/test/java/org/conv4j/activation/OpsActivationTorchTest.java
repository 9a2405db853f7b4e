package org.conv4j.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Supplier;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ReLU6, Clip, Hardswish, HardSigmoid and SiLU against PyTorch 1.13 (fixtures/ops/make_ops_fixtures.py):
 * output and dx to 1e-5 relative, including inputs exactly on every kink ("_edges"); SiLU also against
 * torch's own float32 results.
 */
class OpsActivationTorchTest {

    private static Supplier<Layer> layer(String name) {
        return switch (name.replace("_edges", "").replace("_wide", "").replace("_tails", "")) {
            case "relu6" -> ReLU6::new;
            case "clip_default" -> Clip::new;
            case "clip_-0.5_2", "clip" -> () -> new Clip(ClipConfig.of(-0.5, 2.0));
            case "hardswish" -> Hardswish::new;
            case "hardsigmoid" -> HardSigmoid::new;
            case "silu" -> SiLU::new;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu6", "relu6_edges", "clip_default", "clip_-0.5_2", "clip_edges", "hardswish", "hardswish_edges",
            "hardsigmoid", "hardsigmoid_edges", "silu", "silu_wide", "silu_tails", "silu_edges"})
    void matchesTorch(String name) {
        TorchFixture f = TorchFixture.load("ops", name);
        Layer l = layer(name).get();
        Tensor x = f.tensor("x");
        Tensor out = l.forward(x);
        f.assertClose("out", out);
        Tensor dx = l.backward(f.tensor("dout"));
        f.assertClose("dx", dx);
        if (f.has("out_f32")) {
            f.assertClose("out_f32", out);
            f.assertClose("dx_f32", dx);
        }
        assertArrayEquals(l.forward(x).data(), l.infer(x).data(), "infer equals forward");
    }
}
