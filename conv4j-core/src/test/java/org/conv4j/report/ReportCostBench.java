package org.conv4j.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.conv4j.activation.ReLU;
import org.conv4j.conv.Conv2d;
import org.conv4j.conv.Conv2dConfig;
import org.conv4j.data.Batch;
import org.conv4j.data.DataLoader;
import org.conv4j.data.Datasets;
import org.conv4j.data.LoaderConfig;
import org.conv4j.data.TrainTest;
import org.conv4j.layers.Flatten;
import org.conv4j.layers.Linear;
import org.conv4j.layers.LinearConfig;
import org.conv4j.loss.CrossEntropyLoss;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Sequential;
import org.conv4j.optim.Adam;
import org.conv4j.pool.MaxPool2d;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;
import org.conv4j.util.Rng;

/**
 * What the run report costs against training: trains the reference CNN (Adam 1e-3, batch 64) on
 * Fashion-MNIST for the given epochs with every report call a trainer makes, and times the report
 * work (batch bookkeeping, the test-pass collector, the page and PNG writes) apart from the rest.
 *
 * <p>Run (from the project root, after {@code mvn -o test-compile}):
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes org.conv4j.report.ReportCostBench 1 /tmp/run}
 */
public final class ReportCostBench {
    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path out = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("conv4j-report-bench");
        TrainTest data = Datasets.fashionMnist(null);
        System.out.println("data: " + data.source());
        Rng rng = new Rng(1);
        Sequential net = new Sequential(new Conv2d(Conv2dConfig.of(1, 32, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(Conv2dConfig.of(32, 64, 3).withPadding(1), rng), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(LinearConfig.of(3136, 128), rng), new ReLU(), new Linear(LinearConfig.of(128, 10), rng));
        Adam opt = Adam.adam(NamedParam.of(net), 1e-3);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        DataLoader train = new DataLoader(data.train(), LoaderConfig.train(64, 1));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("model", "reference CNN");
        details.put("data", data.source());
        TrainingReport report = new TrainingReport(out, "Reference CNN on Fashion-MNIST (report cost benchmark)",
                data.train().classNames(), epochs, details, net.layers());
        long trainingNanos = 0, collectNanos = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            net.setTraining(true);
            double lossSum = 0;
            int seen = 0, right = 0;
            while (train.hasNext()) {
                Batch b = train.next();
                opt.zeroGrad();
                Tensor logits = net.forward(b.x());
                float l = loss.forward(logits, b.labels());
                net.backward(loss.backward());
                opt.step();
                report.batch(l);
                lossSum += (double) l * b.size();
                for (int i = 0; i < b.size(); i++) if (EvalCollector.argmax(logits.data(), i * 10, 10) == b.labels()[i]) right++;
                seen += b.size();
            }
            train.nextEpoch();
            net.setTraining(false);
            EvalCollector eval = report.newEvaluation();
            DataLoader test = new DataLoader(data.test(), LoaderConfig.eval(1000));
            double testLoss = 0;
            while (test.hasNext()) {
                Batch b = test.next();
                Tensor logits = net.infer(b.x());
                testLoss += (double) loss.forward(logits, b.labels()) * b.size();
                long c0 = System.nanoTime();
                eval.add(b.x(), logits, b.labels());
                collectNanos += System.nanoTime() - c0;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            trainingNanos += System.nanoTime() - t0;
            int n = data.test().size();
            report.epochEnd(new EpochMetrics(epoch, lossSum / seen, (double) right / seen, Double.NaN, Double.NaN, Double.NaN, testLoss / n, eval.confusion().accuracy(), Double.NaN, seconds, seen / seconds, Double.NaN), eval);
            System.out.printf(Locale.ROOT, "epoch %d: %.1f s, test accuracy %.2f%%, report so far %.3f s%n", epoch, seconds,
                    100 * eval.confusion().accuracy(), (report.nanos() + collectNanos) / 1e9);
        }
        report.finish();
        long reportNanos = report.nanos() + collectNanos;
        System.out.printf(Locale.ROOT, "training %.1f s (incl. test passes), report %.3f s (writes+batch %.3f s, collector %.3f s) = %.2f%% of training%n",
                trainingNanos / 1e9, reportNanos / 1e9, report.nanos() / 1e9, collectNanos / 1e9, 100.0 * reportNanos / trainingNanos);
        long processCpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        System.out.printf(Locale.ROOT, "CPU: report writes %.3f s of the process's %.1f s = %.2f%%%n", report.cpuNanos() / 1e9,
                processCpu / 1e9, 100.0 * report.cpuNanos() / processCpu);
        System.out.println("report: " + report.html());
    }
}
