package org.conv4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.conv4j.activation.ReLU;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every activation, dropout, batchnorm and loss backward within 1e-4 of double-precision centred differences. */
class LayerChecksTest {

    @TestFactory
    List<DynamicTest> everyLayerAndLossPassesItsGradientCheck() {
        return LayerChecks.cases().stream().map(c -> DynamicTest.dynamicTest(c.layer() + " " + c.config(), () -> {
            CheckResult r = c.run();
            assertTrue(r.maxRelError() <= 1e-4, r.layer() + " " + r.config() + ": max relative error " + r.maxRelError() + " in " + r.worst());
        })).toList();
    }

    @Test
    void coversEveryLayerAndLossOfThisPackageSet() {
        Set<String> names = new TreeSet<>();
        for (CheckCase c : LayerChecks.cases()) names.add(c.layer());
        assertEquals(new TreeSet<>(List.of("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Dropout", "BatchNorm1d", "BatchNorm2d",
                "CrossEntropyLoss", "MultiMarginLoss", "MseLoss",
                "ReLU6", "Clip", "Hardswish", "HardSigmoid", "SiLU", "Softmax", "LogSoftmax", "LayerNorm2d", "LayerNorm")), names);
        assertTrue(GradCheckSuite.all().stream().map(CheckCase::layer).toList().containsAll(names), "registered in GradCheckSuite.all()");
    }

    /** The checker itself must catch a backward that is slightly wrong. */
    @Test
    void aBackwardOffByOnePercentFails() {
        Layer wrong = new Layer() {
            final ReLU relu = new ReLU();
            public Tensor forward(Tensor x) { return relu.forward(x); }
            public Tensor backward(Tensor dOut) {
                Tensor d = relu.backward(dOut);
                for (int i = 0; i < d.size(); i++) d.data()[i] *= 1.01f;
                return d;
            }
            public Tensor infer(Tensor x) { return relu.infer(x); }
            public int[] outputShape(int[] in) { return in; }
            public String describe() { return "WrongReLU"; }
        };
        Tensor x = LayerChecks.uniform(new Rng(1), 1, 3, 4);
        CheckResult r = LayerChecks.checkLayer("WrongReLU", "x[3, 4]", wrong, x, (xs, p) -> {
            double[] y = new double[xs.length];
            for (int i = 0; i < y.length; i++) y[i] = Math.max(0, xs[i]);
            return y;
        }, 2);
        assertFalse(r.passed(), "a 1% error must fail, got " + r.maxRelError());
        assertEquals("dx", r.worst());
        assertTrue(r.maxRelError() > 5e-3 && r.maxRelError() < 2e-2, "about 1%: " + r.maxRelError());
    }
}
