package org.conv4j.experiments;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Dataset;
import org.conv4j.data.Datasets;
import org.conv4j.data.LoaderConfig;
import org.conv4j.data.TrainTest;
import org.conv4j.io.Json;
import org.conv4j.io.SafeTensors;
import org.conv4j.kernels.Parallel;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Zoo;
import org.conv4j.train.Checkpoint;
import org.conv4j.train.EpochMetrics;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainListener;
import org.conv4j.train.Trainer;
import org.conv4j.util.Rng;

/**
 * The conv4j half of the torch-equivalence experiment (docs/accuracy.md, issue #3): trains the reference CNN exactly
 * as {@code conv4j train} does (same {@link Trainer}, {@link TrainConfig#defaults()} with the given seed, weights
 * and data order from one {@code Rng.torch(seed)}) and writes what PyTorch needs to repeat the run with the
 * same initial weights and the same data order, plus what to compare against. Not a test; run by
 * {@code experiments/run-java.sh} from {@code experiments/equivalence.sh}.
 *
 * <pre>TorchEquivalenceRun OUT_DIR [--seed S] [--epochs E] [--perturb-ulp] [--train-size N] [--test-size M]
 *                     [--data DIR] [--threads T]</pre>
 *
 * <p>OUT_DIR receives (tensor names are torch's state_dict names, "0.weight" ... "9.bias"):
 * <ul>
 *   <li>{@code init.safetensors}: the weights training starts from (after the perturbation, if any);</li>
 *   <li>{@code order.safetensors}: I64 {@code epoch1}, {@code epoch2}, ...: dataset indices in the order the
 *       trainer visits them (batch b is positions 64·b .. 64·b + 63; the last batch of 60,000 has 32);</li>
 *   <li>{@code step1.safetensors}: the weights after the first Adam step;</li>
 *   <li>{@code final.safetensors}: the weights after the last epoch;</li>
 *   <li>{@code losses.safetensors}: F64 {@code loss}: each step's mean batch loss (a float32 value);</li>
 *   <li>{@code result.json}: test accuracy after each epoch and the run's settings;</li>
 *   <li>{@code run/}: the trainer's own run folder (metrics.csv, checkpoint, model).</li>
 * </ul>
 *
 * <p>{@code --perturb-ulp} moves every initial weight and bias one float32 ulp up ({@link Math#nextUp}): the
 * chaos control. {@code --train-size}/{@code --test-size} train and test on the first N/M images only (for a
 * quick check of the plumbing). The data order is drawn by a {@link DataLoader} with the trainer's own
 * {@link LoaderConfig#train} settings; the run checks it against the order the trainer stored in its
 * checkpoint after epoch 1 and fails if they differ.
 */
public final class TorchEquivalenceRun {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TorchEquivalenceRun OUT_DIR [--seed S] [--epochs E] [--perturb-ulp] [--train-size N] "
                    + "[--test-size M] [--data DIR] [--threads T]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long seed = 0;
        int epochs = 2, trainSize = 0, testSize = 0;
        boolean perturb = false;
        Path dataDir = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--perturb-ulp" -> perturb = true;
                case "--train-size" -> trainSize = Integer.parseInt(args[++i]);
                case "--test-size" -> testSize = Integer.parseInt(args[++i]);
                case "--data" -> dataDir = Path.of(args[++i]);
                case "--threads" -> Parallel.setThreads(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(out);

        TrainTest data = Datasets.fashionMnist(dataDir);
        Dataset train = firstN(data.train(), trainSize), test = firstN(data.test(), testSize);
        TrainConfig config = TrainConfig.defaults().withSeed(seed).withEpochs(epochs);
        Rng generator = Rng.torch(config.seed());
        Model model = Zoo.spec("reference").build(generator); // as TrainCommand builds it
        long[] afterInit = generator.state();
        if (perturb) {
            for (NamedParam p : NamedParam.of(model.network())) {
                float[] v = p.param().value().data();
                for (int j = 0; j < v.length; j++) v[j] = Math.nextUp(v[j]);
            }
        }
        writeTensors(out.resolve("init.safetensors"), model);

        // The trainer's loader draws epoch e's permutation as the e-th shuffle of the generator after the
        // initialisation; a twin loader from a copy of that state draws the same ones (checked against the
        // trainer's checkpoint below).
        Rng twinGenerator = Rng.torch(0);
        twinGenerator.setState(afterInit);
        DataLoader twin = new DataLoader(train, LoaderConfig.train(config.batchSize(), config.seed()), twinGenerator);
        List<int[]> orders = new ArrayList<>();
        List<SafeTensors.Entry> orderEntries = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            if (e > 1) twin.nextEpoch();
            int[] o = twin.state().order();
            orders.add(o);
            orderEntries.add(SafeTensors.Entry.ofLongs("epoch" + e, Arrays.stream(o).asLongStream().toArray()));
        }
        write(out.resolve("order.safetensors"), orderEntries);

        Path runDir = out.resolve("run");
        Trainer trainer = new Trainer(model, config, generator).setRunDir(runDir).setOutput(System.err, null);
        List<Double> losses = new ArrayList<>();
        List<Double> testAcc = new ArrayList<>();
        boolean[] orderChecked = {false};
        trainer.addListener(new TrainListener() {
            @Override
            public void onStep(long step, int epoch, float loss, double lr) {
                losses.add((double) loss);
                if (step == 1) {
                    try {
                        writeTensors(out.resolve("step1.safetensors"), model);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void onEpoch(EpochMetrics m, Model mo) {
                testAcc.add(m.testAcc());
                if (m.epoch() == 2) {
                    // The checkpoint on disk is the one written after epoch 1: its loader holds epoch 2's order.
                    try {
                        int[] stored = Checkpoint.load(runDir.resolve("checkpoint.safetensors")).loader().order();
                        if (!Arrays.equals(stored, orders.get(1))) {
                            throw new IllegalStateException("the trainer's epoch-2 order differs from the one written to order.safetensors");
                        }
                        orderChecked[0] = true;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        });
        trainer.fit(train, test);
        writeTensors(out.resolve("final.safetensors"), model);
        double[] l = losses.stream().mapToDouble(Double::doubleValue).toArray();
        write(out.resolve("losses.safetensors"), List.of(SafeTensors.Entry.ofDoubles("loss", l)));

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("framework", "conv4j");
        r.put("seed", seed);
        r.put("perturb_ulp", perturb);
        r.put("epochs", epochs);
        r.put("train_size", train.size());
        r.put("test_size", test.size());
        r.put("threads", Parallel.threads());
        r.put("order_checked_against_trainer", orderChecked[0]);
        r.put("test_acc", testAcc);
        Files.writeString(out.resolve("result.json"), Json.write(r) + "\n", StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "conv4j seed %d%s:", seed, perturb ? " (init +1 ulp)" : ""));
        for (int e = 0; e < testAcc.size(); e++) b.append(String.format(Locale.ROOT, " epoch %d test_acc %.4f", e + 1, testAcc.get(e)));
        System.out.println(b);
    }

    private static Dataset firstN(Dataset d, int n) {
        if (n <= 0 || n >= d.size()) return d;
        int[] first = new int[n];
        for (int i = 0; i < n; i++) first[i] = i;
        return d.subset(first, d.name() + " (first " + n + ")");
    }

    private static void writeTensors(Path file, Model model) throws IOException {
        write(file, ModelFile.tensors(model, ""));
    }

    private static void write(Path file, List<SafeTensors.Entry> entries) throws IOException {
        try (OutputStream o = Files.newOutputStream(file)) {
            SafeTensors.write(o, Map.of(), entries);
        }
    }
}
