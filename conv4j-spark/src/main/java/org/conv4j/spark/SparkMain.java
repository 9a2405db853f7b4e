package org.conv4j.spark;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.conv4j.data.Datasets;
import org.conv4j.io.ImageSpec;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Zoo;
import org.conv4j.report.ReportListener;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.Progress;
import org.conv4j.train.StopOnSignal;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainResult;
import org.conv4j.util.Rng;

/**
 * The entry point of {@code ./conv4j spark} and of {@code spark-submit --class org.conv4j.spark.SparkMain}:
 * {@code train} (data-parallel training, {@link SparkTrainer}) and {@code predict} (scoring image files into
 * Parquet, {@link Conv4jClassifierModel}). {@code --master} is optional under spark-submit, which sets it.
 * Exit codes: 0 done, 2 bad options or data, 1 any other failure.
 */
public final class SparkMain {
    private SparkMain() {}

    /** The exit code of a run stopped by Ctrl-C or SIGTERM after writing its checkpoint, as {@code conv4j train}'s. */
    static final int INTERRUPTED = 4;

    private static final Set<String> FLAGS = Set.of("quiet", "force", "flip", "resized-crop");

    public static void main(String[] args) {
        StopOnSignal.exit(run(args, System.out, System.err));   // also ends a signal's wait for the checkpoint
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            Map<String, String> o = options(args);
            return switch (args[0]) {
                case "train" -> train(o, err);
                case "predict" -> predict(o, err);
                default -> throw new IllegalArgumentException("unknown command \"" + args[0] + "\"; commands: train, predict");
            };
        } catch (IllegalArgumentException e) {
            err.println("conv4j spark: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("conv4j spark: " + e);
            return 1;
        }
    }

    static final String USAGE = """
            usage: conv4j spark train   [--master URL] [--partitions P] [--shards S] [train options]
                   conv4j spark predict [--master URL] --model FILE --input PATH --output PATH.parquet [--top-k K] [--batch B]

            train: synchronous data-parallel training on Spark. Each step's batch is cut into S shards computed by
              P partitions (P <= S; default P = the cluster's cores, S = P; with --shards alone P = min(cores, S));
              the weights depend on S only: bitwise those of `conv4j train --shards S` on any P (S = 1: plain
              `conv4j train`). The run folder is conv4j train's, plus steps.csv.
              --data DIR          IDX files, CIFAR batches or image folders, at a path every executor reads
                                  (default /usr/share/datasets/fashion-mnist); or a Parquet table (a path ending
                                  in .parquet) of images (encoded bytes, or C*H*W floats in [0, 1]) and labels
              --image-col C --label-col L   the Parquet table's columns (default image, label)
              --out RUNDIR        run folder (default runs/spark-YYYYMMDD-HHMMSS)   --force  reuse a folder holding a model
              --resume CKPT       continue a run (from this trainer or conv4j train) exactly, with its --shards;
                                  --epochs may extend it
              --model SPEC        reference | recipe | resnet-mini | a spec file (default reference)
              --epochs N --batch B --lr LR --optimizer NAME --momentum M --weight-decay WD --schedule S
              --step-epochs E --gamma G --warmup STEPS --clip NORM --label-smoothing E --val-split F
              --patience N --checkpoint-every S --top-k K --seed S   as conv4j train     --quiet  no progress line
              --flip --crop-padding P --resized-crop   augmentation as conv4j train (the same draws per image)
            predict: scores image files (PNG, JPEG, BMP, GIF; a folder, searched recursively, or a file) and writes Parquet with
              path, prediction, predictedLabel, probability and topK columns.
            Spark settings: --master URL, or spark-submit's own; any --conf key=value is passed to Spark.
            """;

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        List<String> conf = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument \"" + a + "\"; options start with --");
            String name = a.substring(2);
            if (FLAGS.contains(name)) { o.put(name, "true"); continue; }
            if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
            if (name.equals("conf")) conf.add(args[++i]);
            else o.put(name, args[++i]);
        }
        o.put("conf", String.join("\u0000", conf));
        return o;
    }

    private static SparkSession session(Map<String, String> o, String app) {
        SparkConf conf = new SparkConf().setAppName(app);
        if (o.containsKey("master")) conf.setMaster(o.get("master"));
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        for (String kv : o.get("conf").split("\u0000")) {
            if (kv.isEmpty()) continue;
            int eq = kv.indexOf('=');
            if (eq < 1) throw new IllegalArgumentException("--conf takes key=value, got \"" + kv + "\"");
            conf.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        // Spark's INFO lines would bury the progress line; --conf spark.log.level=INFO brings them back.
        if (!conf.contains("spark.log.level")) conf.set("spark.log.level", "WARN");
        // Shard gradients are task results of the model's size; above this (1 MB by default) Spark stores each in the
        // block manager and the driver fetches it in another round trip: 7 of the reference CNN's 30 ms of
        // scheduling per step on local[2]. Spark caps it at spark.rpc.message.maxSize.
        if (!conf.contains("spark.task.maxDirectResultSize")) conf.set("spark.task.maxDirectResultSize", "128m");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static final List<String> RECIPE = List.of("shards", "model", "batch", "lr", "optimizer", "momentum", "weight-decay", "schedule",
            "step-epochs", "gamma", "warmup", "clip", "label-smoothing", "val-split", "patience", "checkpoint-every", "top-k", "seed",
            "flip", "crop-padding", "resized-crop");
    private static final Set<String> TRAIN_OPTIONS = Set.of("master", "partitions", "shards", "data", "out", "resume", "epochs",
            "quiet", "force", "conf", "model", "batch", "lr", "optimizer", "momentum", "weight-decay", "schedule", "step-epochs",
            "gamma", "warmup", "clip", "label-smoothing", "val-split", "patience", "checkpoint-every", "top-k", "seed",
            "flip", "crop-padding", "resized-crop", "image-col", "label-col");

    private static int train(Map<String, String> o, PrintStream err) throws Exception {
        for (String k : o.keySet()) if (!TRAIN_OPTIONS.contains(k)) throw new IllegalArgumentException("unknown option --" + k + " for train");
        String data = o.getOrDefault("data", Datasets.DEBIAN_FASHION_MNIST.toString());
        if (o.containsKey("resume")) for (String r : RECIPE) {
            if (o.containsKey(r)) throw new IllegalArgumentException("--" + r + " cannot be combined with --resume: the checkpoint fixes it");
        }
        Checkpoint ck = o.containsKey("resume") ? Checkpoint.load(Path.of(o.get("resume"))) : null;
        Path runDir = Path.of(o.getOrDefault("out", ck != null ? Path.of(o.get("resume")).toAbsolutePath().getParent().toString()
                : "runs/spark-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        if (Files.exists(runDir.resolve("model.safetensors")) && !o.containsKey("force")) {
            throw new IllegalArgumentException(runDir + " already holds a model; choose another --out or add --force");
        }
        SparkSession spark = session(o, "conv4j train");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // S is part of the recipe (a checkpoint keeps it); P only spreads the shards, up to one per partition.
            int cores = sc.defaultParallelism();
            int shards = ck != null ? ck.config().shards() : o.containsKey("shards") ? positive(o, "shards", 1) : positive(o, "partitions", cores);
            ShardPlan plan = new ShardPlan(shards, positive(o, "partitions", Math.min(cores, shards)));
            SparkTrainer trainer;
            if (ck != null) {
                trainer = SparkTrainer.resume(sc, ck, positive(o, "epochs", 0 + ck.config().epochs()));
            } else {
                TrainConfig d = TrainConfig.defaults();
                TrainConfig cfg = new TrainConfig(positive(o, "epochs", d.epochs()), positive(o, "batch", d.batchSize()),
                        number(o, "lr", d.lr()), o.getOrDefault("optimizer", d.optimizer()), number(o, "momentum", d.momentum()), false,
                        number(o, "weight-decay", d.weightDecay()), o.getOrDefault("schedule", d.schedule()),
                        positive(o, "step-epochs", d.stepEpochs()), number(o, "gamma", d.gamma()), integer(o, "warmup", d.warmupSteps()),
                        number(o, "clip", d.clipNorm()), number(o, "label-smoothing", d.labelSmoothing()),
                        number(o, "val-split", d.validationSplit()), integer(o, "patience", d.patience()),
                        integer(o, "checkpoint-every", d.checkpointEvery()), positive(o, "top-k", d.topK()), o.containsKey("flip"),
                        integer(o, "crop-padding", 0), o.containsKey("seed") ? Long.parseLong(o.get("seed")) : d.seed())
                        .withResizedCrop(o.containsKey("resized-crop")).withShards(plan.shards());
                NetworkSpec spec = Zoo.resolve(o.getOrDefault("model", "reference"));
                Rng generator = Rng.torch(cfg.seed());
                Model model = spec.build(generator);
                trainer = new SparkTrainer(sc, model, cfg, generator);
            }
            int[] in = trainer.model().spec().input();
            err.println("run folder: " + runDir + "  (master " + sc.master() + ", " + plan.partitions() + " partitions, "
                    + plan.shards() + " shards)");
            trainer.setRunDir(runDir).setOutput(err, o.containsKey("quiet") ? null : new Progress(err, Progress.stderrIsTerminal()));
            ReportListener report = report(trainer, ck, data, runDir, sc.master(), plan, err);
            trainer.addListener(report);
            TrainResult r;
            try (StopOnSignal ignored = StopOnSignal.install("conv4j spark train", trainer::requestStop, err)) {
                if (isParquet(data)) {
                    Dataset<Row> frame = spark.read().parquet(data);
                    String image = o.getOrDefault("image-col", "image"), label = o.getOrDefault("label-col", "label");
                    for (String col : List.of(image, label)) {
                        if (!java.util.Arrays.asList(frame.schema().fieldNames()).contains(col)) {
                            throw new IllegalArgumentException(data + " has no column \"" + col + "\" (its columns: "
                                    + String.join(", ", frame.schema().fieldNames()) + "); name the image and label columns with "
                                    + "--image-col and --label-col");
                        }
                    }
                    r = trainer.fit(frame, image, label, plan.partitions());
                } else {
                    for (String k : List.of("image-col", "label-col")) {
                        if (o.containsKey(k)) throw new IllegalArgumentException("--" + k + " is for Parquet data (--data ending in .parquet)");
                    }
                    r = trainer.fit(DataSource.of(data, ImageSpec.of(in[0], in[1], in[2])), plan.partitions());
                }
            } finally {
                report.finishQuietly();   // a failed run still leaves the page of the epochs it finished
            }
            err.println("report: " + report.report().html());
            if (r.interrupted()) {
                Path ckpt = runDir.resolve("checkpoint.safetensors");
                err.println("conv4j spark train: interrupted after step " + r.steps() + "; the run so far is saved in " + ckpt);
                err.println("continue it exactly with: conv4j spark train --resume " + ckpt + " --data " + data);
                return INTERRUPTED;
            }
            List<StepTimes> t = trainer.stepTimes();
            if (!t.isEmpty()) {
                double total = 0, compute = 0, comm = 0, sched = 0;
                for (StepTimes s : t) { total += s.total(); compute += s.compute(); comm += s.communication(); sched += s.scheduling(); }
                err.println(String.format(Locale.ROOT, "per step: %.1f ms = compute %.1f + communication %.1f + scheduling %.1f; "
                        + "%,d bytes down and %,d up per partition", total / t.size() / 1e6, compute / t.size() / 1e6,
                        comm / t.size() / 1e6, sched / t.size() / 1e6, t.getLast().bytesDown(), t.getLast().bytesUp()));
            }
            err.println("done: " + r.steps() + " steps; run folder " + runDir);
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** A Parquet file or folder: its name ends in .parquet. */
    static boolean isParquet(String data) {
        String d = data.endsWith("/") ? data.substring(0, data.length() - 1) : data;
        return d.toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    /** conv4j train's report.html for a Spark run: loss and accuracy per epoch, the first conv's filters, the settings. */
    private static ReportListener report(SparkTrainer trainer, Checkpoint ck, String data, Path runDir, String master,
                                         ShardPlan plan, PrintStream err) {
        Model model = trainer.model();
        TrainConfig c = trainer.config();
        String name = model.spec().name() == null ? "model" : model.spec().name();
        List<String> names = model.spec().classNames();
        if (names == null) {
            names = new ArrayList<>();
            for (int i = 0; i < model.classes(); i++) names.add(Integer.toString(i));
        }
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("model", name + ", input " + java.util.Arrays.toString(model.spec().input()) + ", " + model.classes() + " classes");
        details.put("data", data);
        details.put("training", String.format(Locale.ROOT, "%s, lr %s, batch %d, %d epochs, seed %d", c.optimizer(), c.lr(),
                c.batchSize(), c.epochs(), c.seed()));
        details.put("spark", "master " + master + ", " + plan.partitions() + " partitions, " + plan.shards() + " shards");
        details.put("run folder", runDir.toString());
        return new ReportListener(runDir, name + " on Spark", names, c.epochs(), details, model,
                ck == null ? List.of() : ck.history(), err);
    }

    private static int predict(Map<String, String> o, PrintStream err) {
        for (String k : o.keySet()) {
            if (!Set.of("master", "model", "input", "output", "top-k", "batch", "conf").contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + " for predict");
            }
        }
        for (String k : List.of("model", "input", "output")) if (!o.containsKey(k)) throw new IllegalArgumentException("predict needs --" + k);
        SparkSession spark = session(o, "conv4j predict");
        try {
            Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", "*.{png,PNG,jpg,JPG,jpeg,JPEG,bmp,BMP,gif,GIF}").load(o.get("input"));
            Dataset<Row> scored = new Conv4jClassifierModel().setModelPath(o.get("model")).setInputCol("content")
                    .setTopK(positive(o, "top-k", 5)).setBatchSize(positive(o, "batch", 500)).transform(images)
                    .select("path", "prediction", "predictedLabel", "probability", "topK");
            scored.write().mode(SaveMode.ErrorIfExists).parquet(o.get("output"));
            err.println("scores written to " + o.get("output"));
            return 0;
        } finally {
            spark.stop();
        }
    }

    private static int positive(Map<String, String> o, String k, int d) {
        int v = integer(o, k, d);
        if (v < 1) throw new IllegalArgumentException("--" + k + " must be at least 1, got " + v);
        return v;
    }

    private static int integer(Map<String, String> o, String k, int d) {
        try {
            return o.containsKey(k) ? Integer.parseInt(o.get(k)) : d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " takes a whole number, got \"" + o.get(k) + "\"");
        }
    }

    private static double number(Map<String, String> o, String k, double d) {
        try {
            return o.containsKey(k) ? Double.parseDouble(o.get(k)) : d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " takes a number, got \"" + o.get(k) + "\"");
        }
    }
}
