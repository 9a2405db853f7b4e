package org.conv4j.activation;

import java.util.function.Supplier;
import org.conv4j.layers.Layer;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Activations against PyTorch 1.13 (fixtures/layers/make_layer_fixtures.py): output and dx. */
class ActivationTorchTest {

    private static Supplier<Layer> layer(String name) {
        return switch (name) {
            case "relu" -> ReLU::new;
            case "leaky_relu_0.2" -> () -> new LeakyReLU(LeakyReluConfig.of().withNegativeSlope(0.2));
            case "sigmoid" -> Sigmoid::new;
            case "tanh" -> Tanh::new;
            case "gelu", "gelu_wide" -> GELU::new;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "leaky_relu_0.2", "sigmoid", "tanh", "gelu", "gelu_wide"})
    void matchesTorch(String name) {
        TorchFixture f = TorchFixture.load("layers", name);
        Layer l = layer(name).get();
        f.assertClose("out", l.forward(f.tensor("x")));
        f.assertClose("dx", l.backward(f.tensor("dout")));
        Assertions.assertArrayEquals(l.forward(f.tensor("x")).data(), l.infer(f.tensor("x")).data(), "infer equals forward");
    }
}
