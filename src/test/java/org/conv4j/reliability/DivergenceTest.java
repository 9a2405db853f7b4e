package org.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conv4j.data.Dataset;
import org.conv4j.layers.Layer;
import org.conv4j.layers.Linear;
import org.conv4j.layers.Param;
import org.conv4j.model.Model;
import org.conv4j.model.Sequential;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.DivergenceException;
import org.conv4j.train.TrainListener;
import org.conv4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergence is caught: a NaN or Inf in the loss or in a gradient stops training in the step where it
 * appears, before that step's update, with a {@link DivergenceException} naming the step and the layer;
 * the last checkpoint (written after the step before) stays loadable, holds finite weights, and resumes
 * to exactly the weights of a run that never diverged.
 */
class DivergenceTest {
    @TempDir Path dir;

    /** Index of the first Linear (64 → 1024) in {@link Fixtures#SPEC}, and of the last (1024 → 3). */
    static final int HIDDEN = 7, LOGITS = 9;

    /** Steps seen by the listener (each is reported after its update). */
    static List<Long> recordSteps(Trainer t) {
        List<Long> steps = new ArrayList<>();
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { steps.add(step); }
        });
        return steps;
    }

    /**
     * Checks what must hold after training diverged at step {@code bad}: the error names the step, the
     * listener (called after each update) saw no later step than {@code lastUpdate}, and the checkpoint of
     * step {@code kept} is in the run folder, finite, and resumes to a clean run's weights bitwise.
     */
    static void assertStoppedAndCheckpointGood(DivergenceException e, long bad, long lastUpdate, long kept, List<Long> steps,
                                               Path run) throws Exception {
        assertEquals(bad, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("step " + bad), "names the step: " + e.getMessage());
        assertEquals(lastUpdate, steps.get(steps.size() - 1), "training stopped in the step the bad value appeared");
        Checkpoint c = Checkpoint.load(run.resolve("checkpoint.safetensors"));
        assertEquals(kept, c.globalStep(), "the last good checkpoint is kept");
        for (int bits : Fixtures.weightBits(c.model())) assertTrue(Float.isFinite(Float.intBitsToFloat(bits)), "checkpoint weights are finite");

        Model clean = Fixtures.model();
        new Trainer(clean, Fixtures.config()).fit(Fixtures.train(), Fixtures.test());
        Trainer resumed = Trainer.resume(c, 0);
        resumed.fit(Fixtures.train(), Fixtures.test());
        assertNull(Fixtures.firstDifference(Fixtures.weightBits(clean), Fixtures.weightBits(resumed.model())),
                "the kept checkpoint resumes to the weights of a run that never diverged");
    }

    /** A listener that, after step {@code at}'s update, applies {@code poison} (as an overflowing update would). */
    static TrainListener after(long at, Runnable poison) {
        return new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { if (step == at) poison.run(); }
        };
    }

    @Test
    void infiniteGradientStopsInItsStepNamingTheParameterAndLayer() throws Exception {
        Model m = Fixtures.model();
        Linear hidden = (Linear) m.sequential().get(HIDDEN);
        List<Layer> layers = new ArrayList<>(m.sequential().layers());
        GradientBomb bomb = new GradientBomb(hidden, 6);
        layers.set(HIDDEN, bomb);
        Model rigged = new Model(m.spec(), new Sequential(layers));
        Path run = dir.resolve("grad");
        Trainer t = new Trainer(rigged, Fixtures.config()).setRunDir(run);
        List<Long> steps = recordSteps(t);
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(Fixtures.train(), Fixtures.test()));
        assertTrue(e.getMessage().contains("gradient of " + HIDDEN + ".weight") && e.getMessage().contains(hidden.describe())
                && e.getMessage().contains("Infinity"), "names the parameter, its layer and the value: " + e.getMessage());
        for (float v : hidden.weight().value().data()) assertTrue(Float.isFinite(v), "the bad gradient was never applied");
        assertStoppedAndCheckpointGood(e, 6, 5, 5, steps, run);
    }

    @Test
    void nanWeightMakesTheNextLossNaNAndTheErrorNamesTheParameter() throws Exception {
        Model m = Fixtures.model();
        Path run = dir.resolve("nan");
        Trainer t = new Trainer(m, Fixtures.config().withCheckpointEvery(2)).setRunDir(run);
        List<Long> steps = recordSteps(t);
        // after step 9 (no checkpoint is due at an odd step), so the NaN first shows in step 10's forward
        t.addListener(after(9, () -> ((Linear) m.sequential().get(LOGITS)).weight().value().data()[5] = Float.NaN));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(Fixtures.train(), Fixtures.test()));
        assertTrue(e.getMessage().contains("the loss is NaN") && e.getMessage().contains(LOGITS + ".weight")
                && e.getMessage().contains(m.sequential().get(LOGITS).describe()), e.getMessage());
        assertStoppedAndCheckpointGood(e, 10, 9, 8, steps, run);
    }

    @Test
    void aNonFiniteWeightIsNeverCheckpointed() throws Exception {
        Model m = Fixtures.model();
        Path run = dir.resolve("nockpt");
        Trainer t = new Trainer(m, Fixtures.config().withCheckpointEvery(2)).setRunDir(run);
        List<Long> steps = recordSteps(t);
        // after step 4's update, before step 4's checkpoint
        t.addListener(after(4, () -> ((Linear) m.sequential().get(HIDDEN)).bias().value().data()[1] = Float.NEGATIVE_INFINITY));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(Fixtures.train(), Fixtures.test()));
        assertTrue(e.getMessage().contains(HIDDEN + ".bias") && e.getMessage().contains("-Infinity")
                && e.getMessage().contains("not written"), e.getMessage());
        assertStoppedAndCheckpointGood(e, 4, 4, 2, steps, run);
    }

    @Test
    void overflowingLayerMakesTheLossNonFiniteAndTheErrorNamesThatLayer() throws Exception {
        Model m = Fixtures.model();
        Path run = dir.resolve("inf");
        Trainer t = new Trainer(m, Fixtures.config().withCheckpointEvery(2)).setRunDir(run);
        List<Long> steps = recordSteps(t);
        t.addListener(after(9, () -> java.util.Arrays.fill(((Linear) m.sequential().get(LOGITS)).weight().value().data(), 3e38f)));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(Fixtures.train(), Fixtures.test()));
        assertTrue(e.getMessage().contains("layer " + LOGITS + " " + m.sequential().get(LOGITS).describe() + " outputs"),
                "every weight is finite, so the layer whose output overflows is named: " + e.getMessage());
        assertStoppedAndCheckpointGood(e, 10, 9, 8, steps, run);
    }

    @Test
    void nanInTheDataNamesTheInputImage() throws Exception {
        Dataset train = Fixtures.train();
        float[] px = new float[train.size() * 64];
        int[] labels = train.labels();
        for (int i = 0; i < train.size(); i++) train.copyImage(i, px, i * 64);
        px[37 * 64 + 10] = Float.NaN;
        Dataset poisoned = new Dataset("poisoned", px, labels, 1, 8, 8, train.classNames());
        Trainer t = new Trainer(Fixtures.model(), Fixtures.config());
        List<Long> steps = recordSteps(t);
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(poisoned, null));
        assertTrue(e.getMessage().contains("the input batch holds NaN"), "names the input, not the layers it spread to: " + e.getMessage());
        assertEquals(e.step() - 1, steps.isEmpty() ? 0 : steps.get(steps.size() - 1), "stops in the step that read the image");
        assertTrue(e.step() <= Fixtures.config().epochs() * 15L);
    }

    /** A Linear whose weight gradient becomes +Inf at one backward call; otherwise the Linear itself. */
    static final class GradientBomb implements Layer {
        private final Linear inner;
        private final int atCall;
        private int calls;

        GradientBomb(Linear inner, int atCall) {
            this.inner = inner;
            this.atCall = atCall;
        }

        @Override public Tensor forward(Tensor x) { return inner.forward(x); }

        @Override
        public Tensor backward(Tensor dOut) {
            Tensor dX = inner.backward(dOut);
            if (++calls == atCall) inner.weight().grad().data()[3] = Float.POSITIVE_INFINITY;
            return dX;
        }

        @Override public Tensor infer(Tensor x) { return inner.infer(x); }

        @Override public int[] outputShape(int[] in) { return inner.outputShape(in); }

        @Override public List<Param> params() { return inner.params(); }

        @Override public void setTraining(boolean training) { inner.setTraining(training); }

        @Override public String describe() { return inner.describe(); }
    }
}
