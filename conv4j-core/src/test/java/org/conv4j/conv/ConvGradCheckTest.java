package org.conv4j.conv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.gradcheck.CheckCase;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.ConvChecks;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.gradcheck.GradCheckSuite;
import org.conv4j.gradcheck.PoolChecks;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;

/** Every conv, pool, linear and flatten gradient check passes the 1e-4 bound. */
class ConvGradCheckTest {

    @Test
    void convGridHasAtLeast48ConfigurationsAndAllPass() {
        List<CheckCase> cases = ConvChecks.cases();
        long conv = cases.stream().filter(c -> c.layer().equals("Conv2d")).count();
        assertTrue(conv >= 48, "only " + conv + " conv configurations");
        assertTrue(cases.stream().anyMatch(c -> c.layer().equals("Functional (composed)")), "the composed functional check");
        assertAllPass(cases);
    }

    @Test
    void poolLinearFlattenChecksPass() {
        List<CheckCase> cases = PoolChecks.cases();
        assertTrue(cases.stream().anyMatch(c -> c.layer().equals("MaxPool2d") && c.config().contains("ceil")));
        assertTrue(cases.stream().anyMatch(c -> c.layer().equals("AvgPool2d") && c.config().contains("exclude pad")));
        assertAllPass(cases);
    }

    @Test
    void casesAreRegisteredInTheSuite() {
        List<String> all = GradCheckSuite.all().stream().map(c -> c.layer() + " " + c.config()).toList();
        for (CheckCase c : ConvChecks.cases()) assertTrue(all.contains(c.layer() + " " + c.config()), c.config());
        for (CheckCase c : PoolChecks.cases()) assertTrue(all.contains(c.layer() + " " + c.config()), c.config());
    }

    /** The check can fail: a backward that is off by 0.1% in one dX entry is caught. */
    @Test
    void aWrongGradientIsCaught() {
        Conv2dConfig c = Conv2dConfig.of(2, 2, 3).withPadding(1);
        Conv2d conv = new Conv2d(c, new Rng(1));
        Layer broken = new Layer() {
            @Override public Tensor forward(Tensor x) { return conv.forward(x); }
            @Override public Tensor backward(Tensor dOut) {
                Tensor dX = conv.backward(dOut);
                dX.data()[7] *= 1.001f;
                return dX;
            }
            @Override public Tensor infer(Tensor x) { return conv.infer(x); }
            @Override public int[] outputShape(int[] in) { return conv.outputShape(in); }
            @Override public List<Param> params() { return conv.params(); }
            @Override public String describe() { return "broken"; }
        };
        Rng rng = new Rng(2);
        Tensor x = new Tensor(1, 2, 4, 4);
        for (int i = 0; i < x.size(); i++) x.data()[i] = 2 * rng.nextFloat() - 1;
        CheckResult r = ConvChecks.checkLayer("Conv2d", "broken", broken, x, rng,
                in -> ReferenceConv2d.forward(c, 1, 4, 4, in[0], in[1], in[2]));
        assertFalse(r.passed(), "rel err " + r.maxRelError());
        assertEquals("dx", r.worst());
        assertEquals(1e-3, r.maxRelError(), 2e-4);
    }

    private static void assertAllPass(List<CheckCase> cases) {
        StringBuilder failures = new StringBuilder();
        double worst = 0;
        for (CheckCase c : cases) {
            CheckResult r = c.run();
            worst = Math.max(worst, r.maxRelError());
            if (!(r.maxRelError() <= GradCheck.MAX_REL_ERROR)) {
                failures.append(String.format("%n  %s %s: %s rel err %.3g", r.layer(), r.config(), r.worst(), r.maxRelError()));
            }
        }
        assertEquals("", failures.toString(), "gradient checks above " + GradCheck.MAX_REL_ERROR);
        System.out.printf("%d cases, worst rel err %.3g%n", cases.size(), worst);
    }
}
