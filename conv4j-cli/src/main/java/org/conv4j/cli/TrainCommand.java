package org.conv4j.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.data.Datasets;
import org.conv4j.data.TrainTest;
import org.conv4j.io.ImageSpec;
import org.conv4j.io.Json;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Init;
import org.conv4j.model.Head;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.model.Normalization;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Zoo;
import org.conv4j.report.ReportListener;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.DivergenceException;
import org.conv4j.train.EpochMetrics;
import org.conv4j.train.Progress;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.StopOnSignal;
import org.conv4j.train.TrainResult;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;
import picocli.CommandLine.Option;

/** {@code conv4j train}: trains a network and writes a run folder. */
@picocli.CommandLine.Command(name = "train", sortOptions = false,
        customSynopsis = "conv4j train [options]",
        description = {
            "train a network (default: the reference CNN on Fashion-MNIST)",
            "",
            "Trains a network and writes a run folder: metrics.csv, checkpoint.safetensors (every epoch and every "
                    + "--checkpoint-every steps), spec.json, report.html and model.safetensors (the final model). With no "
                    + "options it trains the reference CNN on Fashion-MNIST for 2 epochs (Adam 1e-3, batch 64): the full set "
                    + "from --data or /usr/share/datasets/fashion-mnist, else a shipped 6,000-image subset.",
            "",
            "Ctrl-C or SIGTERM stops at the end of the current step, writes a checkpoint of that point and says how to "
                    + "continue (--resume); the resumed run ends exactly as an uninterrupted one. Exit code 1 means training "
                    + "diverged (NaN/Inf; the last good checkpoint is kept), 4 that it was interrupted."})
final class TrainCommand extends Command {
    private static final TrainConfig D = TrainConfig.defaults();

    /** Options that decide how training runs; a resumed run takes them from its checkpoint. */
    private static final List<String> RECIPE_OPTIONS = List.of("--model", "--batch", "--shards", "--lr", "--optimizer", "--momentum", "--nesterov",
            "--weight-decay", "--schedule", "--step-epochs", "--gamma", "--warmup", "--clip", "--label-smoothing", "--val-split",
            "--patience", "--checkpoint-every", "--top-k", "--flip", "--crop-padding", "--seed", "--init", "--replace-head", "--freeze",
            "--backbone-lr", "--resized-crop", "--imagenet-norm");

    // data and output
    @Option(names = "--data", paramLabel = "DIR", description = "IDX files (MNIST family), CIFAR-10/100 batches, or image folders "
            + "DIR/train/CLASS/* and DIR/test/CLASS/* (default: Fashion-MNIST)")
    String data;
    @Option(names = "--out", paramLabel = "RUNDIR", description = "run folder (default: runs/train-YYYYMMDD-HHMMSS)")
    Path outDir;
    @Option(names = "--force",
            description = "write into a run folder that already holds a model (also with --resume)")
    boolean force;
    @Option(names = "--resume", paramLabel = "CKPT", description = "continue the run saved in CKPT exactly (recipe options come "
            + "from it; --epochs may extend it; --out defaults to CKPT's folder)")
    Path resume;
    @Option(names = "--threads", paramLabel = "T", description = "compute threads (default: all processors)")
    Integer threads;
    /** The names shell completion offers for --progress, as typed. */
    static final class ProgressNames implements Iterable<String> {
        @Override public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Progress.Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    @Option(names = "--progress", paramLabel = "MODE", completionCandidates = ProgressNames.class, description = "auto | bar | lines | none: a bar redrawn in place, or a plain "
            + "line every 10%% of an epoch (default auto: the bar only when stderr is a terminal)")
    Progress.Mode progress = Progress.Mode.AUTO;
    @Option(names = "--quiet", description = "no progress (as --progress none)")
    boolean quiet;
    @Option(names = "--json", description = "at the end print a JSON summary on stdout: "
            + "status, final metrics, and the paths of the model, checkpoint, metrics and report")
    boolean json;
    // model
    @Option(names = "--model", paramLabel = "SPEC", description = "reference | recipe | resnet-mini | a network spec file, JSON or "
            + "YAML (e.g. examples/reference.yaml), or a model file (.safetensors, e.g. from conv4j import) to fine-tune "
            + "(default ${DEFAULT-VALUE})")
    String model = "reference";
    // fine-tuning
    @Option(names = "--replace-head", description = "replace the model's last layer with weights (its Linear or 1x1 conv "
            + "classifier) by a new one for the data's classes, initialised from --seed")
    boolean replaceHead;
    @Option(names = "--freeze", paramLabel = "LAYER", description = "freeze the layers up to and including LAYER (a layer's name "
            + "as conv4j summary lists it, e.g. layer3, or a Sequential index): no updates, BatchNorm in evaluation mode")
    String freeze;
    @Option(names = "--backbone-lr", paramLabel = "LR", description = "learning rate of the trainable layers before the head "
            + "(default: --lr)")
    Double backboneLr;
    @Option(names = "--imagenet-norm", description = "normalise inputs with ImageNet's mean and std (stored in the model file), "
            + "as torchvision's pretrained models expect")
    boolean imagenetNorm;
    @Option(names = "--init", paramLabel = "SCHEME", description = "re-initialise weights: kaiming_normal, kaiming_uniform, "
            + "xavier_uniform, xavier_normal (default: as torch.nn)")
    String init;
    // optimisation
    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs = D.epochs();
    @Option(names = "--batch", paramLabel = "B", description = "batch size (default ${DEFAULT-VALUE})")
    int batch = D.batchSize();
    @Option(names = "--shards", paramLabel = "S", description = "compute each step's gradient as S shards of the batch, folded "
            + "in order: bitwise the weights of conv4j spark train --shards S on any partition count (default ${DEFAULT-VALUE}: "
            + "the whole batch at once; S > 1 needs a model without BatchNorm or dropout)")
    int shards = D.shards();
    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam | adamw | sgd | rmsprop (default ${DEFAULT-VALUE})")
    String optimizer = D.optimizer();
    @Option(names = "--lr", paramLabel = "LR", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr = D.lr();
    @Option(names = "--weight-decay", paramLabel = "WD", description = "(default ${DEFAULT-VALUE})")
    double weightDecay = D.weightDecay();
    @Option(names = "--momentum", paramLabel = "M", description = "sgd/rmsprop momentum (default ${DEFAULT-VALUE})")
    double momentum = D.momentum();
    @Option(names = "--nesterov", description = "Nesterov momentum (sgd)")
    boolean nesterov = D.nesterov();
    @Option(names = "--schedule", paramLabel = "S", description = "none | step | cosine | onecycle (default ${DEFAULT-VALUE})")
    String schedule = D.schedule();
    @Option(names = "--step-epochs", paramLabel = "E", description = "step schedule: lr x G every E epochs (default ${DEFAULT-VALUE})")
    int stepEpochs = D.stepEpochs();
    @Option(names = "--gamma", paramLabel = "G", description = "step schedule factor (default ${DEFAULT-VALUE})")
    double gamma = D.gamma();
    @Option(names = "--warmup", paramLabel = "STEPS", description = "linear warm-up steps (default ${DEFAULT-VALUE})")
    int warmup = D.warmupSteps();
    @Option(names = "--clip", paramLabel = "NORM", description = "clip gradients to this global L2 norm (default ${DEFAULT-VALUE}: off)")
    double clip = D.clipNorm();
    @Option(names = "--label-smoothing", paramLabel = "E", description = "cross-entropy label smoothing (default ${DEFAULT-VALUE})")
    double labelSmoothing = D.labelSmoothing();
    @Option(names = "--flip", description = "random horizontal flips")
    boolean flip = D.flip();
    @Option(names = "--crop-padding", paramLabel = "P", description = "random crops after padding P (default ${DEFAULT-VALUE})")
    int cropPadding = D.cropPadding();
    @Option(names = "--resized-crop", description = "random resized crops (torchvision's RandomResizedCrop: 8-100%% of the area, "
            + "aspect 3/4 to 4/3, bilinear), for 224x224 fine-tuning")
    boolean resizedCrop;
    @Option(names = "--val-split", paramLabel = "F", description = "hold out this fraction of the training set for validation "
            + "(default ${DEFAULT-VALUE})")
    double valSplit = D.validationSplit();
    @Option(names = "--patience", paramLabel = "N", description = "early stopping after N epochs without a better val (or test) "
            + "loss (default ${DEFAULT-VALUE}: off)")
    int patience = D.patience();
    @Option(names = "--checkpoint-every", paramLabel = "S", description = "also checkpoint every S steps within an epoch "
            + "(default ${DEFAULT-VALUE}: epoch ends only)")
    int checkpointEvery = D.checkpointEvery();
    @Option(names = "--top-k", paramLabel = "K", description = "k of the reported top-k accuracy (default ${DEFAULT-VALUE})")
    int topK = D.topK();
    @Option(names = "--seed", paramLabel = "S", description = "seeds weights, shuffling, augmentation and dropout (default "
            + "${DEFAULT-VALUE}); the weights and data order are torch.manual_seed(S)'s for the same layers")
    long seed = D.seed();

    @Override
    protected int run() throws Exception {
        if (threads != null) Parallel.setThreads(positive("--threads", threads));
        if (quiet && given("--progress")) throw new UsageException("--quiet and --progress do not go together");
        Progress.Mode mode = quiet ? Progress.Mode.NONE : progress;
        Path runDir;
        if (resume != null) {
            for (String o : RECIPE_OPTIONS) {
                if (given(o)) throw new UsageException(o + " cannot be combined with --resume: the checkpoint fixes it");
            }
            int more = given("--epochs") ? positive("--epochs", epochs) : 0;
            runDir = outDir != null ? outDir : resume.toAbsolutePath().getParent();
            if (holdsModel(runDir) && !force) return refuseOverwrite(runDir);
            Trainer trainer = Trainer.resume(Checkpoint.load(resume), more);
            return fit(trainer, loadData(trainer.model().spec()), runDir, mode);
        }
        TrainConfig cfg = new TrainConfig(positive("--epochs", epochs), positive("--batch", batch), lr, optimizer, momentum,
                nesterov, weightDecay, schedule, positive("--step-epochs", stepEpochs), gamma, warmup, clip, labelSmoothing,
                valSplit, patience, checkpointEvery, positive("--top-k", topK), flip, cropPadding, seed, freeze == null ? "" : freeze,
                backboneLr == null ? Double.NaN : backboneLr, resizedCrop, positive("--shards", shards));
        if (model.endsWith(".safetensors")) return fineTune(cfg, mode);
        if (replaceHead || freeze != null || backboneLr != null) {
            throw new UsageException("--replace-head, --freeze and --backbone-lr fine-tune a trained model: give --model a model file "
                    + "(.safetensors)");
        }
        NetworkSpec spec = Zoo.resolve(model);
        if (imagenetNorm) spec = spec.withNormalize(Normalization.IMAGENET.mean(), Normalization.IMAGENET.std());
        if (init != null) {
            try {
                spec = spec.withInit(Init.Scheme.valueOf(init.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--init must be kaiming_normal, kaiming_uniform, xavier_uniform, xavier_normal "
                        + "or torch_default, got " + init);
            }
        }
        runDir = outDir != null ? outDir : Path.of("runs/train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (holdsModel(runDir) && !force) return refuseOverwrite(runDir);
        TrainTest set = loadData(spec);
        if (spec.classNames() == null && set.train().numClasses() == spec.classes()) spec = spec.withClassNames(set.train().classNames());
        // One generator initialises and then shuffles, as torch's global one: --seed S starts where
        // torch.manual_seed(S) with the torch.nn twin would.
        Rng generator = Rng.torch(cfg.seed());
        Model built = spec.build(generator);
        return fit(new Trainer(built, cfg, generator), set, runDir, mode);
    }

    /**
     * Fine-tunes the model in the file {@code --model}: optionally ImageNet normalisation and a new head for the data's
     * classes (drawn first from the run's generator, as {@code torch.manual_seed(S); model.fc = nn.Linear(...)}), then
     * training with the frozen part and parameter groups of {@code cfg}.
     */
    private int fineTune(TrainConfig cfg, Progress.Mode mode) throws Exception {
        if (init != null) throw new UsageException("--init re-initialises every weight; it does not go with a model file to fine-tune");
        Path file = Path.of(model);
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException(model + ": no such model file");
        Model m = ModelFile.load(file);
        if (imagenetNorm) m = new Model(m.spec().withNormalize(Normalization.IMAGENET.mean(), Normalization.IMAGENET.std()), m.network());
        Path runDir = outDir != null ? outDir : Path.of("runs/train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (holdsModel(runDir) && !force) return refuseOverwrite(runDir);
        TrainTest set = loadData(m.spec());
        Rng generator = Rng.torch(cfg.seed());
        if (replaceHead) {
            String head = Head.name(m.network());
            m = Head.replace(m, set.train().numClasses(), set.train().classNames(), generator);
            err.println("new head '" + head + "' for " + set.train().numClasses() + " classes " + set.train().classNames());
        } else if (m.classes() < set.train().numClasses()) {
            throw new BadInputException(model + " outputs " + m.classes() + " classes but " + data + " has "
                    + set.train().numClasses() + "; pass --replace-head for a new last layer");
        }
        return fit(new Trainer(m, cfg, generator), set, runDir, mode);
    }

    /** True if the run folder has a model.safetensors entry of any kind (a symlink, even a dangling one, counts). */
    private static boolean holdsModel(Path runDir) {
        return Files.exists(runDir.resolve("model.safetensors"), LinkOption.NOFOLLOW_LINKS);
    }

    private int refuseOverwrite(Path runDir) {
        err.println("conv4j train: " + runDir + " already holds a model (" + runDir.resolve("model.safetensors")
                + "); pass --force to overwrite it, or choose another --out");
        return USAGE;
    }

    private TrainTest loadData(NetworkSpec spec) throws Exception {
        TrainTest set;
        if (data == null) {
            set = Datasets.fashionMnist(null);
        } else {
            int[] in = spec.input();
            set = Datasets.load(Path.of(data), ImageSpec.of(in[0], in[1], in[2]));
        }
        err.println("data: " + set.source());
        return set;
    }

    /**
     * Trains and reports. From the first step to the last message, Ctrl-C or SIGTERM asks the trainer to stop
     * at the next step boundary ({@link StopOnSignal}); the run then ends with a checkpoint and INTERRUPTED.
     */
    private int fit(Trainer trainer, TrainTest set, Path runDir, Progress.Mode mode) throws Exception {
        trainer.setRunDir(runDir).setOutput(err, Progress.of(err, mode));
        err.println("run folder: " + runDir + "  (threads: " + Parallel.threads() + ")");
        ReportListener report = ReportListener.forTrainer(trainer, set, runDir, err);
        trainer.addListener(report);
        Path ckpt = runDir.resolve("checkpoint.safetensors");
        try (StopOnSignal ignored = StopOnSignal.install("conv4j train", trainer::requestStop, err)) {
            TrainResult r = trainer.fit(set.train(), set.test());
            report.finishQuietly(); // after a stop request the trainer returns without onEnd
            err.println(String.format(Locale.ROOT, "report: %s (report work %.2f s, %.2f s CPU)", report.report().html(),
                    report.report().nanos() / 1e9, report.report().cpuNanos() / 1e9));
            if (r.interrupted()) {
                String again = "conv4j train --resume " + ckpt + (data == null ? "" : " --data " + data);
                err.println("conv4j train: interrupted after step " + r.steps() + "; the run so far is saved in " + ckpt);
                err.println("continue it exactly with: " + again);
                summary("interrupted", INTERRUPTED, runDir, r.epochs(), r.steps(), r.stoppedEarly(), again);
                return INTERRUPTED;
            }
            if (!r.epochs().isEmpty() && !Double.isNaN(r.last().testAcc())) {
                err.println(String.format(Locale.ROOT, "final test accuracy %.2f%% after %d epochs", 100 * r.last().testAcc(), r.last().epoch()));
            }
            summary("done", OK, runDir, r.epochs(), r.steps(), r.stoppedEarly(), null);
            return OK;
        } catch (DivergenceException e) {
            report.finishQuietly();
            err.println("conv4j train: " + e.getMessage());
            if (Files.exists(ckpt)) err.println("the last good checkpoint is " + ckpt);
            summary("diverged", FAILED, runDir, List.of(), -1, false, null);
            return FAILED;
        }
    }

    /**
     * With --json, the run's outcome on stdout as one JSON object (stderr keeps the human messages): status
     * ("done", "interrupted", "diverged"), the exit code, the files written (a path only if the file exists),
     * epochs and steps, and the last epoch's metrics (null where not measured).
     */
    private void summary(String status, int code, Path runDir, List<EpochMetrics> epochsDone, long steps, boolean stoppedEarly,
            String resumeCommand) {
        if (!json) return;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", status);
        s.put("exit_code", code);
        s.put("run_dir", runDir.toString());
        for (String[] f : new String[][] {{"model", "model.safetensors"}, {"checkpoint", "checkpoint.safetensors"},
                {"spec", "spec.json"}, {"metrics", "metrics.csv"}, {"report", "report.html"}}) {
            Path p = runDir.resolve(f[1]);
            s.put(f[0], Files.exists(p) ? p.toString() : null);
        }
        s.put("epochs", epochsDone.size());
        if (steps >= 0) s.put("steps", steps);
        s.put("stopped_early", stoppedEarly);
        if (resumeCommand != null) s.put("resume_command", resumeCommand);
        if (!epochsDone.isEmpty()) {
            EpochMetrics m = epochsDone.get(epochsDone.size() - 1);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("epoch", m.epoch());
            f.put("train_loss", finite(m.trainLoss()));
            f.put("train_acc", finite(m.trainAcc()));
            f.put("train_top_k", finite(m.trainTopK()));
            f.put("val_loss", finite(m.valLoss()));
            f.put("val_acc", finite(m.valAcc()));
            f.put("test_loss", finite(m.testLoss()));
            f.put("test_acc", finite(m.testAcc()));
            f.put("test_top_k", finite(m.testTopK()));
            f.put("lr", finite(m.lr()));
            f.put("seconds", finite(m.seconds()));
            f.put("images_per_s", finite(m.imagesPerSecond()));
            s.put("final", f);
        } else {
            s.put("final", null);
        }
        out.print(Json.pretty(s));
        out.flush();
    }

    private static Object finite(double v) { return Double.isFinite(v) ? (Object) v : null; }
}
