package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.conv4j.model.ModelFile;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.StopOnSignal;
import org.conv4j.train.TrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real {@code conv4j train} process: it stops at a step boundary, writes a checkpoint, says how
 * to resume and exits with {@link Command#INTERRUPTED}; resuming from that checkpoint (in this JVM, on
 * another thread count) ends with weights bitwise identical to an uninterrupted run.
 */
class TrainSignalTest {
    @TempDir Path dir;

    @Test
    void sigtermWritesACheckpointExitsWith4AndTheResumedRunEndsBitwiseIdentical() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        TrainCliTest.writeIdx(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), TrainerTest.data(600, 1));
        TrainCliTest.writeIdx(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), TrainerTest.data(30, 2));
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, TrainerTest.SPEC_YAML);
        Path run = dir.resolve("run");
        List<String> recipe = List.of("--data", data.toString(), "--model", spec.toString(), "--batch", "10", "--seed", "3");

        // far more epochs than the child will live for: the signal comes within epoch 2, as its progress lines show
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Dconv4j.threads=1", "-Xmx256m",
                "-Dconv4j.kernels=" + System.getProperty("conv4j.kernels", "auto"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--out", run.toString(), "--epochs", "100000"));
        cmd.addAll(recipe);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuffer err = new StringBuffer();
        CountDownLatch inEpoch2 = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    err.append(line).append('\n');
                    if (line.startsWith("epoch 2/")) inEpoch2.countDown(); // progress: "epoch 2/100000  batch 6/60 ..."
                }
            } catch (java.io.IOException ignored) {
                // the child is gone
            }
        });
        reader.start();
        boolean exited = false;
        long signalled = 0;
        try {
            assertTrue(inEpoch2.await(120, TimeUnit.SECONDS), () -> "the child trains into epoch 2:\n" + err);
            // SIGTERM, as Process.destroy() sends it; but Process.destroy() also closes our end of the child's
            // stderr, and the messages written after the signal are what this test reads
            signalled = System.nanoTime();
            assertTrue(p.toHandle().destroy(), "SIGTERM sent");
            exited = p.waitFor(StopOnSignal.WAIT_SECONDS + 30, TimeUnit.SECONDS);
            assertTrue(exited, () -> "the child exits after SIGTERM:\n" + err);
        } finally {
            if (!exited) p.destroyForcibly();
            reader.join(10_000);
        }
        long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
        String log = err.toString();
        assertEquals(Command.INTERRUPTED, p.exitValue(), log);
        Path ckpt = run.resolve("checkpoint.safetensors");
        assertTrue(log.contains("stopping at the end of this step"), log);
        assertTrue(log.contains("continue it exactly with: conv4j train --resume " + ckpt + " --data " + data), log);
        assertFalse(Files.exists(run.resolve("model.safetensors")), "an interrupted run writes no final model");
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no half-written file left");
        }
        Checkpoint c = Checkpoint.load(ckpt);
        assertTrue(c.epochsDone() >= 1 && c.globalStep() >= 60, "at least the first epoch is saved: step " + c.globalStep());

        // resume to two epochs past the checkpoint, and train the same number of epochs without a break
        String epochs = Integer.toString(c.epochsDone() + 2);
        TrainCliTest.Run resumed = TrainCliTest.run("train", "--resume", ckpt.toString(), "--epochs", epochs, "--data", data.toString(),
                "--quiet");
        assertEquals(Command.OK, resumed.code(), resumed.err());
        Path ref = dir.resolve("uninterrupted");
        List<String> args = new ArrayList<>(List.of("train", "--out", ref.toString(), "--epochs", epochs, "--quiet"));
        args.addAll(recipe);
        TrainCliTest.Run whole = TrainCliTest.run(args.toArray(String[]::new));
        assertEquals(Command.OK, whole.code(), whole.err());
        assertArrayEquals(TrainerTest.weights(ModelFile.load(ref.resolve("model.safetensors"))),
                TrainerTest.weights(ModelFile.load(run.resolve("model.safetensors"))),
                "stopped by SIGTERM at step " + c.globalStep() + ", resumed: bitwise identical");
        assertEquals(Files.readAllLines(ref.resolve("metrics.csv")).size(), Files.readAllLines(run.resolve("metrics.csv")).size());
        System.out.println("TrainSignalTest: SIGTERM -> checkpoint at step " + c.globalStep() + " (" + c.epochsDone()
                + " epochs done), exit " + p.exitValue() + " " + exitMillis + " ms after the signal; resumed to epoch " + epochs
                + ": bitwise identical to an uninterrupted run");
    }
}
