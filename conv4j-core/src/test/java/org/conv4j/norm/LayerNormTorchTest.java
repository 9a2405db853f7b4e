package org.conv4j.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LayerNorm2d against torchvision's ConvNeXt LayerNorm2d and LayerNorm against torch.nn.LayerNorm
 * (PyTorch 1.13, fixtures/ops/make_ops_fixtures.py): output, dx, dweight and dbias to 1e-5 relative.
 */
class LayerNormTorchTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ln2d_basic", "ln2d_1x1", "ln2d_odd", "ln2d_noaffine", "ln2d_eps1e-3", "ln2d_c1",
            "ln_last", "ln_last2", "ln_item", "ln_noaffine"})
    void matchesTorch(String name) {
        TorchFixture f = TorchFixture.load("ops", name);
        Tensor x = f.tensor("x");
        boolean affine = f.has("weight");
        double eps = f.scalar("eps");
        int[] shape = f.ints("normalized_shape");
        Layer layer = name.startsWith("ln2d")
                ? new LayerNorm2d(LayerNorm2dConfig.of(shape[0]).withEps(eps).withElementwiseAffine(affine))
                : new LayerNorm(LayerNormConfig.of(shape).withEps(eps).withElementwiseAffine(affine));
        var params = layer.params();
        if (affine) {
            System.arraycopy(f.tensor("weight").data(), 0, params.get(0).value().data(), 0, params.get(0).value().size());
            System.arraycopy(f.tensor("bias").data(), 0, params.get(1).value().data(), 0, params.get(1).value().size());
        }
        f.assertClose("out", layer.forward(x));
        f.assertClose("dx", layer.backward(f.tensor("dout")));
        if (affine) {
            f.assertClose("dweight", params.get(0).grad());
            f.assertClose("dbias", params.get(1).grad());
        }
        assertArrayEquals(layer.forward(x).data(), layer.infer(x).data(), "infer equals forward");
    }
}
