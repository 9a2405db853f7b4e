package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.tensor.Tensor;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch scoring of DataFrames against the local Model.predict, bit for bit. */
class Conv4jClassifierModelTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static Path modelFile;
    static Model model;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().master("local[2]").appName("conv4j-score-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        model = TinyData.spec().build(Rng.torch(3));
        modelFile = tmp.resolve("model.safetensors");
        ModelFile.save(model, modelFile, true);
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void floatPixelsScoreAsModelPredict() {
        int n = 37;
        Rng rng = new Rng(11);
        float[] all = new float[n * 64];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = new float[64];
            for (int k = 0; k < 64; k++) px[k] = all[i * 64 + k] = rng.nextFloat();
            rows.add(RowFactory.create(i, px));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false));
        // 3 partitions of 12, 12 and 13 rows (parallelize slices at i·n/3), scored in batches of 5.
        Dataset<Row> df = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
        List<Row> scored = new Conv4jClassifierModel().setModelPath(modelFile.toString()).setInputCol("pixels")
                .setBatchSize(5).setTopK(2).transform(df).collectAsList();
        assertEquals(n, scored.size());
        float[][] want = new float[n][];
        for (int part = 0; part < 3; part++) {
            int from = part * n / 3, to = (part + 1) * n / 3;
            for (int b = from; b < to; b += 5) {
                int m = Math.min(5, to - b);
                Tensor x = new Tensor(m, 1, 8, 8);
                System.arraycopy(all, b * 64, x.data(), 0, m * 64);
                Tensor p = model.predict(x);
                for (int i = 0; i < m; i++) {
                    want[b + i] = new float[TinyData.CLASSES];
                    System.arraycopy(p.data(), i * TinyData.CLASSES, want[b + i], 0, TinyData.CLASSES);
                }
            }
        }
        for (Row r : scored) {
            int i = r.getInt(0);
            assertArrayEquals(want[i], floats(r.getList(r.fieldIndex("probability"))), "row " + i);
            int[] top = Conv4jClassifierModel.topK(want[i], 2);
            assertEquals(top[0], r.getDouble(r.fieldIndex("prediction")), 0);
            assertEquals(List.of(top[0], top[1]), r.getList(r.fieldIndex("topK")));
            assertEquals(model.className(top[0]), r.getString(r.fieldIndex("predictedLabel")));
        }
    }

    @Test
    void imageFilesFromBinaryFileScoreAsModelPredict() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        Rng rng = new Rng(5);
        for (int i = 0; i < 9; i++) {
            // 16x12 colour images: decoding converts to grey and resizes to the model's 8x8, as conv4j predict does.
            BufferedImage im = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++) im.setRGB(x, y, rng.nextInt() & 0xFFFFFF);
            ImageIO.write(im, "png", dir.resolve("img" + i + ".png").toFile());
        }
        Dataset<Row> df = spark.read().format("binaryFile").load(dir.toString());
        // One image per forward pass: each score is conv4j predict's for that one file.
        List<Row> scored = new Conv4jClassifierModel().setModelPath(modelFile.toString()).setInputCol("content")
                .setBatchSize(1).transform(df).select("path", "probability").collectAsList();
        assertEquals(9, scored.size());
        Map<String, float[]> got = new HashMap<>();
        for (Row r : scored) got.put(Path.of(java.net.URI.create(r.getString(0))).getFileName().toString(), floats(r.getList(1)));
        for (int i = 0; i < 9; i++) {
            Path f = dir.resolve("img" + i + ".png");
            Tensor x = new Tensor(1, 1, 8, 8);
            System.arraycopy(ImageFiles.read(f, ImageSpec.of(1, 8, 8)), 0, x.data(), 0, 64);
            assertArrayEquals(model.predict(x).data(), got.get(f.getFileName().toString()), f.toString());
        }
    }

    @Test
    void aWrongColumnIsNamed() {
        Dataset<Row> df = spark.range(3).toDF("id");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv4jClassifierModel().setModelPath(modelFile.toString()).setInputCol("id").transform(df));
        assertTrue(e.getMessage().contains("\"id\"") && e.getMessage().contains("bigint"), e.getMessage());
    }

    private static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = (Float) l.get(i);
        return f;
    }
}
