package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.StopOnSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real {@code conv4j spark train} process on {@code local[2]}: Spark's own shutdown hook stops its
 * context while conv4j's asks the trainer to stop; the run still ends with a checkpoint of a finished step, says
 * how to resume and exits with 4, as {@code conv4j train} does. (That a checkpoint resumes bitwise is
 * {@code SparkTrainExactTest}'s.)
 */
class SparkSignalTest {
    @TempDir Path tmp;

    @Test
    void sigtermWritesACheckpointAndExitsWith4() throws Exception {
        Path data = TinyData.write(tmp.resolve("data"), 100, 20, 5);
        Files.writeString(tmp.resolve("tiny.json"), TinyData.spec().toJsonText());
        Path run = tmp.resolve("run");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(StandaloneClusterTest.jvmFlags());
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), SparkMain.class.getName(), "train",
                "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--data", data.toString(), "--model", tmp.resolve("tiny.json").toString(), "--batch", "10", "--epochs", "100000",
                "--out", run.toString(), "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuffer err = new StringBuffer();
        CountDownLatch epochDone = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    err.append(line).append('\n');
                    if (line.startsWith("epoch 2:")) epochDone.countDown();
                }
            } catch (java.io.IOException ignored) {
                // the child is gone
            }
        });
        reader.start();
        boolean exited = false;
        try {
            assertTrue(epochDone.await(180, TimeUnit.SECONDS), () -> "the child trains two epochs:\n" + err);
            assertTrue(p.toHandle().destroy(), "SIGTERM sent");
            exited = p.waitFor(StopOnSignal.WAIT_SECONDS + 30, TimeUnit.SECONDS);
            assertTrue(exited, () -> "the child exits after SIGTERM:\n" + err);
        } finally {
            if (!exited) p.destroyForcibly();
            reader.join(10_000);
        }
        String log = err.toString();
        assertEquals(SparkMain.INTERRUPTED, p.exitValue(), log);
        Path ckpt = run.resolve("checkpoint.safetensors");
        assertTrue(log.contains("conv4j spark train: stopping at the end of this step"), log);
        assertTrue(log.contains("continue it exactly with: conv4j spark train --resume " + ckpt + " --data " + data), log);
        assertFalse(Files.exists(run.resolve("model.safetensors")), "an interrupted run writes no final model");
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no half-written file left");
        }
        Checkpoint c = Checkpoint.load(ckpt);
        assertTrue(c.epochsDone() >= 2 && c.globalStep() >= 20, "at least two epochs are saved: step " + c.globalStep());
        assertEquals(2, c.config().shards());
    }
}
