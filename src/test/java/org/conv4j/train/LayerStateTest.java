package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conv4j.data.DataLoader;
import org.conv4j.data.LoaderConfig;
import org.conv4j.io.FormatException;
import org.conv4j.io.SafeTensors;
import org.conv4j.layers.Dropout;
import org.conv4j.layers.LayerState;
import org.conv4j.model.Model;
import org.conv4j.model.Sequential;
import org.conv4j.norm.BatchNorm2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-layer state hook: a checkpoint saves every {@link org.conv4j.layers.Layer#state()} under
 * {@code <name>.<path>} and its loaded model continues from it, like the batch-norm running statistics,
 * which travel as buffers.
 */
class LayerStateTest {
    @TempDir Path dir;

    private static Tensor batch(long seed) {
        Rng r = new Rng(seed);
        Tensor x = new Tensor(4, 1, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data()[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static Checkpoint checkpoint(Model m) {
        TrainConfig c = TrainerTest.config();
        DataLoader loader = new DataLoader(TrainerTest.data(30, 1), LoaderConfig.train(10, c.seed()));
        return new Checkpoint(m, c, c.newOptimizer(org.conv4j.layers.NamedParam.of(m.network())).state(), loader.state(),
                TrainingState.start(30, 0));
    }

    @Test
    void checkpointRestoresDropoutGeneratorAndBatchNormStatistics() throws Exception {
        Model m = TrainerTest.model();
        Sequential net = m.sequential();
        net.setTraining(true);
        for (int i = 0; i < 3; i++) net.forward(batch(i)); // moves the dropout generator and the running statistics
        Path file = dir.resolve("c.safetensors");
        checkpoint(m).save(file);

        Map<String, LayerState> states = Checkpoint.layerStates(net);
        assertEquals(List.of("rng.5"), List.copyOf(states.keySet()));
        assertTrue(SafeTensors.read(file).tensors().containsKey("rng.5"), "saved under the version-1 name");

        Model back = Checkpoint.load(file).model();
        Dropout d0 = (Dropout) net.get(5), d1 = (Dropout) back.sequential().get(5);
        assertArrayEquals(d0.rng().state(), d1.rng().state(), "dropout generator restored");
        BatchNorm2d b0 = (BatchNorm2d) net.get(1), b1 = (BatchNorm2d) back.sequential().get(1);
        assertArrayEquals(b0.runningMean().value().data(), b1.runningMean().value().data());
        assertArrayEquals(b0.runningVar().value().data(), b1.runningVar().value().data());
        assertFalse(java.util.Arrays.equals(new float[4], b0.runningMean().value().data()), "the statistics did move");

        // The next training forward draws the same masks and moves the statistics the same way.
        back.network().setTraining(true);
        Tensor x = batch(9);
        assertArrayEquals(net.forward(x).data(), back.network().forward(x).data());
        assertArrayEquals(b0.runningMean().value().data(), b1.runningMean().value().data());
        assertArrayEquals(d0.rng().state(), d1.rng().state());

        // A fresh model's generator is elsewhere: the restore is what makes them agree.
        assertFalse(java.util.Arrays.equals(d0.rng().state(), ((Dropout) TrainerTest.model().sequential().get(5)).rng().state()));
    }

    @Test
    void layerStateOfTheWrongLengthIsAFormatError() throws Exception {
        Model m = TrainerTest.model();
        Path file = dir.resolve("bad.safetensors");
        Checkpoint c = checkpoint(m);
        c.save(file);
        SafeTensors.Contents contents = SafeTensors.read(file);
        List<SafeTensors.Entry> tensors = new java.util.ArrayList<>();
        for (SafeTensors.Entry e : contents.tensors().values()) {
            tensors.add(e.name().equals("rng.5") ? SafeTensors.Entry.ofLongs("rng.5", new long[] {1, 2, 3}) : e);
        }
        Path bad = dir.resolve("bad2.safetensors");
        try (var out = java.nio.file.Files.newOutputStream(bad)) {
            SafeTensors.write(out, contents.metadata(), tensors);
        }
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(bad));
        assertTrue(e.getMessage().contains("rng.5"), e.getMessage());
    }
}
