package org.conv4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossTest {
    @Test
    void labelsAndShapesAreValidatedWithMessages() {
        for (Loss l : List.<Loss>of(new CrossEntropyLoss(), new MultiMarginLoss(), new MseLoss())) {
            Tensor x = new Tensor(2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(x, new int[] {0, 3}));
            assertTrue(e.getMessage().contains(l.describe()) && e.getMessage().contains("label 3 at batch index 1 is outside [0, 3)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> l.forward(x, new int[] {-1, 0}));
            ShapeException s = assertThrows(ShapeException.class, () -> l.forward(x, new int[] {0, 1, 2}));
            assertTrue(s.getMessage().contains("[2, 3]") && s.getMessage().contains("[3, ?]"), s.getMessage());
            assertThrows(ShapeException.class, () -> l.forward(new Tensor(2, 3, 1), new int[] {0, 1}));
        }
        assertThrows(IllegalStateException.class, () -> new CrossEntropyLoss().backward());
        MseLoss m = new MseLoss();
        assertThrows(ShapeException.class, () -> m.forward(new Tensor(2, 3), new Tensor(3, 2)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CrossEntropyLossConfig.of().withLabelSmoothing(1.2))
                .getMessage().contains("labelSmoothing"));
        assertThrows(IllegalArgumentException.class, () -> MultiMarginLossConfig.of().withP(3));
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        // Row 0: the label wins by 2e4; row 1: it loses by 2e4.
        Tensor x = Tensor.wrap(new float[] {1e4f, -1e4f, 0, -1e4f, 1e4f, 0}, 2, 3);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        float loss = ce.forward(x, new int[] {0, 0});
        assertEquals(1e4f, loss, 1e-3f, "(0 + 2e4) / 2");
        float[] d = ce.backward().data();
        assertEquals(List.of(0f, 0f, 0f, -0.5f, 0.5f, 0f), List.of(d[0], d[1], d[2], d[3], d[4], d[5]));
        float uniform = new CrossEntropyLoss().forward(new Tensor(4, 10), new int[] {1, 2, 3, 4});
        assertEquals(Math.log(10), uniform, 1e-6);
    }

    @Test
    void labelSmoothingOfOneIgnoresTheLabel() {
        Tensor x = Tensor.wrap(new float[] {0.3f, -1.2f, 2.0f}, 1, 3);
        CrossEntropyLoss ce = new CrossEntropyLoss(CrossEntropyLossConfig.of().withLabelSmoothing(1.0));
        assertEquals(ce.forward(x, new int[] {0}), ce.forward(x, new int[] {2}));
    }

    @Test
    void hingeAndMseAtKnownPoints() {
        // x = [1, 2, 0.5], y = 0: hinges max(0, 1-1+2) = 2 and max(0, 1-1+0.5) = 0.5 → (2.5)/3.
        Tensor x = Tensor.wrap(new float[] {1, 2, 0.5f}, 1, 3);
        MultiMarginLoss h = new MultiMarginLoss();
        assertEquals(2.5f / 3, h.forward(x, new int[] {0}), 1e-7f);
        float[] d = h.backward().data();
        assertEquals(-2f / 3, d[0], 1e-7f);
        assertEquals(1f / 3, d[1], 1e-7f);
        MseLoss m = new MseLoss();
        assertEquals((0 + 4 + 0.25f) / 3, m.forward(x, new int[] {0}), 1e-7f); // one-hot [1, 0, 0]
        assertEquals(List.of(0f, 4f / 3, 1f / 3), List.of(m.backward().data()[0], m.backward().data()[1], m.backward().data()[2]));
    }
}
