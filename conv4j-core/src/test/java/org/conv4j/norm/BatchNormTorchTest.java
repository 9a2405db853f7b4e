package org.conv4j.norm;

import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BatchNorm1d/2d against PyTorch 1.13 (fixtures/layers/make_layer_fixtures.py): output, dx, dweight, dbias, running stats. */
class BatchNormTorchTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bn1d_train,          true,  1e-5, 0.1,  true,  1",
        "bn1d_eval,           false, 1e-5, 0.1,  true,  1",
        "bn1d_ncl_train,      true,  1e-3, 0.3,  true,  1",
        "bn2d_train,          true,  1e-5, 0.1,  true,  1",
        "bn2d_eval,           false, 1e-5, 0.1,  true,  1",
        "bn2d_train_3steps,   true,  1e-2, 0.25, true,  3",
        "bn2d_noaffine_train, true,  1e-5, 0.1,  false, 1",
    })
    void matchesTorch(String name, boolean train, double eps, double momentum, boolean affine, int steps) {
        TorchFixture f = TorchFixture.load("layers", name);
        Tensor x = f.tensor("x");
        BatchNormConfig cfg = BatchNormConfig.of(x.dim(1)).withEps(eps).withMomentum(momentum).withAffine(affine);
        Layer layer = x.rank() == 4 ? new BatchNorm2d(cfg) : new BatchNorm1d(cfg);
        var params = layer.params();
        if (affine) {
            System.arraycopy(f.tensor("weight").data(), 0, params.get(0).value().data(), 0, x.dim(1));
            System.arraycopy(f.tensor("bias").data(), 0, params.get(1).value().data(), 0, x.dim(1));
        }
        int rs = affine ? 2 : 0;
        System.arraycopy(f.tensor("running_mean").data(), 0, params.get(rs).value().data(), 0, x.dim(1));
        System.arraycopy(f.tensor("running_var").data(), 0, params.get(rs + 1).value().data(), 0, x.dim(1));
        layer.setTraining(true);
        for (int s = 0; s < steps - 1; s++) layer.forward(f.tensor("warmup" + s));
        layer.setTraining(train);

        f.assertClose("out", layer.forward(x));
        f.assertClose("dx", layer.backward(f.tensor("dout")));
        if (affine) {
            f.assertClose("dweight", params.get(0).grad());
            f.assertClose("dbias", params.get(1).grad());
        }
        f.assertClose("running_mean_after", params.get(rs).value());
        f.assertClose("running_var_after", params.get(rs + 1).value());
        if (!train) {
            // Evaluation forward and infer agree bitwise.
            org.junit.jupiter.api.Assertions.assertArrayEquals(layer.forward(x).data(), layer.infer(x).data());
        }
    }
}
