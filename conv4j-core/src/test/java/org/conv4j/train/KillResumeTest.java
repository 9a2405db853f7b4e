package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

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
        return TrainerTest.config().withEpochs(6).withCheckpointEvery(1);
    }

    static Dataset train() { return TrainerTest.data(400, 11); }

    /** The child process: trains (resuming if a checkpoint exists) into the run folder args[0]. */
    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path ckpt = run.resolve("checkpoint.safetensors");
        Trainer t = Files.exists(ckpt) ? Trainer.resume(Checkpoint.load(ckpt), 0) : new Trainer(TrainerTest.model(), config());
        t.addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                System.out.println("step " + step);
                System.out.flush();
            }
        });
        t.setRunDir(run).fit(train(), null);
        System.exit(0);
    }

    @Test
    void sigkillAtRandomMomentsThenResumeEndsBitwiseIdentical() throws Exception {
        Model reference = TrainerTest.model();
        new Trainer(reference, config()).fit(train(), null);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Rng rng = new Rng(2024);
        int kills = 0, loadsAfterKill = 0, launches = 0, campaigns = 0;
        List<Long> stepsSeen = new ArrayList<>();
        // Campaigns of kill-and-resume until at least TRIALS kills; each campaign must finish bitwise identical.
        while (kills < TRIALS) {
            Path run = dir.resolve("run" + campaigns++);
            List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Dconv4j.threads=1", "-Xmx256m",
                    "-Dconv4j.kernels=" + System.getProperty("conv4j.kernels", "auto"),
                    "-cp", System.getProperty("java.class.path"), KillResumeTest.class.getName(), run.toString());
            long lastStep = -1;
            boolean finished = false;
            while (!finished) {
                assertTrue(launches++ < TRIALS * 4 + 10, "too many launches");
                Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("child.log").toFile()).start();
                var stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                Thread drain = new Thread(() -> {
                    try {
                        while (stdout.readLine() != null) { /* keep the pipe flowing */ }
                    } catch (java.io.IOException ignored) {
                        // the child was killed
                    }
                });
                String first = stdout.readLine(); // wait until the child is training, then kill it a random moment later
                drain.start();
                long delay = first == null ? 0 : rng.nextInt(150);
                if (first == null || kills >= TRIALS || p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finishes");
                    assertEquals(0, p.exitValue(), () -> log());
                    finished = true;
                } else {
                    p.destroyForcibly(); // SIGKILL on Unix
                    p.waitFor();
                    kills++;
                    Path ckpt = run.resolve("checkpoint.safetensors");
                    if (Files.exists(ckpt)) {
                        Checkpoint c = Checkpoint.load(ckpt); // must never be torn
                        assertTrue(c.globalStep() >= lastStep, "progress never goes back");
                        lastStep = c.globalStep();
                        stepsSeen.add(c.globalStep());
                        loadsAfterKill++;
                    }
                }
                drain.join(10_000);
            }
            Model resumed = ModelFile.load(run.resolve("model.safetensors"));
            assertArrayEquals(TrainerTest.weights(reference), TrainerTest.weights(resumed),
                    "bitwise identical after " + kills + " SIGKILLs (checkpoint steps " + stepsSeen + ")");
        }
        assertTrue(loadsAfterKill >= kills / 2, "most kills found a checkpoint: " + loadsAfterKill + " of " + kills);
        System.out.println("KillResumeTest: " + kills + " SIGKILLs in " + campaigns + " runs, " + loadsAfterKill
                + " checkpoints loaded after a kill, at steps " + stepsSeen);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (Exception e) {
            return "(no child log)";
        }
    }
}
