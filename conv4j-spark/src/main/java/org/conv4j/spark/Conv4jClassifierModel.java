package org.conv4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.conv4j.io.ImageFiles;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.FormatException;
import org.conv4j.io.SafeTensors;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.tensor.Tensor;

/**
 * Scores a DataFrame's images with a saved conv4j model: a Spark ML {@link Transformer} that adds the columns
 * {@code prediction} (double, the top class), {@code predictedLabel} (its name), {@code probability}
 * (array&lt;float&gt;, the softmax over classes) and {@code topK} (array&lt;int&gt;, the k best classes, best
 * first). Column names and k are params.
 *
 * <p>The image column holds either encoded image bytes (binary: PNG, JPEG, BMP or GIF, as Spark's
 * {@code binaryFile} source gives in {@code content}), decoded and resized to the model's input as
 * {@code conv4j predict} does; or the pixels as array&lt;float&gt; of C·H·W values in [0, 1], before the
 * model's own normalisation.
 *
 * <p>The model file is read once on the driver and broadcast; each executor builds the network once per
 * task slot and keeps it for later partitions. Rows are scored in batches of {@code batchSize} inside
 * each partition. A row's scores do not depend on the batch it lands in: they are bitwise those of
 * {@code Model.predict} (and so {@code conv4j predict}) on the same image.
 */
public final class Conv4jClassifierModel extends Transformer {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedDeque<Model>> IDLE = new ConcurrentHashMap<>();

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> predictionCol;
    private final Param<String> labelCol;
    private final Param<String> probabilityCol;
    private final Param<String> topKCol;
    private final IntParam topK;
    private final IntParam batchSize;

    public Conv4jClassifierModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(uid, "modelPath", "the conv4j model file (model.safetensors), read on the driver");
        inputCol = new Param<>(uid, "inputCol", "the image column: binary image bytes or array<float> pixels");
        predictionCol = new Param<>(uid, "predictionCol", "the top class, as a double");
        labelCol = new Param<>(uid, "predictedLabelCol", "the top class's name");
        probabilityCol = new Param<>(uid, "probabilityCol", "softmax probabilities, array<float>");
        topKCol = new Param<>(uid, "topKCol", "the k most probable classes, best first, array<int>");
        topK = new IntParam(uid, "topK", "how many classes topKCol lists");
        batchSize = new IntParam(uid, "batchSize", "images scored per forward pass");
        setDefault(inputCol, "image");
        setDefault(predictionCol, "prediction");
        setDefault(labelCol, "predictedLabel");
        setDefault(probabilityCol, "probability");
        setDefault(topKCol, "topK");
        setDefault(topK, 5);
        setDefault(batchSize, 500);
    }

    public Conv4jClassifierModel() { this(Identifiable$.MODULE$.randomUID("conv4j")); }

    @Override public String uid() { return uid; }

    // Spark finds a stage's params by its public no-argument methods that return a Param.
    public Param<String> modelPath() { return modelPath; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> topKCol() { return topKCol; }
    public IntParam topK() { return topK; }
    public IntParam batchSize() { return batchSize; }

    public Conv4jClassifierModel setModelPath(String v) { set(modelPath, v); return this; }
    public Conv4jClassifierModel setInputCol(String v) { set(inputCol, v); return this; }
    public Conv4jClassifierModel setPredictionCol(String v) { set(predictionCol, v); return this; }
    public Conv4jClassifierModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public Conv4jClassifierModel setTopKCol(String v) { set(topKCol, v); return this; }
    public Conv4jClassifierModel setTopK(int v) { set(topK, v); return this; }
    public Conv4jClassifierModel setBatchSize(int v) { set(batchSize, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = getOrDefault(inputCol);
        if (!List.of(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("no image column \"" + in + "\" in " + schema.simpleString() + "; set inputCol");
        }
        DataType t = schema.apply(in).dataType();
        boolean floats = t instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
        if (!(t instanceof BinaryType) && !floats) {
            throw new IllegalArgumentException("image column \"" + in + "\" is " + t.simpleString()
                    + "; expected binary (encoded image bytes) or array<float> (pixels in [0, 1])");
        }
        for (String out : List.of(getOrDefault(predictionCol), getOrDefault(labelCol), getOrDefault(probabilityCol), getOrDefault(topKCol))) {
            if (List.of(schema.fieldNames()).contains(out)) throw new IllegalArgumentException("output column \"" + out + "\" already exists");
        }
        return schema.add(getOrDefault(predictionCol), DataTypes.DoubleType, false)
                .add(getOrDefault(labelCol), DataTypes.StringType, false)
                .add(getOrDefault(probabilityCol), DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(getOrDefault(topKCol), DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (!isDefined(modelPath)) throw new IllegalArgumentException("set modelPath to a conv4j model file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(getOrDefault(modelPath)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + getOrDefault(modelPath) + ": " + e.getMessage(), e);
        }
        Model probe = parse(bytes, getOrDefault(modelPath));
        SparkSession spark = dataset.sparkSession();
        Broadcast<byte[]> model = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(bytes);
        String key = sha256(bytes), source = getOrDefault(modelPath);
        int col = dataset.schema().fieldIndex(getOrDefault(inputCol));
        int k = Math.min((Integer) getOrDefault(topK), probe.classes()), batch = (Integer) getOrDefault(batchSize);
        if (k < 1 || batch < 1) throw new IllegalArgumentException("topK and batchSize must be at least 1");
        JavaRDD<Row> input = dataset.toDF().javaRDD();
        int threads = TaskThreads.share(spark.sparkContext().defaultParallelism(), input.getNumPartitions());
        JavaRDD<Row> rows = input.mapPartitions(it -> TaskThreads.run(threads, () -> score(it, model, key, source, col, k, batch)));
        return spark.createDataFrame(rows, out);
    }

    @Override
    public Conv4jClassifierModel copy(ParamMap extra) { return defaultCopy(extra); }

    private static Model parse(byte[] bytes, String source) {
        try {
            SafeTensors.Contents c = SafeTensors.read(bytes, source);
            if (!ModelFile.FORMAT.equals(c.metadata().get("format"))) throw new FormatException(source + ": not a conv4j model file");
            return ModelFile.fromContents(c, source, "");
        } catch (FormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The task body: the partition's rows in batches, each row with its scores appended. */
    private static Iterator<Row> score(Iterator<Row> it, Broadcast<byte[]> bytes, String key, String source, int col, int k, int batch) {
        ConcurrentLinkedDeque<Model> idle = IDLE.computeIfAbsent(key, x -> new ConcurrentLinkedDeque<>());
        Model m = idle.pollFirst();
        if (m == null) m = parse(bytes.value(), source).prepareInference();   // the weights are fixed: keep derived kernels
        Model model = m;
        model.network().setTraining(false);
        int[] in = model.spec().input();
        ImageSpec spec = ImageSpec.of(in[0], in[1], in[2]);
        int item = in[0] * in[1] * in[2];
        List<Row> out = new ArrayList<>();
        try {
            List<Row> pending = new ArrayList<>(batch);
            while (it.hasNext()) {
                pending.add(it.next());
                if (pending.size() == batch || !it.hasNext()) {
                    Tensor x = new Tensor(pending.size(), in[0], in[1], in[2]);
                    for (int i = 0; i < pending.size(); i++) pixels(pending.get(i), col, spec, item, x.data(), i * item);
                    Tensor p = model.predict(x);
                    int classes = p.dim(1);
                    for (int i = 0; i < pending.size(); i++) {
                        float[] prob = new float[classes];
                        System.arraycopy(p.data(), i * classes, prob, 0, classes);
                        int[] best = topK(prob, k);
                        Row r = pending.get(i);
                        Object[] v = new Object[r.length() + 4];
                        for (int j = 0; j < r.length(); j++) v[j] = r.get(j);
                        v[r.length()] = (double) best[0];
                        v[r.length() + 1] = model.className(best[0]);
                        v[r.length() + 2] = prob;
                        v[r.length() + 3] = best;
                        out.add(RowFactory.create(v));
                    }
                    pending.clear();
                }
            }
        } finally {
            idle.addFirst(model);
        }
        return out.iterator();
    }

    private static void pixels(Row r, int col, ImageSpec spec, int item, float[] dst, int at) {
        Object v = r.get(col);
        if (v == null) throw new IllegalArgumentException("a row's image is null");
        if (v instanceof byte[] b) {
            try {
                float[] px = ImageFiles.toSpec(ImageFiles.decode(b, "an image of the DataFrame"), spec);
                System.arraycopy(px, 0, dst, at, item);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        } else {
            List<Object> values = r.getList(col);
            if (values.size() != item) {
                throw new IllegalArgumentException("a row's image has " + values.size() + " values; the model takes " + item
                        + " (" + spec.channels() + "x" + spec.height() + "x" + spec.width() + ")");
            }
            for (int i = 0; i < item; i++) dst[at + i] = ((Number) values.get(i)).floatValue();
        }
    }

    /** The k largest, best first; ties to the lower class, as {@code conv4j predict}. */
    static int[] topK(float[] p, int k) {
        int[] best = new int[k];
        boolean[] used = new boolean[p.length];
        for (int j = 0; j < k; j++) {
            int b = -1;
            for (int c = 0; c < p.length; c++) if (!used[c] && (b < 0 || Float.compare(p[c], p[b]) > 0)) b = c;
            used[b] = true;
            best[j] = b;
        }
        return best;
    }
}
