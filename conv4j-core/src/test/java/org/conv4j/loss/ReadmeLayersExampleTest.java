package org.conv4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** The batch-norm and loss example of docs/layers.md, verbatim between the markers, runs and does what it says. */
class ReadmeLayersExampleTest {
    @Test
    void readmeExampleRuns() {
        Rng rng = new Rng(5);
        Tensor x = new Tensor(4, 32, 3, 3), dY = new Tensor(4, 32, 3, 3), logits = new Tensor(4, 10);
        for (Tensor t : new Tensor[] {x, dY, logits}) for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rng.nextGaussian();
        int[] labels = {1, 0, 9, 3};
        // --- README example start
        BatchNorm2d bn = new BatchNorm2d(BatchNormConfig.of(32).withMomentum(0.05));
        Tensor y = bn.forward(x);                // x: [N, 32, H, W], batch statistics, running stats updated
        Tensor dX = bn.backward(dY);             // adds into bn.weight().grad() and bn.bias().grad()
        CrossEntropyLoss ce = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(0.1));
        float loss = ce.forward(logits, labels); // logits [N, C], labels in [0, C)
        Tensor dLogits = ce.backward();
        // --- README example end
        assertArrayEquals(x.shape(), y.shape());
        assertArrayEquals(x.shape(), dX.shape());
        assertArrayEquals(logits.shape(), dLogits.shape());
        assertTrue(loss > 0 && Float.isFinite(loss));
        assertTrue(bn.runningMean().value().data()[0] != 0, "running mean moved");
        assertTrue(bn.bias().grad().data()[0] != 0, "dBias accumulated");
    }
}
