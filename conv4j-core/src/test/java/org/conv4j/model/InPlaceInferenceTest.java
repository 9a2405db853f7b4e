package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.conv4j.activation.LeakyReLU;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.ReLU6;
import org.conv4j.activation.SiLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.merge.Add;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * Inference lets element-wise activations overwrite a tensor that only they read ({@link Layer#inferInPlace}):
 * the outputs stay bitwise those of training-mode-off forward, and the caller's input, a view of it, or a value
 * another node still reads is never written.
 */
class InPlaceInferenceTest {
    private static Conv2d conv(int in, int out, long seed) { return new Conv2d(Conv2dConfig.of(in, out, 3).withPadding(1), new Rng(seed)); }

    private static Tensor input(long seed, int... shape) {
        Tensor x = new Tensor(shape);
        Rng r = new Rng(seed);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
        return x;
    }

    /** infer(x) leaves x alone and gives eval-mode forward's bits. */
    private static void check(Layer net, Tensor x, String what) {
        float[] before = x.data().clone();
        net.setTraining(false);
        float[] want = net.forward(x.copy()).data().clone();
        Tensor got = net.infer(x);
        assertArrayEquals(before, x.data(), what + ": the caller's input was written");
        assertArrayEquals(want, got.data(), what + ": infer differs from forward");
        assertArrayEquals(want, net.infer(x).data(), what + ": a second call differs");
    }

    @Test
    void sequentialActivationsWorkInPlaceButNeverOnTheCallersInput() {
        check(new Sequential(conv(2, 4, 1), new ReLU(), conv(4, 4, 2), new ReLU6(), new LeakyReLU(), new SiLU(), new Flatten(),
                new Linear(LinearConfig.of(4 * 36, 5), new Rng(3)), new ReLU()), input(4, 3, 2, 6, 6), "conv stack");
        // An activation first: its input is the caller's.
        check(new Sequential(new ReLU(), conv(2, 3, 5), new ReLU()), input(6, 2, 2, 5, 5), "activation first");
        // Flatten's output is a view of the caller's input: the ReLU after it must not write through it.
        check(new Sequential(new Flatten(), new ReLU6(), new ReLU()), input(7, 2, 3, 4, 4), "activation after a view of the input");
    }

    @Test
    void anActivationWorksInPlaceOnlyOnItsOwnValue() {
        ReLU relu = new ReLU();
        Tensor x = input(8, 2, 3);
        assertSame(x, relu.inferInPlace(x), "ReLU computes in place");
        Tensor big = input(9, 3, 1500);   // more than SiLU's block of sigmoids
        Tensor want = new SiLU().infer(big);
        assertSame(big, new SiLU().inferInPlace(big), "SiLU computes in place");
        assertArrayEquals(want.data(), big.data(), "SiLU in place");
        // A graph: 'c' is read by the ReLU and by the add after it, so the ReLU may not overwrite it; 'r' is read
        // only by the ReLU6, which may.
        Graph g = new Graph(List.of(
                Graph.Node.of("c", conv(2, 2, 10), "input"),
                Graph.Node.of("r", new ReLU(), "c"),
                Graph.Node.of("r6", new ReLU6(), "r"),
                Graph.Node.of("sum", new Add(), "r6", "c"),
                Graph.Node.of("out", new ReLU(), "sum")), "out");
        check(g, input(11, 2, 2, 5, 5), "graph");
        // Adds into their first input where it is owned: a residual add, a value added to itself, and a first
        // input smaller than the output (broadcast: a new tensor); a product by a broadcast gate (SE blocks).
        Graph adds = new Graph(List.of(
                Graph.Node.of("c", conv(2, 2, 13), "input"),
                Graph.Node.of("twice", new Add(), "c", "c"),
                Graph.Node.of("d", conv(2, 2, 14), "twice"),
                Graph.Node.of("res", new Add(), "d", "twice"),
                Graph.Node.of("pool", new org.conv4j.pool.GlobalAvgPool2d(), "res"),
                Graph.Node.of("wide", new Add(), "pool", "res"),
                Graph.Node.of("gate", new org.conv4j.activation.Sigmoid(), "pool"),
                Graph.Node.of("scaled", new org.conv4j.merge.Mul(), "wide", "gate"),
                Graph.Node.of("out", new ReLU(), "scaled")), "out");
        check(adds, input(15, 2, 2, 5, 5), "adds");
        // An activation on a view of the graph's input, which the graph reads again after it.
        Graph onInput = new Graph(List.of(
                Graph.Node.of("flat", new Flatten(), "input"),
                Graph.Node.of("r", new ReLU(), "flat"),
                Graph.Node.of("sum", new Add(), "r", "input")), "sum");
        Tensor x2 = input(12, 2, 12);
        float[] before = x2.data().clone();
        onInput.setTraining(false);
        Tensor y = onInput.infer(x2);
        assertArrayEquals(before, x2.data(), "the graph's input was written");
        for (int i = 0; i < y.size(); i++) assertEquals(Math.max(before[i], 0f) + before[i], y.data()[i], 0f, "output " + i);
    }
}
