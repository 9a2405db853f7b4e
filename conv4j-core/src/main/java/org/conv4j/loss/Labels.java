package org.conv4j.loss;

import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/** Input and label validation shared by the classification losses. */
final class Labels {
    private Labels() {}

    /** Fails unless input is [N, C] with N, C ≥ 1 and labels has N entries, each in [0, C). */
    static void check(String loss, Tensor input, int[] labels) {
        if (labels == null) throw new IllegalArgumentException(loss + ": labels are null");
        Shapes.check(loss, "input", input, labels.length, -1);
        int n = input.dim(0), c = input.dim(1);
        if (n == 0) throw new IllegalArgumentException(loss + ": empty batch (input has shape " + Shapes.show(input.shape()) + ")");
        if (c == 0) throw new IllegalArgumentException(loss + ": input has 0 classes");
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException(loss + ": label " + labels[i] + " at batch index " + i
                        + " is outside [0, " + c + ") for input of shape " + Shapes.show(input.shape()));
            }
        }
    }

    static void checkBackward(String loss, Object cache) {
        if (cache == null) throw new IllegalStateException(loss + ": backward called before forward");
    }
}
