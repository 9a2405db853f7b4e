package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.conv4j.data.Dataset;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Graph;
import org.conv4j.model.GraphSpecTest;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.io.SafeTensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph network (fan-out, Add, Concat, an SE Mul gate, batch norm and dropout) trains like a Sequential: a run
 * stopped mid-epoch and resumed from its checkpoint ends bitwise where the uninterrupted run ends, and one and two
 * threads give bitwise the same weights.
 */
class GraphTrainingTest {
    @TempDir Path dir;
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threadsBefore); }

    static Model model() throws Exception { return GraphSpecTest.model(42); }

    @Test
    void resumedGraphRunEndsBitwiseIdentical() throws Exception {
        Dataset train = TrainerTest.data(70, 1), test = TrainerTest.data(15, 2);
        Model a = model();
        new Trainer(a, TrainerTest.config()).fit(train, test);

        Path run = dir.resolve("interrupted");
        Model b = model();
        Trainer t = new Trainer(b, TrainerTest.config()).setRunDir(run);
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) { if (step == 11) t.requestStop(); }
        });
        TrainResult partial = t.fit(train, test);
        assertTrue(partial.interrupted());
        Path ckpt = run.resolve("checkpoint.safetensors");
        assertTrue(SafeTensors.read(ckpt).tensors().keySet().stream().anyMatch(n -> n.contains("se.conv.weight")),
                "the checkpoint holds the graph's parameters by node name");
        Checkpoint c = Checkpoint.load(ckpt);
        assertEquals(11, c.globalStep());
        Trainer resumed = Trainer.resume(c, 0).setRunDir(run);
        assertInstanceOf(Graph.class, resumed.model().network());
        resumed.fit(train, test);
        assertArrayEquals(TrainerTest.weights(a), TrainerTest.weights(resumed.model()), "weights bitwise equal after resume");
        assertFalse(Arrays.equals(TrainerTest.weights(a), TrainerTest.weights(model())), "training moved the weights");

        Model saved = ModelFile.load(run.resolve("model.safetensors"));
        assertArrayEquals(TrainerTest.weights(a), TrainerTest.weights(saved), "the run's model file holds the graph");
    }

    @Test
    void oneAndTwoThreadsTrainToTheSameBits() throws Exception {
        float[][] w = new float[3][];
        int[] threads = {1, 2, 1};
        for (int i = 0; i < 3; i++) {
            Parallel.setThreads(threads[i]);
            Model m = model();
            new Trainer(m, TrainerTest.config().withEpochs(2).withSeed(i < 2 ? 5 : 6)).fit(TrainerTest.data(60, 3), null);
            w[i] = TrainerTest.weights(m);
        }
        assertArrayEquals(w[0], w[1], "1 and 2 threads, bitwise");
        assertFalse(Arrays.equals(w[0], w[2]), "another seed gives other weights (the check has teeth)");
    }
}
