package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.conv4j.model.ModelFile;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point: train writes a run folder, predict writes Parquet, bad options exit 2. */
class SparkMainTest {
    @TempDir Path tmp;

    @Test
    void trainThenPredict() throws Exception {
        Path data = TinyData.write(tmp.resolve("data"), 60, 20, 4);
        Files.writeString(tmp.resolve("tiny.json"), TinyData.spec().toJsonText());
        Path run = tmp.resolve("run");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkMain.run(new String[] {"train", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--data", data.toString(), "--model", tmp.resolve("tiny.json").toString(),
                "--epochs", "1", "--batch", "20", "--partitions", "2", "--out", run.toString(), "--quiet", "--flip", "--crop-padding", "1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log);
        assertTrue(log.contains("per step:") && log.contains("compute") && log.contains("scheduling"), log);
        assertEquals(3 + 1, Files.readAllLines(run.resolve("steps.csv")).size());
        assertEquals(2, Files.readAllLines(run.resolve("metrics.csv")).size());
        // conv4j train's report page, with the Spark settings among its details.
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("on Spark") && html.contains("2 partitions, 2 shards"), "report.html lacks the run's title or settings");
        assertTrue(log.contains("report: " + run.resolve("report.html")), log);
        ModelFile.load(run.resolve("model.safetensors"));
        // --partitions 2 alone: S = P = 2, kept in the checkpoint, which fixes it for a resume.
        TrainConfig saved = Checkpoint.load(run.resolve("checkpoint.safetensors")).config();
        assertEquals(2, saved.shards());
        assertTrue(saved.flip() && saved.cropPadding() == 1 && !saved.resizedCrop(), "the checkpoint keeps the augmentation");
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(2, SparkMain.run(new String[] {"train", "--resume", run.resolve("checkpoint.safetensors").toString(), "--shards", "3"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(refused, true, StandardCharsets.UTF_8)));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("--shards cannot be combined with --resume"),
                refused.toString(StandardCharsets.UTF_8));

        Path images = Files.createDirectories(tmp.resolve("images"));
        for (String f : List.of("rgb_13x17.png", "rgb_13x17_grey.png")) {
            Files.copy(Path.of("../conv4j-core/src/test/resources/fixtures/data", f), images.resolve(f));
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("scores.parquet");
        code = SparkMain.run(new String[] {"predict", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--model", run.resolve("model.safetensors").toString(),
                "--input", images.toString(), "--output", out.toString(), "--top-k", "2"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            List<Row> rows = s.read().parquet(out.toString()).collectAsList();
            assertEquals(2, rows.size());
            for (Row r : rows) assertEquals(2, r.getList(r.fieldIndex("topK")).size());
        } finally {
            s.stop();
        }
    }

    @Test
    void badOptionsExitTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, SparkMain.run(new String[] {"train", "--partitions", "3", "--shards", "2", "--bogus", "1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bogus"), err.toString(StandardCharsets.UTF_8));
    }
}
