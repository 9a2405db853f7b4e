package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // The test pass ran on the executors; its predictions and the gallery's images still reach the page.
        assertTrue(html.contains("Confusion matrix and per-class metrics") && html.contains("Test images, right and wrong"),
                "report.html lacks the confusion matrix or the gallery");
        assertTrue(Files.exists(run.resolve("confusion.png")), "confusion.png");
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
    void trainsFromAParquetTableAsFromTheSameImagesInFiles() throws Exception {
        Path data = TinyData.write(tmp.resolve("data"), 60, 20, 4);
        Files.writeString(tmp.resolve("tiny.json"), TinyData.spec().toJsonText());
        org.conv4j.data.Dataset train = org.conv4j.data.Datasets.load(data, org.conv4j.io.ImageSpec.of(1, 8, 8)).train();
        Path table = tmp.resolve("train.parquet");
        SparkSession writer = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            List<Row> rows = new java.util.ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                float[] px = new float[64];
                train.copyImage(i, px, 0);
                rows.add(org.apache.spark.sql.RowFactory.create(px, train.label(i)));
            }
            var schema = new org.apache.spark.sql.types.StructType()
                    .add("pixels", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType, false))
                    .add("y", org.apache.spark.sql.types.DataTypes.IntegerType);
            writer.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        } finally {
            writer.stop();
        }
        String[] common = {"--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--model", tmp.resolve("tiny.json").toString(), "--epochs", "1", "--batch", "20", "--partitions", "1", "--quiet"};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.util.function.Function<String[], Integer> train2 = extra -> {
            String[] a = new String[1 + common.length + extra.length];
            a[0] = "train";
            System.arraycopy(common, 0, a, 1, common.length);
            System.arraycopy(extra, 0, a, 1 + common.length, extra.length);
            return SparkMain.run(a, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        };
        // Columns named wrong: the message names the table, the missing column and the ones it has.
        assertEquals(2, train2.apply(new String[] {"--data", table.toString(), "--out", tmp.resolve("bad").toString()}));
        String log = err.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("train.parquet has no column \"image\"") && log.contains("pixels, y"), log);
        // The table trains the weights the IDX files do.
        assertEquals(0, train2.apply(new String[] {"--data", table.toString(), "--image-col", "pixels", "--label-col", "y",
                "--out", tmp.resolve("from-parquet").toString()}), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, train2.apply(new String[] {"--data", data.toString(), "--out", tmp.resolve("from-idx").toString()}),
                err.toString(StandardCharsets.UTF_8));
        assertSameWeights(tmp.resolve("from-idx"), tmp.resolve("from-parquet"));
        // With --val-split the table holds out the images the files hold out: the same weights, the same validation figures.
        String[] split = {"--val-split", "0.25"};
        assertEquals(0, train2.apply(concat(new String[] {"--data", table.toString(), "--image-col", "pixels", "--label-col", "y",
                "--out", tmp.resolve("from-parquet-val").toString()}, split)), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, train2.apply(concat(new String[] {"--data", data.toString(), "--out", tmp.resolve("from-idx-val").toString()}, split)),
                err.toString(StandardCharsets.UTF_8));
        assertSameWeights(tmp.resolve("from-idx-val"), tmp.resolve("from-parquet-val"));
        List<String> idxMetrics = Files.readAllLines(tmp.resolve("from-idx-val/metrics.csv"));
        List<String> tableMetrics = Files.readAllLines(tmp.resolve("from-parquet-val/metrics.csv"));
        List<String> header = List.of(idxMetrics.get(0).split(","));
        assertEquals(header, List.of(tableMetrics.get(0).split(",")));
        for (String col : List.of("val_loss", "val_acc")) {
            int c = header.indexOf(col);
            assertTrue(c >= 0, "metrics.csv has " + col + ": " + header);
            String want = idxMetrics.get(1).split(",")[c], got = tableMetrics.get(1).split(",")[c];
            assertFalse(want.isEmpty() || want.equals("NaN"), col + " is there: " + want);
            assertEquals(want, got, col);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void assertSameWeights(Path expectedRun, Path actualRun) throws Exception {
        var expected = org.conv4j.layers.NamedParam.of(ModelFile.load(expectedRun.resolve("model.safetensors")).network());
        var actual = org.conv4j.layers.NamedParam.of(ModelFile.load(actualRun.resolve("model.safetensors")).network());
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(i).param().value().data(), actual.get(i).param().value().data(),
                    expected.get(i).name() + " of " + actualRun.getFileName());
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
