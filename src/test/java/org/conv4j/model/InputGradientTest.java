package org.conv4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.function.Supplier;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.layers.Param;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.norm.BatchNormConfig;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link Layer#setInputGradient}: with the input gradient off, backward returns null (dX is not computed)
 * and every parameter gradient is bitwise what it is with the input gradient on.
 */
class InputGradientTest {
    @Test
    void builtInNetworksSkipDxAndKeepEveryParameterGradient() {
        for (String name : Zoo.NAMES) {
            NetworkSpec spec = Zoo.spec(name);
            int[] item = spec.input();
            check(name, () -> spec.build(5).network(), new int[] {3, item[0], item[1], item[2]});
        }
    }

    @Test
    void residualFirstLayersWithIdentityAndProjectionShortcuts() {
        Supplier<Sequential> identity = () -> {
            Rng rng = new Rng(2);
            Sequential block = new Sequential(new Conv2d(Conv2dConfig.of(2, 2, 3).withPadding(1), rng), new ReLU(),
                    new Conv2d(Conv2dConfig.of(2, 2, 3).withPadding(1), rng));
            return new Sequential(new Residual(block, null), new Flatten(), new Linear(LinearConfig.of(2 * 5 * 5, 3), rng));
        };
        Supplier<Sequential> projection = () -> {
            Rng rng = new Rng(3);
            Sequential block = new Sequential(new Conv2d(Conv2dConfig.of(2, 4, 3).withPadding(1).withStride(2), rng),
                    new BatchNorm2d(BatchNormConfig.of(4)));
            Sequential shortcut = new Sequential(new Conv2d(Conv2dConfig.of(2, 4, 1).withStride(2), rng));
            return new Sequential(new Residual(block, shortcut), new ReLU(), new Flatten(),
                    new Linear(LinearConfig.of(4 * 3 * 3, 3), rng));
        };
        check("identity residual", identity, new int[] {2, 2, 5, 5});
        check("projection residual", projection, new int[] {2, 2, 5, 5});
    }

    @Test
    void aLoneLinearReturnsNullButStillAddsIntoItsGradients() {
        check("linear", () -> new Sequential(new Linear(LinearConfig.of(7, 3), new Rng(9))), new int[] {4, 7});
    }

    /** Same network twice (same seed): input gradient on vs off; parameter gradients must be bitwise equal. */
    private static void check(String what, Supplier<? extends Layer> make, int[] xShape) {
        Rng rng = new Rng(11);
        Tensor x = new Tensor(xShape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = rng.nextFloat() * 2 - 1;

        Layer on = make.get(), off = make.get();
        off.setInputGradient(false);
        Tensor dXOn = step(on, x);
        Tensor dXOff = step(off, x);
        assertNotNull(dXOn, what + ": dX with the input gradient on");
        assertNull(dXOff, what + ": dX with the input gradient off");
        List<Param> pOn = on.params(), pOff = off.params();
        for (int i = 0; i < pOn.size(); i++) {
            if (!pOn.get(i).isTrainable()) continue;
            assertArrayEquals(pOn.get(i).grad().data(), pOff.get(i).grad().data(), what + ": gradient of parameter " + i);
        }
        // Turned back on, the same network computes dX again, equal to the other's.
        off.setInputGradient(true);
        assertArrayEquals(step(on, x).data(), step(off, x).data(), what + ": dX after turning it back on");
    }

    private static Tensor step(Layer net, Tensor x) {
        net.setTraining(true);
        for (Param p : net.params()) if (p.isTrainable()) java.util.Arrays.fill(p.grad().data(), 0f);
        Tensor out = net.forward(x);
        Tensor dOut = Tensor.zerosLike(out);
        for (int i = 0; i < dOut.size(); i++) dOut.data()[i] = (float) Math.sin(i * 0.7);
        Tensor dX = net.backward(dOut);
        return dX == null ? null : dX.copy();
    }

}
