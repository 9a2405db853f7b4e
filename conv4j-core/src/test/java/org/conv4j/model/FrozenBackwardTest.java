package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.conv4j.layers.Container;
import org.conv4j.layers.NamedParam;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.FineTuneTest;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link Container#setFrozen}: with the input gradient off, as the trainer runs, the frozen part runs no backward
 * (its parameter gradients stay zero, where a plain backward fills them) and every other parameter's gradient, over
 * several steps of an update, is bitwise what it is without the hint; the running statistics follow the same path.
 */
class FrozenBackwardTest {
    @Test
    void graphFrozenFork() {
        check("graph, frozen up to cat", () -> graph(), "cat", new int[] {3, 3, 16, 16});
    }

    @Test
    void graphFrozenBranchNextToATrainableOne() {
        // stem and the 3x3 branch frozen; the 1x1 branch trains from the frozen stem, so it needs no dX, and b2.relu
        // (no parameters, reading a frozen node) and cat's gradient for it are skipped.
        check("graph, frozen up to b2.bn", () -> graph(), "b2.bn", new int[] {3, 3, 16, 16});
    }

    @Test
    void sequentialWithAFrozenPrefix() {
        check("reference, frozen up to 2", () -> Zoo.spec("reference").build(4).network(), "2", new int[] {3, 1, 28, 28});
    }

    @Test
    void sequentialWithResidualBlocksAndAFrozenPrefix() {
        Container resnet = Zoo.spec("resnet-mini").build(4).network();
        String last = resnet.children().get(resnet.children().size() / 2).name();
        int[] item = Zoo.spec("resnet-mini").input();
        check("resnet-mini, frozen up to " + last, () -> Zoo.spec("resnet-mini").build(4).network(), last,
                new int[] {2, item[0], item[1], item[2]});
    }

    private static Container graph() {
        try {
            return NetworkSpec.parse(FineTuneTest.GRAPH_SPEC, "branchy").build(1).network();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Make { Container get(); }

    /** The same network twice: the input gradient off on both, the frozen part named to one; three SGD steps. */
    private static void check(String what, Make make, String until, int[] xShape) {
        Container plain = make.get(), skipping = make.get();
        FrozenPart frozen = FrozenPart.of(plain, until);
        assertFalse(frozen.isEmpty());
        plain.setInputGradient(false);
        skipping.setInputGradient(false);
        skipping.setFrozen(Set.copyOf(frozen.children()));
        List<NamedParam> pa = NamedParam.of(plain), pb = NamedParam.of(skipping);
        FrozenPart frozenB = FrozenPart.of(skipping, until);
        Rng rng = new Rng(11);
        for (int step = 0; step < 3; step++) {
            Tensor x = new Tensor(xShape);
            for (int i = 0; i < x.size(); i++) x.data()[i] = rng.nextFloat() * 2 - 1;
            assertNull(step(plain, frozen, x), what);
            assertNull(step(skipping, frozenB, x), what);
            boolean frozenWorked = false;
            for (int i = 0; i < pa.size(); i++) {
                Param a = pa.get(i).param(), b = pb.get(i).param();
                String name = what + ", step " + step + ": " + pa.get(i).name();
                assertArrayEquals(a.value().data(), b.value().data(), name + " value");
                if (!a.isTrainable()) continue;
                if (frozen.contains(pa.get(i))) {
                    for (float g : b.grad().data()) assertEquals(0f, g, name + ": frozen, yet backward ran");
                    for (float g : a.grad().data()) frozenWorked |= g != 0;
                } else {
                    assertArrayEquals(a.grad().data(), b.grad().data(), name + " gradient");
                    sgd(a);
                    sgd(b);
                }
            }
            assertTrue(frozenWorked, what + ": without the hint the frozen part computes gradients");
        }
        // Undone, the network computes dX and the frozen part's gradients again.
        skipping.setFrozen(Set.of());
        skipping.setInputGradient(true);
        plain.setInputGradient(true);
        Tensor x = new Tensor(xShape);
        Tensor dA = step(plain, frozen, x), dB = step(skipping, frozenB, x);
        assertArrayEquals(dA.data(), dB.data(), what + ": dX after undoing");
        for (int i = 0; i < pa.size(); i++) {
            if (pa.get(i).param().isTrainable()) assertArrayEquals(pa.get(i).param().grad().data(), pb.get(i).param().grad().data());
        }
    }

    private static void sgd(Param p) {
        float[] v = p.value().data(), g = p.grad().data();
        for (int i = 0; i < v.length; i++) v[i] -= 0.05f * g[i];
    }

    private static Tensor step(Container net, FrozenPart frozen, Tensor x) {
        net.setTraining(true);
        frozen.setEval(net);
        for (Param p : net.params()) if (p.isTrainable()) p.grad().zero();
        Tensor out = net.forward(x);
        Tensor dOut = Tensor.zerosLike(out);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) Math.sin(i * 0.7);
        Tensor dX = net.backward(dOut);
        return dX == null ? null : dX.copy();
    }
}
