package org.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.conv4j.kernels.Kernels;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash-consistent checkpoints: a training process ({@link CrashChild}, a separate JVM) is killed with
 * SIGKILL at random moments, {@value #KILLS} times. After every kill the run folder must hold a loadable
 * checkpoint, and training resumed from it must end with weights bitwise identical to an uninterrupted run.
 * The killed runs are chained: the next child resumes from what the last one left, so one run may be
 * killed several times before a child finishes it, and every finished chain's model is compared too.
 *
 * <p>Half of the kills are aimed at a checkpoint write: after the child reports a step (its checkpoint
 * write starts right after), the test waits for the write's temporary file to appear and kills after a
 * random fraction of a write's duration. A kill counts as landing mid-write when the temporary file is
 * still there after the process died (it was created and not yet renamed over the checkpoint). The other
 * half wait a random time after a random step, landing anywhere in training, evaluation or a write.
 */
class CrashConsistencyTest {
    static final int KILLS = 24;
    static final String TMP_PREFIX = ".checkpoint.safetensors.tmp-";

    @TempDir Path dir;

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigkillAtRandomMomentsAlwaysLeavesALoadableCheckpointThatResumesBitwiseIdentical() throws Exception {
        Model uninterrupted = Fixtures.model();
        new Trainer(uninterrupted, Fixtures.config()).fit(Fixtures.train(), Fixtures.test());
        int[] want = Fixtures.weightBits(uninterrupted);
        long totalSteps = (long) Fixtures.config().epochs() * (Fixtures.train().size() / Fixtures.config().batchSize());

        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        String kernels = Kernels.gemm().getClass().getSimpleName();
        int kills = 0, midWrite = 0, midAnyWrite = 0, aimed = 0, chains = 0, children = 0;
        List<String> log = new ArrayList<>();
        Path run = dir.resolve("run0");
        long doneSteps = 0;  // steps in the run folder's checkpoint (0: none yet)
        int stuck = 0;       // kills in a row that left the checkpoint where it was
        while (kills < KILLS || Files.exists(run.resolve("checkpoint.safetensors"))) {
            boolean fresh = !Files.exists(run.resolve("checkpoint.safetensors"));
            // After two kills without progress (e.g. near the end, where evaluation and the final writes take
            // longer than the random delay) the next child may finish, so that the kills spread over the run.
            boolean finishing = kills >= KILLS || stuck >= 2;
            boolean aim = !finishing && rnd.nextBoolean();
            // Kill after this child reports this many steps: at least 2 on a fresh run, so that a
            // checkpoint exists (step 1's is written before step 2 starts); at most 8 steps at a time so
            // that a run is usually killed several times before a child finishes it.
            long left = totalSteps - doneSteps;
            long minMarks = fresh ? 2 : 1;
            long marks = minMarks + rnd.nextInt((int) Math.max(1, Math.min(8, left - minMarks + 1)));
            long delayNanos = aim ? rnd.nextInt(4_000_000) : rnd.nextInt(30_000_000);
            String trial = "child " + (children + 1) + " (seed " + seed + ", " + (fresh ? "fresh" : "resume from step " + doneSteps)
                    + ", kill after step mark " + marks + (aim ? " at the checkpoint write" : "") + " + " + delayNanos / 1000 + " us)";

            Process p = start(run, fresh ? "fresh" : "resume");
            children++;
            boolean killed = false, exited = false;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertEquals("kernels " + kernels, first, "the child computes with the same kernels; stderr: " + stderr(run));
                long seen = 0;
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("step ")) seen++;
                    if (!finishing && seen == marks) {
                        if (aim) awaitTempFile(run, p);
                        LockSupport.parkNanos(delayNanos);
                        p.destroyForcibly();  // SIGKILL on Linux
                        killed = true;
                        break;
                    }
                }
                exited = !killed;  // its output ended: the child is exiting by itself
            } finally {
                if (!exited) p.destroyForcibly();  // also on a failed assertion, so that no child outlives the test
                p.waitFor();
            }
            if (!killed) {
                assertEquals(0, p.exitValue(), trial + ": the child ended without being killed but failed; stderr: " + stderr(run));
                Model finished = ModelFile.load(run.resolve("model.safetensors"));
                assertNull(Fixtures.firstDifference(want, Fixtures.weightBits(finished)),
                        "a run killed and resumed by separate processes ends with the uninterrupted weights (" + trial + ")");
                try (Stream<Path> s = Files.list(run)) {
                    assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "the finished run folder has no temp files");
                }
                chains++;
                stuck = 0;
                log.add(trial + ": finished the run");
                run = dir.resolve("run" + chains);
                doneSteps = 0;
                continue;
            }
            kills++;
            if (aim) aimed++;
            boolean tmpLeft = hasFile(run, TMP_PREFIX);
            if (tmpLeft) midWrite++;
            if (tmpLeft || hasFile(run, ".tmp-")) midAnyWrite++;

            Checkpoint c;
            try {
                c = Checkpoint.load(run.resolve("checkpoint.safetensors"));
            } catch (IOException e) {
                throw new AssertionError(trial + ": the checkpoint left by the killed process does not load", e);
            }
            assertTrue(c.globalStep() >= doneSteps, trial + ": the checkpoint went back from step " + doneSteps + " to " + c.globalStep());
            if (Files.exists(run.resolve("model.safetensors"))) {
                // killed after the final model was written (it is written after the last checkpoint)
                assertEquals(totalSteps, c.globalStep(), trial + ": a final model exists only once every step is checkpointed");
                assertNull(Fixtures.firstDifference(want, Fixtures.weightBits(ModelFile.load(run.resolve("model.safetensors")))),
                        trial + ": the final model written before the kill has the uninterrupted weights");
            }
            Trainer resumed = Trainer.resume(c, 0);
            resumed.fit(Fixtures.train(), Fixtures.test());
            assertNull(Fixtures.firstDifference(want, Fixtures.weightBits(resumed.model())),
                    trial + ": resuming from the checkpoint at step " + c.globalStep() + " ends with the uninterrupted weights");
            log.add(trial + ": checkpoint at step " + c.globalStep() + (tmpLeft ? ", killed mid-write" : ""));
            stuck = c.globalStep() == doneSteps ? stuck + 1 : 0;
            doneSteps = c.globalStep();
        }
        String summary = String.format("CrashConsistencyTest: %d SIGKILLs (%d aimed at a write), %d landed mid checkpoint write "
                + "(%d mid any write), %d child JVMs, %d killed runs finished by resumed children; all resumed bitwise identical",
                kills, aimed, midWrite, midAnyWrite, children, chains);
        log.forEach(System.out::println);
        System.out.println(summary);
        assertTrue(kills >= 20, summary);
        assertTrue(chains >= 1, summary);
        assertTrue(midWrite >= 1, "at least one kill lands inside a checkpoint write: " + summary);
    }

    /** Waits (polling) until the checkpoint's temporary file exists, i.e. the child is inside a write. */
    private static void awaitTempFile(Path run, Process p) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hasFile(run, TMP_PREFIX) && p.isAlive() && System.nanoTime() < deadline) Thread.onSpinWait();
    }

    private static boolean hasFile(Path run, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(run)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith(prefix) || f.getFileName().toString().contains(prefix));
        }
    }

    private static Process start(Path run, String mode) throws IOException {
        Files.createDirectories(run);
        List<String> cmd = new ArrayList<>(Fixtures.childJvm(CrashChild.class, "-Xmx256m", "-XX:+UseSerialGC"));
        cmd.addAll(List.of(run.toString(), mode));
        return new ProcessBuilder(cmd).redirectError(run.resolveSibling(run.getFileName() + ".stderr").toFile()).start();
    }

    private static String stderr(Path run) {
        try {
            return Files.readString(run.resolveSibling(run.getFileName() + ".stderr"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
