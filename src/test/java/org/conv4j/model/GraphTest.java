package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Sigmoid;
import org.conv4j.activation.Tanh;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.NamedParam;
import org.conv4j.layers.Param;
import org.conv4j.merge.Add;
import org.conv4j.merge.Concat;
import org.conv4j.merge.Mul;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.pool.GlobalAvgPool2d;
import org.conv4j.tensor.ShapeException;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** The graph's run order, fan-out gradients, names and errors. */
class GraphTest {
    private static Tensor random(long seed, int... shape) {
        Rng r = new Rng(seed);
        Tensor x = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static Conv2d conv(int in, int out, int k, Rng r) { return new Conv2d(Conv2dConfig.of(in, out, k).withPadding(k / 2), r); }

    /** A residual block written as a graph: the same layers, the same parameter names, bitwise the same numbers. */
    @Test
    void aResidualBlockAsAGraphIsBitwiseTheResidual() {
        Residual res = new Residual(new Sequential(conv(3, 4, 3, new Rng(1)), new ReLU(), conv(4, 4, 3, new Rng(2))),
                new Sequential(conv(3, 4, 1, new Rng(3)), new BatchNorm2d(BatchNormConfig.of(4))));
        Graph g = new Graph(List.of(
                Graph.Node.of("block.0", conv(3, 4, 3, new Rng(1)), "input"),
                Graph.Node.of("block.1", new ReLU(), "block.0"),
                Graph.Node.of("block.2", conv(4, 4, 3, new Rng(2)), "block.1"),
                Graph.Node.of("shortcut.0", conv(3, 4, 1, new Rng(3)), "input"),
                Graph.Node.of("shortcut.1", new BatchNorm2d(BatchNormConfig.of(4)), "shortcut.0"),
                Graph.Node.of("add", new Add(), "block.2", "shortcut.1")), "add");
        List<String> names = NamedParam.of(g).stream().map(NamedParam::name).toList();
        assertEquals(NamedParam.of(res).stream().map(NamedParam::name).toList(), names);
        assertTrue(names.contains("shortcut.1.running_mean"), names.toString());
        res.setTraining(true);
        g.setTraining(true);
        for (int step = 0; step < 2; step++) {
            Tensor x = random(10 + step, 2, 3, 5, 5);
            Tensor dOut = random(20 + step, 2, 4, 5, 5);
            assertArrayEquals(res.forward(x).data(), g.forward(x).data(), "forward");
            assertArrayEquals(res.backward(dOut).data(), g.backward(dOut).data(), "dX: shortcut's then block's, summed alike");
            List<Param> pr = res.params(), pg = g.params();
            for (int i = 0; i < pr.size(); i++) {
                if (pr.get(i).isTrainable()) assertArrayEquals(pr.get(i).grad().data(), pg.get(i).grad().data(), names.get(i));
                else assertArrayEquals(pr.get(i).value().data(), pg.get(i).value().data(), names.get(i));
            }
        }
        res.setTraining(false);
        g.setTraining(false);
        Tensor x = random(30, 2, 3, 5, 5);
        assertArrayEquals(res.infer(x).data(), g.infer(x).data(), "infer");
        assertArrayEquals(new int[] {4, 5, 5}, g.outputShape(new int[] {3, 5, 5}));
    }

    /** x feeds three nodes; its gradient is the sum of theirs, added in backward order. */
    @Test
    void fanOutGradientsAddUp() {
        Graph g = new Graph(List.of(
                Graph.Node.of("t", new Tanh(), "input"),
                Graph.Node.of("s", new Sigmoid(), "input"),
                Graph.Node.of("m", new Mul(), "t", "s"),
                Graph.Node.of("sum", new Add(), "m", "input")), "sum");
        assertEquals(3, g.consumers("input"));
        Tensor x = random(1, 3, 7);
        Tensor dOut = random(2, 3, 7);
        Tensor y = g.forward(x);
        Tensor dX = g.backward(dOut).copy();
        for (int i = 0; i < x.size(); i++) {
            double v = x.data()[i], t = Math.tanh(v), s = 1 / (1 + Math.exp(-v)), d = dOut.data()[i];
            assertEquals(t * s + v, y.data()[i], 1e-6);
            // d/dv (tanh·σ + v) = (1 - t²)·σ + t·σ(1 - σ) + 1
            assertEquals(d * ((1 - t * t) * s + t * s * (1 - s) + 1), dX.data()[i], 1e-5, "element " + i);
        }
        // a second pass with the same values gives the same bits (the sum buffer is reused, not accumulated across)
        g.forward(x);
        assertArrayEquals(dX.data(), g.backward(dOut).data());
    }

    @Test
    void aValueReadTwiceByOneMergeGetsBothGradients() {
        Graph g = new Graph(List.of(Graph.Node.of("double", new Add(), "input", "input")), "double");
        Tensor x = random(3, 2, 5);
        assertArrayEquals(new int[] {2, 5}, g.forward(x).shape());
        Tensor dOut = random(4, 2, 5);
        Tensor dX = g.backward(dOut);
        for (int i = 0; i < dX.size(); i++) assertEquals(2 * dOut.data()[i], dX.data()[i]);
        assertEquals(2 * x.data()[3], g.infer(x).data()[3]);
    }

    /** An inception-like block: branches concatenated, a squeeze-excitation gate, a classifier head. */
    static Graph inceptionLike(long seed) {
        Rng r = new Rng(seed);
        return new Graph("image", List.of(
                Graph.Node.of("stem", conv(2, 4, 3, r), "image"),
                Graph.Node.of("stem.relu", new ReLU(), "stem"),
                Graph.Node.of("branch1", conv(4, 3, 1, r), "stem.relu"),
                Graph.Node.of("branch3", conv(4, 5, 3, r), "stem.relu"),
                Graph.Node.of("cat", new Concat(), "branch1", "branch3", "stem.relu"),
                Graph.Node.of("se.pool", new GlobalAvgPool2d(), "cat"),
                Graph.Node.of("se.flat", new Flatten(), "se.pool"),
                Graph.Node.of("se.fc", new Linear(LinearConfig.of(12, 12), r), "se.flat"),
                Graph.Node.of("se.gate", new Sigmoid(), "se.fc"),
                Graph.Node.of("se.view", new Unflatten(), "se.gate"),
                Graph.Node.of("scaled", new Mul(), "cat", "se.view"),
                Graph.Node.of("flat", new Flatten(), "scaled"),
                Graph.Node.of("fc", new Linear(LinearConfig.of(12 * 4 * 4, 3), r), "flat")), "fc");
    }

    /** [N, C] to [N, C, 1, 1], so a gate can scale channel planes (torch's x.view(N, C, 1, 1)). */
    static final class Unflatten implements Layer {
        @Override public Tensor forward(Tensor x) { return infer(x); }
        @Override public Tensor backward(Tensor dOut) { return dOut.reshape(dOut.dim(0), dOut.dim(1)); }
        @Override public Tensor infer(Tensor x) { return x.reshape(x.dim(0), x.dim(1), 1, 1); }
        @Override public int[] outputShape(int[] in) { return new int[] {in[0], 1, 1}; }
        @Override public String describe() { return "Unflatten"; }
    }

    @Test
    void branchesAndGatesTrainInferAndShareNothingBetweenThreads() throws Exception {
        Graph g = inceptionLike(5);
        assertEquals("image", g.input());
        assertEquals(List.of(12, 4, 4), java.util.Arrays.stream(g.valueShapes(new int[] {2, 4, 4}).get("cat")).boxed().toList());
        assertEquals(3, g.consumers("stem.relu"));
        assertEquals(2, g.consumers("cat"));
        Tensor x = random(6, 3, 2, 4, 4);
        Tensor y = g.forward(x).copy();
        assertArrayEquals(y.data(), g.infer(x).data(), "no layer here behaves differently in training");
        Tensor dX = g.backward(random(7, 3, 3));
        assertArrayEquals(x.shape(), dX.shape());
        for (Param p : g.params()) {
            double norm = 0;
            for (float v : p.grad().data()) norm += Math.abs(v);
            assertTrue(norm > 0, "every parameter gets a gradient");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) fs.add(pool.submit(() -> g.infer(x).data()));
            for (Future<float[]> f : fs) assertArrayEquals(y.data(), f.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void inputGradientOffSkipsDxAndKeepsParameterGradients() {
        Graph on = inceptionLike(8), off = inceptionLike(8);
        off.setInputGradient(false);
        Tensor x = random(9, 2, 2, 4, 4), dOut = random(10, 2, 3);
        on.forward(x);
        off.forward(x);
        assertNotNull(on.backward(dOut));
        assertNull(off.backward(dOut));
        for (int i = 0; i < on.params().size(); i++) {
            assertArrayEquals(on.params().get(i).grad().data(), off.params().get(i).grad().data(), "parameter " + i);
        }
    }

    @Test
    void parameterNamesAreNodeNamesWithDots() {
        Rng r = new Rng(1);
        Graph g = new Graph(List.of(
                Graph.Node.of("layer1.0.conv1", conv(1, 2, 3, r), "input"),
                Graph.Node.of("layer1.0.relu", new ReLU(), "layer1.0.conv1"),
                Graph.Node.of("fc", new Linear(LinearConfig.of(2, 2), r), "layer1.0.relu")), "fc");
        assertEquals(List.of("layer1.0.conv1.weight", "layer1.0.conv1.bias", "fc.weight", "fc.bias"),
                NamedParam.of(g).stream().map(NamedParam::name).toList());
        assertEquals(List.of("layer1.0.conv1", "layer1.0.relu", "fc"), g.children().stream().map(c -> c.name()).toList());
        // a graph nests: inside a Sequential its names gain the position
        assertEquals("1.fc.bias", NamedParam.of(new Sequential(new ReLU(), g)).get(3).name());
    }

    @Test
    void badGraphsFailNamingTheNode() {
        assertMessage("reads 'nope', which is neither the input 'input' nor a node", () -> new Graph(List.of(
                Graph.Node.of("a", new ReLU(), "nope")), "a"));
        assertMessage("two nodes are named 'a'", () -> new Graph(List.of(
                Graph.Node.of("a", new ReLU(), "input"), Graph.Node.of("a", new ReLU(), "a")), "a"));
        assertMessage("node 'a': reads 'b', which depends on it: a cycle a <- b <- a", () -> new Graph(List.of(
                Graph.Node.of("a", new ReLU(), "b"), Graph.Node.of("b", new ReLU(), "a")), "b"));
        assertMessage("node 'a': reads 'b', which is declared after it", () -> new Graph(List.of(
                Graph.Node.of("a", new ReLU(), "b"), Graph.Node.of("b", new ReLU(), "input"),
                Graph.Node.of("c", new Add(), "a", "b")), "c"));
        assertMessage("node 'a': reads its own output", () -> new Graph(List.of(Graph.Node.of("a", new ReLU(), "a")), "a"));
        assertMessage("the output 'z' is not a node", () -> new Graph(List.of(Graph.Node.of("a", new ReLU(), "input")), "z"));
        assertMessage("node 'dead' (ReLU): its value does not lead to the output 'a'", () -> new Graph(List.of(
                Graph.Node.of("a", new ReLU(), "input"), Graph.Node.of("dead", new ReLU(), "a")), "a"));
        ReLU shared = new ReLU();
        assertMessage("the same ReLU instance is at 'a' and 'b'", () -> new Graph(List.of(
                Graph.Node.of("a", shared, "input"), Graph.Node.of("b", shared, "a")), "b"));
        assertMessage("node 'm' (Mul): takes 2 inputs, got 3", () -> Graph.Node.of("m", new Mul(), "a", "b", "c"));
        assertMessage("a layer reads one value", () -> new Graph.Node("l", List.of("a", "b"), new ReLU(), null));
        assertMessage("node name 'a..b' is not usable", () -> Graph.Node.of("a..b", new ReLU(), "input"));
        assertMessage("has the name of the graph's input", () -> new Graph(List.of(Graph.Node.of("input", new ReLU(), "input")), "input"));

        Rng r = new Rng(1);
        Graph mismatch = new Graph(List.of(
                Graph.Node.of("wide", conv(1, 4, 3, r), "input"),
                Graph.Node.of("narrow", conv(1, 3, 3, r), "input"),
                Graph.Node.of("sum", new Add(), "wide", "narrow")), "sum");
        ShapeException e = assertThrows(ShapeException.class, () -> mismatch.outputShape(new int[] {1, 6, 6}));
        assertTrue(e.getMessage().startsWith("Graph node 'sum' (Add) reading 'wide' [4, 6, 6], 'narrow' [3, 6, 6]: "), e.getMessage());
        assertTrue(e.getMessage().contains("input 1"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> mismatch.forward(new Tensor(2, 1, 6, 6)));
        assertTrue(e.getMessage().startsWith("Graph node 'sum' (Add) reading 'wide' [2, 4, 6, 6], 'narrow' [2, 3, 6, 6]"), e.getMessage());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
    }
}
