package org.conv4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.layers.NamedParam;
import org.conv4j.optim.Adam;
import org.conv4j.optim.LrSchedule;
import org.conv4j.optim.Optimizer;
import org.conv4j.optim.ParamGroup;
import org.conv4j.optim.RmsProp;
import org.conv4j.optim.Sgd;

/**
 * How a {@link Trainer} trains. Defaults (in {@link #defaults()}) are the reference recipe: Adam, lr 1e-3,
 * batch 64, 2 epochs, no schedule, no validation split.
 *
 * @param epochs          epochs to train, at least 1
 * @param batchSize       images per batch, at least 1
 * @param lr              the learning rate (the head's, when fine-tuning with {@code backboneLr}); positive
 * @param optimizer       "adam", "adamw", "sgd" or "rmsprop"
 * @param momentum        SGD / RMSprop momentum
 * @param nesterov        SGD Nesterov momentum
 * @param weightDecay     L2 penalty (decoupled for AdamW), ≥ 0
 * @param schedule        "none", "step", "cosine" or "onecycle"
 * @param stepEpochs      "step" schedule: multiply by {@code gamma} every this many epochs
 * @param gamma           "step" schedule factor
 * @param warmupSteps     linear warm-up steps before the schedule (0 = none)
 * @param clipNorm        clip gradients to this global L2 norm (0 = off)
 * @param labelSmoothing  cross-entropy label smoothing
 * @param validationSplit fraction of the training set held out for validation (0 = none)
 * @param patience        early stopping: stop after this many epochs without a better monitored loss (0 = off);
 *                        the monitored loss is the validation loss, or the test loss without a validation split
 * @param checkpointEvery also checkpoint every this many steps within an epoch (0 = only at epoch ends)
 * @param topK            the k of the top-k accuracy
 * @param flip            augmentation: random horizontal flips
 * @param cropPadding     augmentation: random crops after zero padding by this many pixels (0 = off)
 * @param seed            seeds the data order, the validation split and the augmentation draws
 * @param freezeUntil     fine-tuning: the layers up to and including this one ({@link org.conv4j.model.FrozenPart})
 *                        get no update and run in evaluation mode; "" freezes nothing
 * @param backboneLr      fine-tuning: the learning rate of the trainable layers before the {@link org.conv4j.model.Head
 *                        head}, which keeps {@code lr}; NaN for one rate everywhere (one parameter group)
 * @param resizedCrop     augmentation: torchvision's RandomResizedCrop to the image's own size, before the other two
 * @param shards          S, 1 ≤ S ≤ {@code batchSize}: each step's gradient is the {@link ShardFold} of the gradients of S
 *                        {@link Shards shards} of the batch, as {@code conv4j spark train --shards S} computes it on any
 *                        partition count; 1 is plain whole-batch training
 */
public record TrainConfig(int epochs, int batchSize, double lr, String optimizer, double momentum, boolean nesterov,
                          double weightDecay, String schedule, int stepEpochs, double gamma, int warmupSteps,
                          double clipNorm, double labelSmoothing, double validationSplit, int patience,
                          int checkpointEvery, int topK, boolean flip, int cropPadding, long seed, String freezeUntil,
                          double backboneLr, boolean resizedCrop, int shards) {

    /** The accepted {@code optimizer} names. */
    public static final List<String> OPTIMIZERS = List.of("adam", "adamw", "sgd", "rmsprop");
    /** The accepted {@code schedule} names. */
    public static final List<String> SCHEDULES = List.of("none", "step", "cosine", "onecycle");

    /**
     * Validates every setting and lower-cases the optimizer and schedule names; a null {@code freezeUntil}
     * becomes "".
     *
     * @throws IllegalArgumentException naming the command-line option ({@code --lr}) of the first setting out of
     *                                  range, and the range
     */
    public TrainConfig {
        require(epochs >= 1, "epochs", "must be at least 1, got " + epochs);
        require(batchSize >= 1, "batch", "must be at least 1, got " + batchSize);
        require(lr > 0 && Double.isFinite(lr), "lr", "must be positive, got " + lr);
        optimizer = optimizer.toLowerCase(Locale.ROOT);
        require(OPTIMIZERS.contains(optimizer), "optimizer", "must be one of " + OPTIMIZERS + ", got " + optimizer);
        schedule = schedule.toLowerCase(Locale.ROOT);
        require(SCHEDULES.contains(schedule), "schedule", "must be one of " + SCHEDULES + ", got " + schedule);
        require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        require(!nesterov || (optimizer.equals("sgd") && momentum > 0), "nesterov", "needs --optimizer sgd and --momentum > 0");
        require(weightDecay >= 0, "weight-decay", "must be >= 0, got " + weightDecay);
        require(stepEpochs >= 1, "step-epochs", "must be at least 1, got " + stepEpochs);
        require(gamma > 0, "gamma", "must be positive, got " + gamma);
        require(warmupSteps >= 0, "warmup", "must be >= 0, got " + warmupSteps);
        require(clipNorm >= 0, "clip", "must be >= 0, got " + clipNorm);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing", "must be in [0, 1), got " + labelSmoothing);
        require(validationSplit >= 0 && validationSplit < 1, "val-split", "must be in [0, 1), got " + validationSplit);
        require(patience >= 0, "patience", "must be >= 0, got " + patience);
        require(checkpointEvery >= 0, "checkpoint-every", "must be >= 0, got " + checkpointEvery);
        require(topK >= 1, "top-k", "must be at least 1, got " + topK);
        require(cropPadding >= 0, "crop-padding", "must be >= 0, got " + cropPadding);
        if (freezeUntil == null) freezeUntil = "";
        require(Double.isNaN(backboneLr) || (backboneLr >= 0 && Double.isFinite(backboneLr)), "backbone-lr", "must be >= 0, got " + backboneLr);
        require(shards >= 1, "shards", "must be at least 1, got " + shards);
        require(shards <= batchSize, "shards", shards + " exceeds --batch " + batchSize + ": each shard of a batch needs an image");
    }

    /**
     * A config without fine-tuning settings or resized crops, with one shard; each setting is the record component
     * of the same name.
     *
     * @param epochs          as {@link #epochs()}
     * @param batchSize       as {@link #batchSize()}
     * @param lr              as {@link #lr()}
     * @param optimizer       as {@link #optimizer()}
     * @param momentum        as {@link #momentum()}
     * @param nesterov        as {@link #nesterov()}
     * @param weightDecay     as {@link #weightDecay()}
     * @param schedule        as {@link #schedule()}
     * @param stepEpochs      as {@link #stepEpochs()}
     * @param gamma           as {@link #gamma()}
     * @param warmupSteps     as {@link #warmupSteps()}
     * @param clipNorm        as {@link #clipNorm()}
     * @param labelSmoothing  as {@link #labelSmoothing()}
     * @param validationSplit as {@link #validationSplit()}
     * @param patience        as {@link #patience()}
     * @param checkpointEvery as {@link #checkpointEvery()}
     * @param topK            as {@link #topK()}
     * @param flip            as {@link #flip()}
     * @param cropPadding     as {@link #cropPadding()}
     * @param seed            as {@link #seed()}
     * @throws IllegalArgumentException as the canonical constructor does
     */
    public TrainConfig(int epochs, int batchSize, double lr, String optimizer, double momentum, boolean nesterov,
                       double weightDecay, String schedule, int stepEpochs, double gamma, int warmupSteps,
                       double clipNorm, double labelSmoothing, double validationSplit, int patience,
                       int checkpointEvery, int topK, boolean flip, int cropPadding, long seed) {
        this(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma, warmupSteps, clipNorm,
                labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, "", Double.NaN, false, 1);
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) throw new IllegalArgumentException("--" + field + " " + message);
    }

    /** {@return the reference recipe: Adam 1e-3, batch 64, 2 epochs, seed 0} */
    public static TrainConfig defaults() {
        return new TrainConfig(2, 64, 1e-3, "adam", 0, false, 0, "none", 1, 0.1, 0, 0, 0, 0, 0, 0, 5, false, 0, 0);
    }

    /**
     * {@return a copy with this epoch count}
     *
     * @param e epochs, at least 1
     */
    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this batch size}
     *
     * @param b images per batch, at least 1
     */
    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this optimizer, learning rate and weight decay}
     *
     * @param o  one of {@link #OPTIMIZERS}, any case
     * @param l  the learning rate, positive
     * @param wd weight decay, ≥ 0
     */
    public TrainConfig withOptimizer(String o, double l, double wd) {
        return new TrainConfig(epochs, batchSize, l, o, momentum, nesterov, wd, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this learning-rate schedule}
     *
     * @param s one of {@link #SCHEDULES}, any case
     */
    public TrainConfig withSchedule(String s) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, s, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy that also checkpoints every {@code steps} steps within an epoch}
     *
     * @param steps steps between checkpoints, ≥ 0; 0 = only at epoch ends
     */
    public TrainConfig withCheckpointEvery(int steps) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, steps, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this seed}
     *
     * @param s the run's seed
     */
    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, s, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this flip and padded-crop augmentation}
     *
     * @param f    random horizontal flips
     * @param crop zero padding before the random crop, ≥ 0; 0 = no crop
     */
    public TrainConfig withAugmentation(boolean f, int crop) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, f, crop, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with this validation split and early-stopping patience}
     *
     * @param split fraction of the training set held out, in [0, 1)
     * @param pat   epochs without a better monitored loss before stopping, ≥ 0; 0 = off
     */
    public TrainConfig withValidation(double split, int pat) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, split, pat, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy that clips gradients to this global L2 norm}
     *
     * @param c the norm, ≥ 0; 0 = off
     */
    public TrainConfig withClipNorm(double c) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, c, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed, freezeUntil, backboneLr, resizedCrop, shards);
    }

    /**
     * {@return a copy with these fine-tuning settings}
     *
     * @param until    freeze the layers up to and including this one; "" freezes nothing
     * @param backbone the backbone's learning rate; NaN for {@link #lr} everywhere
     */
    public TrainConfig withFineTuning(String until, double backbone) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed,
                until, backbone, resizedCrop, shards);
    }

    /**
     * {@return a copy with or without torchvision's RandomResizedCrop}
     *
     * @param on apply random resized crops
     */
    public TrainConfig withResizedCrop(boolean on) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed,
                freezeUntil, backboneLr, on, shards);
    }

    /**
     * {@return a copy whose steps fold the gradients of this many shards of the batch}
     *
     * @param s shards per batch, 1 ≤ s ≤ {@link #batchSize}; 1 = whole-batch steps
     */
    public TrainConfig withShards(int s) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, nesterov, weightDecay, schedule, stepEpochs, gamma,
                warmupSteps, clipNorm, labelSmoothing, validationSplit, patience, checkpointEvery, topK, flip, cropPadding, seed,
                freezeUntil, backboneLr, resizedCrop, s);
    }

    /** {@return true if the run has more than one parameter group (a separate backbone rate or a frozen part)} */
    public boolean fineTunes() { return !freezeUntil.isEmpty() || !Double.isNaN(backboneLr); }

    /**
     * {@return the optimizer this config names, over parameter groups (see {@link #newOptimizer(List)})}
     *
     * @param groups the parameter groups, each with its base rate
     */
    public Optimizer newGroupedOptimizer(List<ParamGroup> groups) {
        return switch (optimizer) {
            case "adam" -> new Adam(groups, 0.9, 0.999, 1e-8, weightDecay, false);
            case "adamw" -> new Adam(groups, 0.9, 0.999, 1e-8, weightDecay, true);
            case "sgd" -> new Sgd(groups, momentum, 0, weightDecay, nesterov);
            case "rmsprop" -> new RmsProp(groups, 0.99, 1e-8, weightDecay, momentum, false);
            default -> throw new IllegalStateException(optimizer);
        };
    }

    /**
     * {@return the optimizer this config names, over {@code params}, with one rate {@link #lr}}
     *
     * @param params the parameters to update
     */
    public Optimizer newOptimizer(List<NamedParam> params) {
        return switch (optimizer) {
            case "adam" -> new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay, false);
            case "adamw" -> new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay, true);
            case "sgd" -> new Sgd(params, lr, momentum, 0, weightDecay, nesterov);
            case "rmsprop" -> new RmsProp(params, lr, 0.99, 1e-8, weightDecay, momentum, false);
            default -> throw new IllegalStateException(optimizer);
        };
    }

    /**
     * {@return the learning-rate multiplier per step: the warm-up if any, then the schedule}
     *
     * @param stepsPerEpoch optimizer steps per epoch, to turn epochs into steps
     */
    public LrSchedule newSchedule(long stepsPerEpoch) {
        long total = stepsPerEpoch * epochs;
        LrSchedule s = switch (schedule) {
            case "none" -> LrSchedule.constant();
            case "step" -> LrSchedule.step(stepEpochs * stepsPerEpoch, gamma);
            case "cosine" -> LrSchedule.cosine(Math.max(1, total - warmupSteps), 0);
            case "onecycle" -> LrSchedule.oneCycle(Math.max(2, total - warmupSteps), 0.3, 25, 1e4);
            default -> throw new IllegalStateException(schedule);
        };
        return warmupSteps > 0 ? s.after(warmupSteps) : s;
    }

    /** {@return the JSON form, stored in checkpoints so a resumed run trains exactly as the original} */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs); m.put("batch_size", batchSize); m.put("lr", lr); m.put("optimizer", optimizer);
        m.put("momentum", momentum); m.put("nesterov", nesterov); m.put("weight_decay", weightDecay);
        m.put("schedule", schedule); m.put("step_epochs", stepEpochs); m.put("gamma", gamma); m.put("warmup_steps", warmupSteps);
        m.put("clip_norm", clipNorm); m.put("label_smoothing", labelSmoothing); m.put("validation_split", validationSplit);
        m.put("patience", patience); m.put("checkpoint_every", checkpointEvery); m.put("top_k", topK); m.put("flip", flip);
        m.put("crop_padding", cropPadding); m.put("seed", seed);
        // Written only when set, so a plain run's checkpoint reads as before.
        if (!freezeUntil.isEmpty()) m.put("freeze_until", freezeUntil);
        if (!Double.isNaN(backboneLr)) m.put("backbone_lr", backboneLr);
        if (resizedCrop) m.put("resized_crop", true);
        if (shards != 1) m.put("shards", shards);
        return m;
    }

    /**
     * {@return the config a checkpoint's "config" object describes, as written by {@link #toJson}}
     *
     * @param o the JSON object
     * @throws FormatException naming the path and key if a key is missing, of the wrong type or out of range
     */
    public static TrainConfig fromJson(Json.Obj o) throws FormatException {
        try {
            return new TrainConfig(o.integer("epochs"), o.integer("batch_size"), o.number("lr"), o.str("optimizer"),
                    o.number("momentum"), o.bool("nesterov"), o.number("weight_decay"), o.str("schedule"), o.integer("step_epochs"),
                    o.number("gamma"), o.integer("warmup_steps"), o.number("clip_norm"), o.number("label_smoothing"),
                    o.number("validation_split"), o.integer("patience"), o.integer("checkpoint_every"), o.integer("top_k"),
                    o.bool("flip"), o.integer("crop_padding"), o.longValue("seed"), o.has("freeze_until") ? o.str("freeze_until") : "",
                    o.has("backbone_lr") ? o.number("backbone_lr") : Double.NaN, o.has("resized_crop") && o.bool("resized_crop"),
                    o.has("shards") ? o.integer("shards") : 1);
        } catch (IllegalArgumentException e) {
            throw new FormatException(o.path() + ": " + e.getMessage(), e);
        }
    }
}
