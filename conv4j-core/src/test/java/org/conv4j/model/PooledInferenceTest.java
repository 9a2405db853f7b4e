package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.ReLU6;
import org.conv4j.activation.SiLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Softmax;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.Mul;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.pool.AdaptiveAvgPool2d;
import org.conv4j.pool.AdaptiveMaxPool2d;
import org.conv4j.pool.AdaptivePoolConfig;
import org.conv4j.pool.AvgPool2d;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.shape.ChannelShuffle;
import org.conv4j.shape.Pad2d;
import org.conv4j.shape.PadConfig;
import org.conv4j.shape.Slice;
import org.conv4j.shape.SliceConfig;
import org.conv4j.shape.Upsample;
import org.conv4j.shape.UpsampleConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * A model's calls reuse the arrays of values no longer read ({@link org.conv4j.tensor.TensorPool}). Every layer
 * that takes its output from the pool must overwrite all of it: with assertions on (as in these tests) released
 * arrays are filled with NaN, so a second call that left any element unwritten differs from a fresh model's
 * first call. A call's result belongs to its caller and never changes afterwards.
 */
class PooledInferenceTest {
    /**
     * Every layer kind that takes its output from the pool: convolutions (Winograd, depthwise, 1×1, strided),
     * batch norm, activations in place and not, pooling (fixed and adaptive), padding, concatenation, a residual
     * add, a squeeze-and-excitation product, a channel shuffle, a slice, upsampling, softmax, the head.
     */
    private static Model model() {
        Rng rng = new Rng(21);
        Graph g = new Graph(List.of(
                Graph.Node.of("stem", new Conv2d(Conv2dConfig.of(3, 16, 3).withPadding(1), rng), "input"),
                Graph.Node.of("bn", new BatchNorm2d(BatchNormConfig.of(16)), "stem"),
                Graph.Node.of("act", new LeakyReLU(), "bn"),   // read twice below: not in place
                Graph.Node.of("dw", new Conv2d(Conv2dConfig.of(16, 16, 3).withPadding(1).depthwise(), rng), "act"),
                Graph.Node.of("r6", new ReLU6(), "dw"),
                Graph.Node.of("pw", new Conv2d(Conv2dConfig.of(16, 16, 1), rng), "r6"),
                Graph.Node.of("res", new Add(), "act", "pw"),   // act is read again: a new tensor
                Graph.Node.of("pooled", new GlobalAvgPool2d(), "res"),
                Graph.Node.of("squeeze", new Conv2d(Conv2dConfig.of(16, 16, 1), rng), "pooled"),
                Graph.Node.of("gate", new Sigmoid(), "squeeze"),
                Graph.Node.of("se", new Mul(), "res", "gate"),
                Graph.Node.of("max", new MaxPool2d(2), "se"),
                Graph.Node.of("avg", new AvgPool2d(2), "act"),
                Graph.Node.of("cat", new Concat(), "max", "avg"),
                Graph.Node.of("pad", new Pad2d(PadConfig.of(1)), "cat"),
                Graph.Node.of("down", new Conv2d(Conv2dConfig.of(32, 24, 3).withStride(2), rng), "pad"),
                Graph.Node.of("silu", new SiLU(), "down"),
                Graph.Node.of("relu", new ReLU(), "silu"),
                Graph.Node.of("shuffle", new ChannelShuffle(4), "relu"),
                Graph.Node.of("half", new Slice(SliceConfig.of(1, 0, 12)), "shuffle"),
                Graph.Node.of("up", new Upsample(UpsampleConfig.scale(2)), "half"),
                Graph.Node.of("amax", new AdaptiveMaxPool2d(AdaptivePoolConfig.of(7)), "up"),
                Graph.Node.of("aavg", new AdaptiveAvgPool2d(AdaptivePoolConfig.of(7)), "up"),
                Graph.Node.of("both", new Concat(), "amax", "aavg"),
                Graph.Node.of("flat", new Flatten(), "both"),
                Graph.Node.of("soft", new Softmax(1), "flat"),
                Graph.Node.of("head", new Linear(LinearConfig.of(24 * 7 * 7, 10), rng), "soft")), "head");
        return Model.of(g, new int[] {3, 28, 28}, 10);
    }

    private static Tensor images(int n, long seed) {
        Tensor x = new Tensor(n, 3, 28, 28);
        Rng rng = new Rng(seed);
        for (int i = 0; i < x.size(); i++) x.data()[i] = rng.nextFloat();
        return x;
    }

    @Test
    void laterCallsOnReusedArraysGiveAFreshModelsBits() {
        Model warm = model();
        for (int n : new int[] {3, 3, 1, 3}) {
            Tensor a = images(n, 100 + n), b = images(n, 200 + n);
            float[] first = warm.logits(a).data();
            float[] firstCopy = first.clone();
            float[] second = warm.logits(b).data();
            assertArrayEquals(model().logits(b).data(), second, "batch " + n + ": a call on reused arrays");
            assertArrayEquals(firstCopy, first, "batch " + n + ": the previous call's result changed");
            assertEquals(n * 10, second.length);
        }
    }

    @Test
    void aSequentialModelWithResidualBlocksReusesItsArraysToo() {
        Rng rng = new Rng(5);
        Sequential net = new Sequential(new Conv2d(Conv2dConfig.of(3, 8, 5).withPadding(2), rng), new ReLU(),
                new Residual(new Sequential(new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(1), rng), new ReLU(),
                        new Conv2d(Conv2dConfig.of(8, 8, 3).withPadding(1), rng)), null),
                new ReLU(), new MaxPool2d(2),
                new Residual(new Sequential(new Conv2d(Conv2dConfig.of(8, 12, 3).withStride(2).withPadding(1), rng)),
                        new Sequential(new Conv2d(Conv2dConfig.of(8, 12, 1).withStride(2), rng))),
                new Flatten(), new Linear(LinearConfig.of(12 * 7 * 7, 10), rng));
        Model m = Model.of(net, new int[] {3, 28, 28}, 10);
        Model fresh = Model.of(net, new int[] {3, 28, 28}, 10);
        float[] want = fresh.logits(images(2, 7)).data();
        float[] other = m.logits(images(2, 8)).data();
        float[] otherCopy = other.clone();
        assertArrayEquals(want, m.logits(images(2, 7)).data(), "a call on reused arrays");
        assertArrayEquals(otherCopy, other, "the previous call's result changed");
    }

    @Test
    void preprocessingNormalisesIntoAPooledArrayWithInPlaceBits() {
        Model plain = model();
        Model m = new Model(plain.spec().withNormalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
                plain.network());
        Tensor x = images(2, 9);
        float[] before = x.data().clone();
        Tensor want = x.copy();
        m.normalizeInPlace(want);
        assertArrayEquals(want.data(), m.preprocess(x).data(), "normalised from x");
        assertArrayEquals(before, x.data(), "the caller's images are not written");
        assertArrayEquals(x.data(), plain.preprocess(x).data(), "no normalisation: a copy");
        float[] first = m.logits(x).data().clone();
        m.logits(images(2, 10));
        assertArrayEquals(first, m.logits(x).data(), "normalised calls on reused arrays");
    }

    @Test
    void aGraphNestedInAGraphNeverHandsBackItsCallersArrayThroughAView() {
        // The inner graph flattens its input (a view of the outer value c) and reads it last there; the outer
        // graph reads c again afterwards, and its next output of c's size must not be given c's array.
        Rng rng = new Rng(4);
        Graph inner = new Graph(List.of(
                Graph.Node.of("f", new Flatten(), "input"),
                Graph.Node.of("lin", new Linear(LinearConfig.of(4 * 28 * 28, 10), rng), "f")), "lin");
        Graph outer = new Graph(List.of(
                Graph.Node.of("c", new Conv2d(Conv2dConfig.of(3, 4, 3).withPadding(1), rng), "input"),
                Graph.Node.of("inner", inner, "c"),
                Graph.Node.of("d", new Conv2d(Conv2dConfig.of(4, 4, 3).withPadding(1), rng), "c"),
                Graph.Node.of("flat", new Flatten(), "d"),
                Graph.Node.of("both", new Concat(), "flat", "inner")), "both");
        Model m = Model.of(outer, new int[] {3, 28, 28}, 4 * 28 * 28 + 10);
        Tensor x = images(2, 11);
        float[] want = outer.infer(m.preprocess(x)).data();   // no pool active: every output a new array
        assertArrayEquals(want, m.logits(x).data(), "first call");
        assertArrayEquals(want, m.logits(x).data(), "second call");
    }
}
