package org.conv4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.conv.Conv2d;
import org.conv4j.layers.Layer;
import org.conv4j.tensor.Tensor;
import org.conv4j.train.EpochMetrics;

/**
 * The trainer's side of the run report: a few calls in the training loop keep report.html up to date.
 *
 * <p>Call order:
 * <ol>
 *   <li>construct once per run (on resume, pass the finished epochs to {@link #restore});</li>
 *   <li>{@link #batch} after every training step with its loss;</li>
 *   <li>per test pass: {@link #newEvaluation()}, then {@link EvalCollector#add} for every test batch;</li>
 *   <li>{@link #epochEnd} with the epoch's metrics and that collector: rewrites the report;</li>
 *   <li>{@link #finish} once at the end (also after early stopping or a failure): the page stops reloading.</li>
 * </ol>
 * Not thread-safe: call from the training thread. {@link #nanos()} is the time spent in report work,
 * so its cost can be compared with the epoch time.
 */
public final class TrainingReport {
    /** Default window of the loss-per-N-batches curve. */
    public static final int DEFAULT_BATCH_WINDOW = 50;
    /** Right and wrong test images kept for the gallery, each. */
    public static final int GALLERY_PER_KIND = 12;

    private final RunReport report;
    private final String title;
    private final List<String> classNames;
    private final int plannedEpochs;
    private final Map<String, String> details;
    private final Conv2d firstConv;
    private final BatchLossSeries batchLoss;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    private int[][] lastConfusion;
    private List<GallerySample> lastGallery = List.of();
    private long nanos, cpuNanos;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private boolean changed = true; // data added since the last write

    /**
     * A report with the default batch window, {@link #DEFAULT_BATCH_WINDOW}.
     *
     * @param runDir        the run folder (report.html and PNGs go there)
     * @param title         heading, e.g. the model's name and the data set
     * @param classNames    K names
     * @param plannedEpochs epochs the run will do, 0 if unknown
     * @param details       facts to show (model, optimiser, data, seed), in order
     * @param model         the network's layers; its first conv layer's filters are drawn (none: no picture)
     */
    public TrainingReport(Path runDir, String title, List<String> classNames, int plannedEpochs, Map<String, String> details,
                          List<? extends Layer> model) {
        this(runDir, title, classNames, plannedEpochs, details, model, DEFAULT_BATCH_WINDOW);
    }

    /**
     * A report whose loss-per-N-batches curve averages {@code batchWindow} batches per point.
     *
     * @param runDir        the run folder (report.html and PNGs go there)
     * @param title         heading, e.g. the model's name and the data set
     * @param classNames    K names
     * @param plannedEpochs epochs the run will do, 0 if unknown
     * @param details       facts to show (model, optimiser, data, seed), in order
     * @param model         the network's layers; its first conv layer's filters are drawn (none: no picture)
     * @param batchWindow   batches per point of the batch-loss curve, at least 1
     * @throws IllegalArgumentException if {@code batchWindow} is below 1
     */
    public TrainingReport(Path runDir, String title, List<String> classNames, int plannedEpochs, Map<String, String> details,
                          List<? extends Layer> model, int batchWindow) {
        this.report = new RunReport(runDir);
        this.title = title;
        this.classNames = List.copyOf(classNames);
        this.plannedEpochs = plannedEpochs;
        this.details = new LinkedHashMap<>(details);
        this.firstConv = FeatureMaps.firstConv(model);
        this.batchLoss = new BatchLossSeries(batchWindow);
    }

    /**
     * On resume: the epochs already finished (from metrics.csv), so the curves start at epoch 1.
     *
     * @param finished the metrics of the finished epochs, in order; replaces any recorded so far
     */
    public void restore(List<EpochMetrics> finished) {
        epochs.clear();
        epochs.addAll(finished);
    }

    /**
     * One training step's loss.
     *
     * @param loss the step's mean loss
     */
    public void batch(double loss) {
        long t0 = System.nanoTime();
        batchLoss.record(loss);
        changed = true;
        nanos += System.nanoTime() - t0;
    }

    /**
     * A collector for one pass over the test set; hand it back to {@link #epochEnd}.
     *
     * @return a new collector for K classes keeping {@link #GALLERY_PER_KIND} right and wrong items
     */
    public EvalCollector newEvaluation() {
        return new EvalCollector(classNames.size(), GALLERY_PER_KIND);
    }

    /**
     * Records the epoch and rewrites the report.
     *
     * @param metrics the epoch's losses, accuracies and timing
     * @param eval    the collector of this epoch's test pass, or null when there was none
     * @throws IOException if the report cannot be written
     */
    public void epochEnd(EpochMetrics metrics, EvalCollector eval) throws IOException {
        epochEnd(metrics, eval == null ? null : eval.confusion(), eval == null ? List.of() : eval.gallery());
    }

    /**
     * Records the epoch and rewrites the report, for a trainer that counts its own confusion matrix.
     *
     * @param metrics   the epoch's losses, accuracies and timing
     * @param confusion this epoch's test confusion matrix, or null when there was no test pass
     * @param gallery   test items to show (may be empty)
     * @throws IOException if the report cannot be written
     */
    public void epochEnd(EpochMetrics metrics, ConfusionMatrix confusion, List<GallerySample> gallery) throws IOException {
        epochs.add(metrics);
        if (confusion != null) {
            lastConfusion = confusion.counts();
            lastGallery = List.copyOf(gallery);
        }
        write(false);
    }

    /**
     * Adds report time spent outside this class (e.g. choosing gallery items), so {@link #nanos()} is complete.
     *
     * @param wall wall-clock nanoseconds
     * @param cpu  CPU nanoseconds of the calling thread
     */
    public void addNanos(long wall, long cpu) {
        nanos += wall;
        cpuNanos += cpu;
    }

    /**
     * CPU time of the calling thread spent in report writes and added work; unlike {@link #nanos()} it does not
     * grow when the machine is busy.
     *
     * @return nanoseconds
     */
    public long cpuNanos() { return cpuNanos; }

    /** CPU time of the current thread, 0 where the JVM cannot measure it. */
    static long threadCpu() { return cpu(); }

    /**
     * The final write: same content, no self-reload.
     *
     * @throws IOException if the report cannot be written
     */
    public void finish() throws IOException {
        long t0 = System.nanoTime(), c0 = cpu();
        ReportData d = data(true);
        if (changed) report.write(d); else report.rewritePage(d); // pictures are already current
        changed = false;
        nanos += System.nanoTime() - t0;
        cpuNanos += cpu() - c0;
    }

    /**
     * Time spent in report work so far (batch bookkeeping and writes; not the collectors' add calls).
     *
     * @return nanoseconds
     */
    public long nanos() { return nanos; }

    /** {@return the path of report.html} */
    public Path html() { return report.html(); }

    /**
     * The data the next write would show.
     *
     * @param finished whether to mark the page final (no self-reload)
     * @return a snapshot of the data
     */
    public ReportData data(boolean finished) {
        Tensor w = firstConv == null ? null : firstConv.weight().value().copy();
        return new ReportData(title, classNames, epochs, plannedEpochs, batchLoss.xs(), batchLoss.ys(),
                lastConfusion, w, lastGallery, details, finished);
    }

    private void write(boolean finished) throws IOException {
        long t0 = System.nanoTime(), c0 = cpu();
        report.write(data(finished));
        changed = false;
        nanos += System.nanoTime() - t0;
        cpuNanos += cpu() - c0;
    }

    private static long cpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
