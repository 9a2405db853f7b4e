package org.conv4j.shape;

import org.conv4j.layers.Buffers;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Shapes;
import org.conv4j.tensor.Tensor;
import org.conv4j.tensor.TensorPool;

/**
 * Interleaves channel groups as torch.nn.ChannelShuffle (ShuffleNet): x [N, C, *] viewed as
 * [N, G, C/G, *], groups and channels-per-group swapped, flattened back to out [N, C, *]. Output channel
 * k·G + g is input channel g·(C/G) + k. Backward applies the inverse permutation.
 */
public final class ChannelShuffle implements Layer {
    private final ChannelShuffleConfig config;
    private final int groups;  // config.groups()
    private final String name;

    private int[] shape;     // [N, C, *] of the last forward input
    private Tensor out;      // [N, C, *] reused
    private Tensor dX;       // [N, C, *] reused

    /**
     * A channel shuffle with {@code config.groups()} groups.
     *
     * @param config the settings; G must divide the channel count of each input
     */
    public ChannelShuffle(ChannelShuffleConfig config) {
        this.config = config;
        this.groups = config.groups();
        this.name = "ChannelShuffle(" + groups + ")";
    }

    /**
     * G groups; G must divide the input's channel count.
     *
     * @param groups G, at least 1
     * @throws IllegalArgumentException if {@code groups} is below 1
     */
    public ChannelShuffle(int groups) { this(ChannelShuffleConfig.of(groups)); }

    /** {@return the settings this layer was built with: the number of groups G} */
    public ChannelShuffleConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        check(x.shape());
        out = Buffers.reuse(out, x);
        permute(x.shape(), x.data(), out.data(), false);
        shape = x.shape();
        return out;
    }

    @Override
    public Tensor backward(Tensor dOut) {
        if (shape == null) throw new IllegalStateException(name + ": backward called before forward");
        Shapes.check(name, "dOut", dOut, shape);
        dX = Buffers.reuse(dX, shape);
        permute(shape, dOut.data(), dX.data(), true);
        return dX;
    }

    @Override
    public Tensor infer(Tensor x) {
        check(x.shape());
        Tensor y = TensorPool.output(x.shape());
        permute(x.shape(), x.data(), y.data(), false);
        return y;
    }

    /**
     * Moves whole planes: forward out[k·G + g] = in[g·(C/G) + k]; inverse in[g·(C/G) + k] = out[k·G + g],
     * for every item, group g and channel k within the group.
     */
    private void permute(int[] s, float[] from, float[] to, boolean inverse) {
        int c = s[1], perGroup = c / groups, plane = Shapes.size(s) / Math.max(1, s[0] * c);
        for (int n = 0; n < s[0]; n++) {
            int item = n * c * plane;
            for (int g = 0; g < groups; g++) {
                for (int k = 0; k < perGroup; k++) {
                    int grouped = item + (g * perGroup + k) * plane, shuffled = item + (k * groups + g) * plane;
                    if (inverse) System.arraycopy(from, shuffled, to, grouped, plane);
                    else System.arraycopy(from, grouped, to, shuffled, plane);
                }
            }
        }
    }

    private void check(int[] s) {
        if (s.length < 3) throw new ShapeException(name + ": x has shape " + Shapes.show(s) + " but expected at least [N, C, *]");
        if (s[1] % groups != 0) {
            throw new ShapeException(name + ": x has shape " + Shapes.show(s) + " but its " + s[1]
                    + " channels are not divisible by " + groups + " groups");
        }
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length < 2 || in[0] % groups != 0) {
            throw new ShapeException(name + ": input item has shape " + Shapes.show(in)
                    + " but expected [C, *] with C divisible by " + groups);
        }
        return in.clone();
    }

    @Override
    public String describe() { return name; }
}
