package org.conv4j.shape;

import java.util.Arrays;
import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Selects {@code x[..., start:end:step]} along one dimension ({@link SliceConfig}), as Python slicing of a
 * torch tensor: x [N, ..., D, ...] → out [N, ..., D', ...] with D' the number of selected indices. The
 * single-input building block of Split: several Slices of one value cover its parts. Backward writes
 * dOut into the selected positions of a zero dX.
 */
public final class Slice implements Layer {
    private final SliceConfig config;
    private final String name;

    private int[] shape;     // input shape of the last forward
    private Tensor out;      // the slice, reused
    private Tensor dX;       // input-shaped, reused

    /**
     * A slice layer; the dimension and the range are resolved against each input's shape when it arrives.
     *
     * @param config the dimension, start, end and step
     */
    public Slice(SliceConfig config) {
        this.config = config;
        this.name = config.describe();
    }

    /** {@return the settings this layer was built with: the dimension and the start:end:step range} */
    public SliceConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        int[] outShape = sliced(x.shape());
        out = Buffers.reuse(out, outShape);
        copy(x.shape(), x.data(), out.data(), false);
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, sliced(shape));
        dX = Buffers.reuse(dX, shape);
        dX.zero();
        copy(shape, dOut.data(), dX.data(), true);
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        Tensor y = TensorPool.output(sliced(x.shape()));
        copy(x.shape(), x.data(), y.data(), false);
        return y;
    }

    /**
     * With x viewed as [outer, D, inner]: out[o, k, i] = x[o, start + k·step, i] (forward), or the
     * same assignment reversed into x's layout (backward; positions not selected stay as they are).
     */
    private void copy(int[] s, float[] from, float[] to, boolean scatter) {
        int d = config.resolveDim(name, s), size = s[d], first = config.first(size), count = config.count(size);
        int outer = Shapes.size(Arrays.copyOfRange(s, 0, d)), inner = Shapes.size(Arrays.copyOfRange(s, d + 1, s.length));
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < count; k++) {
                int full = (o * size + first + k * config.step()) * inner, part = (o * count + k) * inner;
                if (scatter) System.arraycopy(from, part, to, full, inner);
                else System.arraycopy(from, full, to, part, inner);
            }
        }
    }

    /** The output shape for input shape {@code s} (batch included); fails if the slice selects nothing. */
    private int[] sliced(int[] s) {
        int d = config.resolveDim(name, s);
        int count = config.count(s[d]);
        if (count == 0) {
            throw new ShapeException(name + ": selects nothing from dimension " + d + " of x with shape " + Shapes.show(s));
        }
        int[] r = s.clone();
        r[d] = count;
        return r;
    }

    @Override
    public int[] outputShape(int[] in) {
        int[] batched = new int[in.length + 1];
        batched[0] = 1;
        System.arraycopy(in, 0, batched, 1, in.length);
        int[] r = sliced(batched);
        return Arrays.copyOfRange(r, 1, r.length);
    }

    @Override
    public String describe() { return name; }
}
