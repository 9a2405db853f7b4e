package org.conv4j.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Softmax and LogSoftmax against PyTorch 1.13 (fixtures/ops/make_ops_fixtures.py): every axis, negative
 * dims, torch's implicit dim=None, a size-1 axis, batch 1 and logits of ±1e4; output and dx to 1e-5.
 */
class SoftmaxTorchTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"softmax_dim1", "softmax_dim-1_4d", "softmax_dim1_4d", "softmax_dim2_4d", "softmax_dim0", "softmax_size1",
            "softmax_batch1", "softmax_implicit_3d", "softmax_implicit_4d", "softmax_large"})
    void matchesTorch(String name) {
        TorchFixture f = TorchFixture.load("ops", name);
        SoftmaxConfig cfg = f.has("dim") ? SoftmaxConfig.of(f.ints("dim")[0]) : SoftmaxConfig.of();
        Tensor x = f.tensor("x");
        for (Layer l : new Layer[] {new Softmax(cfg), new LogSoftmax(cfg)}) {
            String prefix = l instanceof Softmax ? "softmax_" : "log_softmax_";
            f.assertClose(prefix + "out", l.forward(x));
            f.assertClose(prefix + "dx", l.backward(f.tensor("dout")));
            assertArrayEquals(l.forward(x).data(), l.infer(x).data(), l.describe() + ": infer equals forward");
        }
    }
}
