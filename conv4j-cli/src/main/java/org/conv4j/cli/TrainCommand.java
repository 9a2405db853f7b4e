package org.conv4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.conv4j.data.Datasets;
import org.conv4j.data.TrainTest;
import org.conv4j.io.ImageSpec;
import org.conv4j.kernels.Parallel;
import org.conv4j.layers.Init;
import org.conv4j.model.Model;
import org.conv4j.model.NetworkSpec;
import org.conv4j.model.Zoo;
import org.conv4j.report.ReportListener;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.DivergenceException;
import org.conv4j.train.Progress;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainResult;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;

/** {@code conv4j train}: trains a network and writes a run folder. */
public final class TrainCommand implements Main.FlagCommand {
    /** Options that decide how training runs; a resumed run takes them from its checkpoint. */
    private static final List<String> RECIPE_OPTIONS = List.of("model", "batch", "lr", "optimizer", "momentum", "nesterov",
            "weight-decay", "schedule", "step-epochs", "gamma", "warmup", "clip", "label-smoothing", "val-split", "patience",
            "checkpoint-every", "top-k", "flip", "crop-padding", "seed", "init");

    @Override public String name() { return "train"; }

    @Override public String summary() { return "train a network (default: the reference CNN on Fashion-MNIST)"; }

    @Override public Set<String> flags() { return Set.of("nesterov", "flip", "force", "quiet"); }

    @Override
    public String help() {
        TrainConfig d = TrainConfig.defaults();
        return """
                usage: conv4j train [options]

                Trains a network and writes a run folder: metrics.csv, checkpoint.safetensors (every epoch and
                every --checkpoint-every steps), spec.json and model.safetensors (the final model).
                With no options it trains the reference CNN on Fashion-MNIST for 2 epochs (Adam 1e-3, batch 64):
                the full set from --data or /usr/share/datasets/fashion-mnist, else a shipped 6,000-image subset.

                data and output:
                  --data DIR            IDX files (MNIST family), CIFAR-10/100 batches, or image folders
                                        DIR/train/CLASS/* and DIR/test/CLASS/*   (default: Fashion-MNIST)
                  --out RUNDIR          run folder (default: runs/train-YYYYMMDD-HHMMSS)
                  --force               write into a run folder that already holds a model (also with --resume)
                  --resume CKPT         continue the run saved in CKPT exactly (recipe options come from it;
                                        --epochs may extend it; --out defaults to CKPT's folder)
                  --threads T           compute threads (default: all processors)
                  --quiet               no progress bar
                model:
                  --model SPEC          reference | recipe | resnet-mini | a network spec file, JSON or YAML
                                        (e.g. examples/reference.yaml; default reference)
                  --init SCHEME         re-initialise weights: kaiming_normal, kaiming_uniform, xavier_uniform,
                                        xavier_normal (default: as torch.nn)
                optimisation:
                  --epochs N            (default %d)          --batch B       (default %d)
                  --optimizer NAME      adam | adamw | sgd | rmsprop (default %s)
                  --lr LR               (default %s)        --weight-decay WD  (default 0)
                  --momentum M          sgd/rmsprop momentum (default 0)   --nesterov  (sgd)
                  --schedule S          none | step | cosine | onecycle (default none)
                  --step-epochs E --gamma G   step schedule: lr x G every E epochs (default 1, 0.1)
                  --warmup STEPS        linear warm-up steps (default 0)
                  --clip NORM           clip gradients to this global L2 norm (default off)
                  --label-smoothing E   cross-entropy label smoothing (default 0)
                  --flip                random horizontal flips     --crop-padding P  random crops after padding P
                  --val-split F         hold out this fraction of the training set for validation (default 0)
                  --patience N          early stopping after N epochs without a better val (or test) loss
                  --checkpoint-every S  also checkpoint every S steps within an epoch (default 0: epoch ends only)
                  --top-k K             k of the reported top-k accuracy (default 5)
                  --seed S              seeds weights, shuffling, augmentation and dropout (default 0); the
                                        weights and data order are torch.manual_seed(S)'s for the same layers

                Ctrl-C or SIGTERM stops at the end of the current step, writes a checkpoint of that point and
                says how to continue (--resume); the resumed run ends exactly as an uninterrupted one.

                exit codes: 0 done, 1 training diverged (NaN/Inf; the last good checkpoint is kept),
                            2 bad options or data, 3 I/O error,
                            4 interrupted by Ctrl-C or SIGTERM (a checkpoint to resume from was written)
                """.formatted(d.epochs(), d.batchSize(), d.optimizer(), d.lr());
    }

    @Override
    public int run(Args a, PrintStream out, PrintStream err) throws Exception {
        if (a.has("threads")) Parallel.setThreads(a.positiveInt("threads", Parallel.threads()));
        String dataDir = a.string("data", null);
        boolean force = a.flag("force"), quiet = a.flag("quiet");
        Path runDir;
        if (a.has("resume")) {
            for (String o : RECIPE_OPTIONS) {
                if (a.has(o)) throw new Args.UsageException("--" + o + " cannot be combined with --resume: the checkpoint fixes it");
            }
            Path ckpt = Path.of(a.required("resume"));
            int epochs = a.integer("epochs", 0);
            if (a.has("epochs") && epochs < 1) throw new Args.UsageException("--epochs must be at least 1, got " + epochs);
            Path parent = ckpt.toAbsolutePath().getParent();
            runDir = Path.of(a.string("out", parent.toString()));
            a.finish();
            if (holdsModel(runDir) && !force) return refuseOverwrite(runDir, err);
            Trainer trainer = Trainer.resume(Checkpoint.load(ckpt), epochs);
            return fit(trainer, loadData(dataDir, trainer.model().spec(), err), runDir, dataDir, quiet, err);
        } else {
            TrainConfig d = TrainConfig.defaults();
            TrainConfig cfg = new TrainConfig(a.positiveInt("epochs", d.epochs()), a.positiveInt("batch", d.batchSize()),
                    a.number("lr", d.lr()), a.string("optimizer", d.optimizer()), a.number("momentum", d.momentum()),
                    a.flag("nesterov"), a.number("weight-decay", d.weightDecay()), a.string("schedule", d.schedule()),
                    a.positiveInt("step-epochs", d.stepEpochs()), a.number("gamma", d.gamma()), a.integer("warmup", d.warmupSteps()),
                    a.number("clip", d.clipNorm()), a.number("label-smoothing", d.labelSmoothing()),
                    a.number("val-split", d.validationSplit()), a.integer("patience", d.patience()),
                    a.integer("checkpoint-every", d.checkpointEvery()), a.positiveInt("top-k", d.topK()), a.flag("flip"),
                    a.integer("crop-padding", d.cropPadding()), a.longValue("seed", d.seed()));
            NetworkSpec spec = Zoo.resolve(a.string("model", "reference"));
            if (a.has("init")) {
                String s = a.string("init", null);
                try {
                    spec = spec.withInit(Init.Scheme.valueOf(s.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new Args.UsageException("--init must be kaiming_normal, kaiming_uniform, xavier_uniform, xavier_normal "
                            + "or torch_default, got " + s);
                }
            }
            runDir = Path.of(a.string("out", "runs/train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            a.finish();
            if (holdsModel(runDir) && !force) return refuseOverwrite(runDir, err);
            TrainTest data = loadData(dataDir, spec, err);
            if (spec.classNames() == null && data.train().numClasses() == spec.classes()) spec = spec.withClassNames(data.train().classNames());
            // One generator initialises and then shuffles, as torch's global one: --seed S starts where
            // torch.manual_seed(S) with the torch.nn twin would.
            Rng generator = Rng.torch(cfg.seed());
            Model model = spec.build(generator);
            return fit(new Trainer(model, cfg, generator), data, runDir, dataDir, quiet, err);
        }
    }

    /** True if the run folder has a model.safetensors entry of any kind (a symlink, even a dangling one, counts). */
    private static boolean holdsModel(Path runDir) {
        return Files.exists(runDir.resolve("model.safetensors"), LinkOption.NOFOLLOW_LINKS);
    }

    private static int refuseOverwrite(Path runDir, PrintStream err) {
        err.println("conv4j train: " + runDir + " already holds a model (" + runDir.resolve("model.safetensors")
                + "); pass --force to overwrite it, or choose another --out");
        return USAGE;
    }

    private static TrainTest loadData(String dataDir, NetworkSpec spec, PrintStream err) throws Exception {
        TrainTest data;
        if (dataDir == null) {
            data = Datasets.fashionMnist(null);
        } else {
            int[] in = spec.input();
            data = Datasets.load(Path.of(dataDir), ImageSpec.of(in[0], in[1], in[2]));
        }
        err.println("data: " + data.source());
        return data;
    }

    /**
     * Trains and reports. From the first step to the last message, Ctrl-C or SIGTERM asks the trainer to stop
     * at the next step boundary ({@link StopOnSignal}); the run then ends with a checkpoint and INTERRUPTED.
     */
    private static int fit(Trainer trainer, TrainTest data, Path runDir, String dataDir, boolean quiet, PrintStream err)
            throws Exception {
        trainer.setRunDir(runDir).setOutput(err, quiet ? null : new Progress(err, Progress.stderrIsTerminal()));
        err.println("run folder: " + runDir + "  (threads: " + Parallel.threads() + ")");
        ReportListener report = ReportListener.forTrainer(trainer, data, runDir, err);
        trainer.addListener(report);
        try (StopOnSignal ignored = StopOnSignal.install(trainer::requestStop, err)) {
            TrainResult r = trainer.fit(data.train(), data.test());
            report.finishQuietly(); // after a stop request the trainer returns without onEnd
            err.println(String.format(Locale.ROOT, "report: %s (report work %.2f s, %.2f s CPU)", report.report().html(),
                    report.report().nanos() / 1e9, report.report().cpuNanos() / 1e9));
            if (r.interrupted()) {
                Path ckpt = runDir.resolve("checkpoint.safetensors");
                err.println("conv4j train: interrupted after step " + r.steps() + "; the run so far is saved in " + ckpt);
                err.println("continue it exactly with: conv4j train --resume " + ckpt + (dataDir == null ? "" : " --data " + dataDir));
                return INTERRUPTED;
            }
            if (!r.epochs().isEmpty() && !Double.isNaN(r.last().testAcc())) {
                err.println(String.format(Locale.ROOT, "final test accuracy %.2f%% after %d epochs", 100 * r.last().testAcc(), r.last().epoch()));
            }
            return OK;
        } catch (DivergenceException e) {
            report.finishQuietly();
            err.println("conv4j train: " + e.getMessage());
            Path ckpt = runDir.resolve("checkpoint.safetensors");
            if (Files.exists(ckpt)) err.println("the last good checkpoint is " + ckpt);
            return FAILED;
        }
    }
}
