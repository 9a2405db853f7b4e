package org.conv4j.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Param;
import org.conv4j.layers.NamedParam;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimizer updates and schedules against PyTorch 1.13 (fixtures/optim/make_optim_fixtures.py). */
class OptimizerTest {
    static SafeTensors.Contents fx;

    @BeforeAll
    static void load() throws Exception {
        fx = SafeTensors.read(Path.of("src/test/resources/fixtures/optim/optim_fixtures.safetensors"));
    }

    static Tensor t(String name) { return fx.get(name).toTensor(); }

    static NamedParam param(String name, Tensor v) { return new NamedParam(name, Param.trainable(name, v), (Layer) null); }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / Math.max(1e-3, Math.abs(expected[i]));
            assertTrue(err <= tol, what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
        }
    }

    void check(String c, Function<List<NamedParam>, Optimizer> make) {
        NamedParam p = param("weight", t(c + ".p0")), b = param("bias", t(c + ".b0"));
        Optimizer opt = make.apply(List.of(p, b));
        LrSchedule sched = LrSchedule.step(2, 0.5);
        double base = opt.lr();
        for (int s = 1; s <= 4; s++) {
            opt.setLr(base * sched.factor(s - 1));
            System.arraycopy(t(c + ".g" + s).data(), 0, p.param().grad().data(), 0, 12);
            System.arraycopy(t(c + ".gb" + s).data(), 0, b.param().grad().data(), 0, 4);
            opt.step();
            assertClose(t(c + ".p" + s).data(), p.param().value().data(), 2e-6, c + " step " + s + " weight");
            assertClose(t(c + ".b" + s).data(), b.param().value().data(), 2e-6, c + " step " + s + " bias");
        }
        assertEquals(4, opt.steps());
    }

    @Test void sgd() { check("sgd", ps -> new Sgd(ps, 0.05)); }

    @Test void sgdMomentumWeightDecay() { check("sgd_momentum_wd", ps -> new Sgd(ps, 0.05, 0.9, 0, 0.01, false)); }

    @Test void sgdNesterov() { check("sgd_nesterov", ps -> new Sgd(ps, 0.05, 0.9, 0, 0, true)); }

    @Test void sgdDampening() { check("sgd_dampening", ps -> new Sgd(ps, 0.05, 0.8, 0.3, 0, false)); }

    @Test void adam() { check("adam", ps -> Adam.adam(ps, 0.05)); }

    @Test void adamL2() { check("adam_wd", ps -> new Adam(ps, 0.05, 0.8, 0.99, 1e-6, 0.1, false)); }

    @Test void adamW() { check("adamw", ps -> Adam.adamW(ps, 0.05, 0.1)); }

    @Test void rmsprop() { check("rmsprop", ps -> RmsProp.of(ps, 0.05)); }

    @Test void rmspropCenteredMomentum() { check("rmsprop_centered_momentum", ps -> new RmsProp(ps, 0.05, 0.9, 1e-6, 0.01, 0.5, true)); }

    @Test
    void clipGlobalNormMatchesTorch() {
        NamedParam a = param("a", new Tensor(3, 4)), c = param("c", new Tensor(5));
        System.arraycopy(t("clip.g1").data(), 0, a.param().grad().data(), 0, 12);
        System.arraycopy(t("clip.g2").data(), 0, c.param().grad().data(), 0, 5);
        double norm = GradClip.clipGlobalNorm(List.of(a, c), 1.5);
        assertEquals(fx.get("clip.norm").doubles()[0], norm, 1e-5 * norm);
        assertClose(t("clip.c1").data(), a.param().grad().data(), 1e-6, "clipped a");
        assertClose(t("clip.c2").data(), c.param().grad().data(), 1e-6, "clipped c");
        assertEquals(1.5, GradClip.globalNorm(List.of(a, c)), 1e-5);
    }

    static void checkSchedule(String name, LrSchedule s) {
        double[] e = fx.get("sched." + name).doubles();
        int n = name.equals("cosine") ? 31 : e.length; // torch's cosine rises again after T_max; ours stays at the floor
        for (int i = 0; i < n; i++) assertEquals(e[i], s.factor(i), 1e-9 + 1e-9 * Math.abs(e[i]), name + " step " + i);
    }

    @Test void oneCycle() { checkSchedule("onecycle", LrSchedule.oneCycle(40, 0.3, 25, 1e4)); }

    @Test void cosine() { checkSchedule("cosine", LrSchedule.cosine(30, 0.1)); }

    @Test void stepDecay() { checkSchedule("step", LrSchedule.step(7, 0.3)); }

    @Test
    void warmupComposes() {
        LrSchedule s = LrSchedule.cosine(10, 0).after(4);
        assertEquals(0.25, s.factor(0), 1e-12);
        assertEquals(1.0, s.factor(3), 1e-12);
        assertEquals(1.0, s.factor(4), 1e-12);
        assertEquals(0.5, s.factor(9), 1e-12);
        assertEquals(0.0, s.factor(14), 1e-12);
        LrSchedule w = LrSchedule.warmup(2).times(LrSchedule.step(1, 0.5));
        assertEquals(0.5, w.factor(0), 1e-12);
        assertEquals(0.5, w.factor(1), 1e-12);
        assertEquals(0.25, w.factor(2), 1e-12);
    }

    @Test
    void stateRestoresExactly() {
        NamedParam p1 = param("w", Tensor.wrap(new float[] {1, -2, 3}, 3));
        NamedParam p2 = param("w", Tensor.wrap(new float[] {1, -2, 3}, 3));
        Adam a = Adam.adamW(List.of(p1), 0.01, 0.1), b = Adam.adamW(List.of(p2), 0.01, 0.1);
        float[][] grads = {{0.5f, -1f, 2f}, {0.1f, 0.2f, -0.3f}, {1f, 1f, 1f}};
        p1.param().grad().data()[0] = 0;
        for (float[] g : grads.clone()) {
            System.arraycopy(g, 0, p1.param().grad().data(), 0, 3);
            a.step();
        }
        // b: one step, export, rebuild, restore, continue
        System.arraycopy(grads[0], 0, p2.param().grad().data(), 0, 3);
        b.step();
        Optimizer.State st = b.state();
        Adam c = Adam.adamW(List.of(p2), 0.5, 0.1);
        c.restore(st);
        assertEquals(0.01, c.lr());
        for (int i = 1; i < 3; i++) {
            System.arraycopy(grads[i], 0, p2.param().grad().data(), 0, 3);
            c.step();
        }
        assertArrayEquals(p1.param().value().data(), p2.param().value().data());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p1), 0.1).restore(st));
    }

    @Test
    void rejectsBadSettings() {
        NamedParam p = param("w", new Tensor(2));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), -1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), 0.1, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1, 1.0, 0.9, 1e-8, 0, false));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(p), 0));
    }
}
