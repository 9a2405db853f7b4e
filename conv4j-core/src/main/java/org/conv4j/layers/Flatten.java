package org.conv4j.layers;

import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;

/**
 * Keeps the batch dimension and flattens the rest, as torch.nn.Flatten(): [N, d1, d2, ...] → [N, d1·d2·...].
 * Forward and backward return views sharing the data of their argument (no copy).
 */
public final class Flatten implements Layer {
    private int[] shape;  // shape of the last forward input

    /** A flatten layer; it has no settings and no parameters. */
    public Flatten() {}

    @Override
    public Tensor forward(Tensor x) {
        shape = x.shape();
        return infer(x);
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException("Flatten: backward called before forward");
        Shapes.check("Flatten", "dOut", dOut, shape[0], Shapes.size(shape) / Math.max(1, shape[0]));
        return dOut.reshape(shape);
    }

    @Override
    public Tensor infer(Tensor x) {
        if (x.rank() < 1) throw new org.conv4j.tensor.ShapeException(
                "Flatten: x has shape " + Shapes.show(x.shape()) + " but expected at least a batch dimension [N, ...]");
        return x.reshape(x.dim(0), x.itemSize());
    }

    @Override
    public int[] outputShape(int[] in) { return new int[] {Shapes.size(in)}; }

    @Override
    public String describe() { return "Flatten"; }
}
