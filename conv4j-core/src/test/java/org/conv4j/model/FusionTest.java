package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.activation.ReLU;
import org.conv4j.activation.Tanh;
import org.conv4j.layers.Fusable;
import org.conv4j.layers.Layer;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.pool.ReluMaxPool2d;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fusion pass: layers that declare {@link Fusable} run with their predecessor as one stage, greedily from
 * the left; the container's children, and so its parameter names, stay as they were.
 */
class FusionTest {
    /** x → −x. Two in a row fuse into the identity: a layer Sequential knows nothing about. */
    static final class Negate implements Fusable {
        @Override public Tensor forward(Tensor x) { return negate(x); }
        @Override public Tensor backward(Tensor dOut) { return negate(dOut); }
        @Override public Tensor infer(Tensor x) { return negate(x); }
        @Override public int[] outputShape(int[] in) { return in.clone(); }
        @Override public String describe() { return "Negate"; }
        @Override public Layer fuseAfter(Layer previous) { return previous instanceof Negate ? new Identity() : null; }

        private static Tensor negate(Tensor x) {
            Tensor y = Tensor.zerosLike(x);
            for (int i = 0; i < x.size(); i++) y.data()[i] = -x.data()[i];
            return y;
        }
    }

    static final class Identity implements Layer {
        @Override public Tensor forward(Tensor x) { return x.copy(); }
        @Override public Tensor backward(Tensor dOut) { return dOut.copy(); }
        @Override public Tensor infer(Tensor x) { return x.copy(); }
        @Override public int[] outputShape(int[] in) { return in.clone(); }
        @Override public String describe() { return "Identity"; }
    }

    private static List<Integer> spans(List<Fusion.Stage> stages) { return stages.stream().map(Fusion.Stage::span).toList(); }

    private static List<Integer> firsts(List<Fusion.Stage> stages) { return stages.stream().map(Fusion.Stage::first).toList(); }

    @Test
    void reluFusesOnlyWithAFollowingMaxPool() {
        List<Layer> layers = List.of(new ReLU(), new MaxPool2d(2), new ReLU(), new ReLU(), new MaxPool2d(2), new MaxPool2d(2),
                new ReLU(), new Tanh(), new ReLU());
        List<Fusion.Stage> stages = Fusion.plan(layers);
        assertEquals(List.of(2, 1, 2, 1, 1, 1, 1), spans(stages));
        assertEquals(List.of(0, 2, 3, 5, 6, 7, 8), firsts(stages));
        assertInstanceOf(ReluMaxPool2d.class, stages.get(0).layer());
        assertSame(layers.get(4), ((ReluMaxPool2d) stages.get(2).layer()).pool());
        assertSame(layers.get(5), stages.get(3).layer());
        assertEquals(List.of(), Fusion.plan(List.of()));
    }

    @Test
    void anyFusableLayerFusesGreedilyAndChildrenStay() {
        Negate a = new Negate(), b = new Negate(), c = new Negate();
        Sequential s = new Sequential(a, b, c);
        assertEquals(List.of(2, 1), spans(s.stages()));
        assertInstanceOf(Identity.class, s.stages().get(0).layer());
        assertSame(c, s.stages().get(1).layer());
        assertEquals(List.of("0", "1", "2"), s.children().stream().map(org.conv4j.layers.Container.Child::name).toList());
        assertEquals(List.of(a, b, c), s.layers());

        Tensor x = Tensor.wrap(new float[] {1.5f, -2f, 0f}, 3);
        assertArrayEquals(new float[] {-1.5f, 2f, -0f}, s.forward(x).data());
        assertArrayEquals(new float[] {-1.5f, 2f, -0f}, s.infer(x).data());
        assertArrayEquals(new float[] {-1.5f, 2f, -0f}, s.backward(x).data());
    }
}
