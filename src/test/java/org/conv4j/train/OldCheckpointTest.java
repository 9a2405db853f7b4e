package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by format version 1 (committed, see {@link CheckpointFixtures}) still loads, and the run
 * resumed from it ends with the weights, bitwise, of the same run left uninterrupted when the fixture was made.
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
        assertArrayEquals(TrainerTest.weights(want), TrainerTest.weights(t.model()), "weights bitwise those of the uninterrupted run");
    }
}
