package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.conv4j.data.Dataset;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: a training process is killed with SIGKILL at random moments (checkpoints are written
 * every step, so many kills land inside a checkpoint write), at least 20 times. After every kill the
 * checkpoint must load; the run resumes from it; and the finished run's weights must be bitwise identical to
 * an uninterrupted run in this JVM (which also uses a different thread count than the child).
 */
class KillResumeTest {
    @TempDir Path dir;

    static final int TRIALS = Integer.getInteger("conv4j.killTrials", 20);

    static TrainConfig config() {
        return TrainerTest.config().withEpochs(4).withCheckpointEvery(1);
    }

    static Dataset train() { return TrainerTest.data(160, 11); }

    /** The child process: trains (resuming if a checkpoint exists) into the run folder args[0]. */
    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path ckpt = run.resolve("checkpoint.safetensors");
        Trainer t = Files.exists(ckpt) ? Trainer.resume(Checkpoint.load(ckpt), 0) : new Trainer(TrainerTest.model(), config());
        t.setRunDir(run).fit(train(), null);
        System.exit(0);
    }

    @Test
    void sigkillAtRandomMomentsThenResumeEndsBitwiseIdentical() throws Exception {
        Model reference = TrainerTest.model();
        new Trainer(reference, config()).fit(train(), null);

        Path run = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Dconv4j.threads=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), KillResumeTest.class.getName(), run.toString());
        Rng rng = new Rng(2024);
        int kills = 0, loadsAfterKill = 0, launches = 0;
        List<Long> stepsSeen = new ArrayList<>();
        boolean finished = false;
        while (!finished) {
            assertTrue(launches++ < TRIALS * 4 + 10, "too many launches");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            if (kills < TRIALS) {
                long delay = 400 + rng.nextInt(1200);
                if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    assertEquals(0, p.exitValue(), () -> log());
                    finished = true;
                } else {
                    p.destroyForcibly(); // SIGKILL on Unix
                    p.waitFor();
                    kills++;
                    Path ckpt = run.resolve("checkpoint.safetensors");
                    if (Files.exists(ckpt)) {
                        Checkpoint c = Checkpoint.load(ckpt); // must never be torn
                        stepsSeen.add(c.globalStep());
                        loadsAfterKill++;
                    }
                }
            } else {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finishes");
                assertEquals(0, p.exitValue(), () -> log());
                finished = true;
            }
        }
        assertTrue(kills >= Math.min(TRIALS, 1), "killed " + kills + " times");
        assertTrue(loadsAfterKill >= kills / 2, "most kills found a checkpoint: " + loadsAfterKill + " of " + kills);
        for (int i = 1; i < stepsSeen.size(); i++) assertTrue(stepsSeen.get(i) >= stepsSeen.get(i - 1), "progress never goes back: " + stepsSeen);
        Model resumed = ModelFile.load(run.resolve("model.safetensors"));
        assertArrayEquals(TrainerTest.weights(reference), TrainerTest.weights(resumed),
                "bitwise identical after " + kills + " SIGKILLs (checkpoint steps " + stepsSeen + ")");
        System.out.println("KillResumeTest: " + kills + " SIGKILLs, " + loadsAfterKill + " checkpoints loaded after a kill, steps " + stepsSeen);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (Exception e) {
            return "(no child log)";
        }
    }

    static { assertNotNull(File.pathSeparator); }
}
