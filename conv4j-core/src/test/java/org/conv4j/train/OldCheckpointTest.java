package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.conv4j.kernels.Kernels;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by format version 1 (committed, see {@link CheckpointFixtures}) still loads, and the run
 * resumed from it ends with the weights, bitwise, of the same run left uninterrupted when the fixture was made.
 * The fixtures were made by the Vector API kernels (any width gives the same bits); the scalar kernels sum in
 * another order, which Adam's normalised steps amplify, so under {@code -Dconv4j.kernels=scalar} only the
 * load and the resumed run's length are checked.
 */
class OldCheckpointTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/checkpoint");

    @TempDir Path dir;

    @Test
    void versionOneCheckpointResumesBitwise() throws Exception {
        Checkpoint c = Checkpoint.load(DIR.resolve(CheckpointFixtures.STEP8));
        assertEquals(8, c.globalStep());
        assertEquals(1, c.epochsDone());
        assertEquals(1, c.history().size());
        Trainer t = Trainer.resume(c, 0).setRunDir(dir.resolve("run"));
        TrainResult r = t.fit(CheckpointFixtures.data(60, 3), null);
        assertEquals(3, r.epochs().size());
        assertEquals(18, r.steps());
        Model want = ModelFile.load(DIR.resolve(CheckpointFixtures.FINAL));
        assumeTrue(Kernels.vectorApi(), "the fixture's weights come from the Vector API kernels; scalar ones sum in another order");
        assertArrayEquals(TrainerTest.weights(want), TrainerTest.weights(t.model()), "weights bitwise those of the uninterrupted run");
    }
}
