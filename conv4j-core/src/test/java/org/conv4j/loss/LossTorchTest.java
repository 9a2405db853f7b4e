package org.conv4j.loss;

import org.conv4j.tensor.Tensor;
import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Losses against PyTorch 1.13 (fixtures/layers/make_layer_fixtures.py): loss value and dInput. */
class LossTorchTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ce_basic", "ce_smooth", "ce_large", "ce_large_smooth", "ce_smooth_full"})
    void crossEntropyMatchesTorch(String name) {
        TorchFixture f = TorchFixture.load("layers", name);
        CrossEntropyLoss loss = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(f.scalar("label_smoothing")));
        f.assertClose("loss", loss.forward(f.tensor("x"), f.ints("labels")));
        f.assertClose("dx", loss.backward());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hinge_p1", "hinge_p2"})
    void multiMarginMatchesTorch(String name) {
        TorchFixture f = TorchFixture.load("layers", name);
        MultiMarginLoss loss = new MultiMarginLoss(new MultiMarginLossConfig((int) f.scalar("p"), f.scalar("margin")));
        f.assertClose("loss", loss.forward(f.tensor("x"), f.ints("labels")));
        f.assertClose("dx", loss.backward());
    }

    @Test
    void mseMatchesTorch() {
        TorchFixture f = TorchFixture.load("layers", "mse");
        MseLoss loss = new MseLoss();
        Tensor x = f.tensor("x");
        f.assertClose("loss", loss.forward(x, f.tensor("target")));
        f.assertClose("dx", loss.backward());
    }
}
