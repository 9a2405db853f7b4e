package org.conv4j.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.io.AtomicFile;
import org.conv4j.train.EpochMetrics;

/**
 * Writes a run folder's report: {@code report.html} and the PNG files it shows (loss and accuracy per
 * epoch, loss per N batches, confusion matrix, first-layer filters, right and wrong test images), plus
 * a per-class precision/recall/F1 table inside the page. The page needs no server and no network:
 * open it from disk. While training runs it reloads itself every {@link #REFRESH_SECONDS} seconds; the
 * final write removes the reload.
 *
 * <p>Call order: construct once per run, call {@link #write} at every epoch end with the data so far,
 * and once more with {@code data.finished() == true} at the end of training. Every file is replaced
 * atomically, so a browser reloading mid-write sees the previous or the new version. Not thread-safe.
 */
public final class RunReport {
    /** File names inside the run folder: the page and each picture. */
    public static final String HTML = "report.html", LOSS_PNG = "loss.png", ACCURACY_PNG = "accuracy.png",
            BATCH_LOSS_PNG = "batch_loss.png", CONFUSION_PNG = "confusion.png", FILTERS_PNG = "filters.png",
            RIGHT_PNG = "gallery_right.png", WRONG_PNG = "gallery_wrong.png";
    /** Seconds between the page's self-reloads while training runs. */
    public static final int REFRESH_SECONDS = 10;
    /** Size in pixels of the line charts. */
    public static final int CHART_WIDTH = 560, CHART_HEIGHT = 340;

    private final Path dir;
    private long writes, totalNanos, lastNanos;
    private List<Figure> lastFigures; // the pictures of the last full write

    /**
     * A report writer for one run folder; nothing is written until {@link #write}.
     *
     * @param dir the run folder; created if missing
     */
    public RunReport(Path dir) {
        this.dir = dir;
    }

    /** {@return the run folder} */
    public Path dir() { return dir; }

    /** {@return the path of report.html in the run folder} */
    public Path html() { return dir.resolve(HTML); }

    /**
     * Writes every picture and then the page (the page last, so its links are never dangling).
     *
     * @param d the data to show
     * @throws IOException if the folder or a file cannot be written
     */
    public void write(ReportData d) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        List<Figure> figures = new ArrayList<>();
        int n = d.epochs().size();
        double[] ep = new double[n], trL = new double[n], teL = new double[n], trA = new double[n], teA = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = d.epochs().get(i);
            ep[i] = m.epoch();
            trL[i] = m.trainLoss();
            teL[i] = m.testLoss();
            trA[i] = m.trainAcc();
            teA[i] = m.testAcc();
        }
        figures.add(png(LOSS_PNG, "Loss per epoch", new LineChart("Loss per epoch", "epoch", "loss").integerX()
                .add("train", ep, trL, Draw.TRAIN).add("test", ep, teL, Draw.TEST).render(CHART_WIDTH, CHART_HEIGHT)));
        figures.add(png(ACCURACY_PNG, "Accuracy per epoch", new LineChart("Accuracy per epoch", "epoch", "accuracy").integerX()
                .clampY(0, 1).add("train", ep, trA, Draw.TRAIN).add("test", ep, teA, Draw.TEST).render(CHART_WIDTH, CHART_HEIGHT)));
        figures.add(png(BATCH_LOSS_PNG, "Training loss per batch window",
                new LineChart("Training loss, mean per window of batches", "batches", "loss")
                        .add("train", d.batchX(), d.batchLoss(), Draw.TRAIN).render(CHART_WIDTH, CHART_HEIGHT)));
        ConfusionMatrix cm = d.confusion() == null ? null : ConfusionMatrix.of(d.confusion());
        if (cm != null) figures.add(png(CONFUSION_PNG, "Confusion matrix", ConfusionMatrixPlot.render(cm, d.classNames())));
        if (d.firstConvWeight() != null) {
            int[] s = d.firstConvWeight().shape();
            String how = s[1] == 3 ? "RGB" : s[1] == 1 ? "grey" : "grey mean of " + s[1] + " channels";
            figures.add(png(FILTERS_PNG, "First conv layer filters", ImageGrid.render("First conv layer: " + s[0] + " filters "
                    + s[2] + "x" + s[3] + " (" + how + ")", d.firstConvWeight(), 42)));
        }
        List<GallerySample> right = new ArrayList<>(), wrong = new ArrayList<>();
        for (GallerySample g : d.gallery()) (g.correct() ? right : wrong).add(g);
        if (!d.gallery().isEmpty()) {
            int[] s = d.gallery().get(0).image().shape();
            figures.add(png(RIGHT_PNG, "Test images predicted right",
                    Gallery.render("Right: " + right.size() + " test images and their top-3", right, d.classNames(), s[1], s[2])));
            figures.add(png(WRONG_PNG, "Test images predicted wrong",
                    Gallery.render("Wrong: " + wrong.size() + " test images and their top-3", wrong, d.classNames(), s[1], s[2])));
        }
        AtomicFile.writeString(html(), html(d, cm, figures));
        lastFigures = figures;
        lastNanos = System.nanoTime() - t0;
        totalNanos += lastNanos;
        writes++;
    }

    /**
     * Rewrites only report.html, keeping the pictures of the last {@link #write}: for the final write when
     * the data have not changed since (the page just stops reloading). Falls back to a full write when
     * nothing was written yet.
     *
     * @param d the data to show; its pictures are assumed unchanged
     * @throws IOException if the page cannot be written
     */
    public void rewritePage(ReportData d) throws IOException {
        if (lastFigures == null) {
            write(d);
            return;
        }
        long t0 = System.nanoTime();
        ConfusionMatrix cm = d.confusion() == null ? null : ConfusionMatrix.of(d.confusion());
        AtomicFile.writeString(html(), html(d, cm, lastFigures));
        lastNanos = System.nanoTime() - t0;
        totalNanos += lastNanos;
        writes++;
    }

    /**
     * Wall time of the last {@link #write}, in nanoseconds.
     *
     * @return nanoseconds, 0 before the first write
     */
    public long lastWriteNanos() { return lastNanos; }

    /**
     * Wall time of all writes so far, in nanoseconds.
     *
     * @return nanoseconds
     */
    public long totalWriteNanos() { return totalNanos; }

    /** {@return the number of writes so far, full and page-only} */
    public long writes() { return writes; }

    private record Figure(String file, String alt, int width, int height) {}

    private Figure png(String file, String alt, BufferedImage img) throws IOException {
        Png.write(dir.resolve(file), img);
        return new Figure(file, alt, img.getWidth(), img.getHeight());
    }

    private static String html(ReportData d, ConfusionMatrix cm, List<Figure> figures) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        if (!d.finished()) b.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n");
        b.append("<title>").append(esc(d.title())).append(" \u2014 conv4j run report</title>\n");
        b.append("""
                <style>
                body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1200px}
                h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
                .headline{font-size:20px;margin:12px 0;padding:12px 16px;background:#f3f7fb;border-left:5px solid #1f77b4}
                .headline .acc{font-size:34px;font-weight:700;color:#1f77b4}
                .status{color:#666;font-size:13px} .running{color:#b35c00;font-weight:600} .done{color:#2ca02c;font-weight:600}
                .figs{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start} img{border:1px solid #ddd;max-width:100%;height:auto}
                table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
                th{background:#f5f5f5} td.name,th.name{text-align:left} #broken{color:#d62728;font-weight:600}
                </style>
                </head>
                <body>
                """);
        b.append("<h1>").append(esc(d.title())).append("</h1>\n");
        int n = d.epochs().size();
        EpochMetrics last = n == 0 ? null : d.epochs().get(n - 1);
        String of = d.plannedEpochs() > 0 ? " of " + d.plannedEpochs() : "";
        b.append("<p class=\"status\">");
        if (d.finished()) b.append("<span class=\"done\">Finished</span> after ").append(n).append(n == 1 ? " epoch" : " epochs");
        else b.append("<span class=\"running\">Training</span>: ").append(n).append(of).append(n == 1 ? " epoch" : " epochs")
                .append(" done; this page reloads every ").append(REFRESH_SECONDS).append(" s");
        b.append(" \u00b7 written ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")))
                .append("</p>\n");

        b.append("<div class=\"headline\">").append(d.finished() ? "Final test accuracy " : "Latest test accuracy ");
        if (last != null && !Double.isNaN(last.testAcc())) {
            b.append("<span class=\"acc\" id=\"test-accuracy\">").append(pct(last.testAcc())).append("</span> after epoch ")
                    .append(last.epoch()).append(of);
        } else {
            b.append("<span class=\"acc\" id=\"test-accuracy\">\u2014</span> (no epoch finished yet)");
        }
        if (cm != null && cm.total() > 0) {
            b.append("<br><span class=\"status\">").append(cm.correct()).append(" of ").append(cm.total())
                    .append(" test images right</span>");
        }
        b.append("</div>\n<p id=\"broken\" hidden></p>\n");

        if (!d.details().isEmpty()) {
            b.append("<table>\n");
            for (Map.Entry<String, String> e : d.details().entrySet()) {
                b.append("<tr><th class=\"name\">").append(esc(e.getKey())).append("</th><td class=\"name\">")
                        .append(esc(e.getValue())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        b.append("<h2>Curves</h2>\n<div class=\"figs\">\n");
        for (Figure f : figures) if (f.file.equals(LOSS_PNG) || f.file.equals(ACCURACY_PNG) || f.file.equals(BATCH_LOSS_PNG)) img(b, f);
        b.append("</div>\n");

        if (n > 0) {
            b.append("<h2>Metrics per epoch</h2>\n<table id=\"epochs\">\n<tr><th>epoch</th><th>train loss</th><th>train acc</th>"
                    + "<th>test loss</th><th>test acc</th><th>seconds</th><th>images/s</th></tr>\n");
            for (EpochMetrics m : d.epochs()) {
                b.append("<tr><td>").append(m.epoch()).append("</td><td>").append(num(m.trainLoss(), 4)).append("</td><td>")
                        .append(pct(m.trainAcc())).append("</td><td>").append(num(m.testLoss(), 4)).append("</td><td>")
                        .append(pct(m.testAcc())).append("</td><td>").append(num(m.seconds(), 1)).append("</td><td>")
                        .append(num(m.imagesPerSecond(), 0)).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        if (cm != null) {
            b.append("<h2>Confusion matrix and per-class metrics</h2>\n<div class=\"figs\">\n");
            for (Figure f : figures) if (f.file.equals(CONFUSION_PNG)) img(b, f);
            b.append("<table id=\"per-class\">\n<tr><th class=\"name\">class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
            double sp = 0, sr = 0, sf = 0;
            int defined = 0;
            for (ConfusionMatrix.ClassMetrics m : cm.perClass()) {
                b.append("<tr><td class=\"name\">").append(esc(d.classNames().get(m.classIndex()))).append("</td><td>")
                        .append(num(m.precision(), 3)).append("</td><td>").append(num(m.recall(), 3)).append("</td><td>")
                        .append(num(m.f1(), 3)).append("</td><td>").append(m.support()).append("</td></tr>\n");
                if (!Double.isNaN(m.f1())) { sp += m.precision(); sr += m.recall(); sf += m.f1(); defined++; }
            }
            if (defined > 0) {
                b.append("<tr><th class=\"name\">macro average</th><th>").append(num(sp / defined, 3)).append("</th><th>")
                        .append(num(sr / defined, 3)).append("</th><th>").append(num(sf / defined, 3)).append("</th><th>")
                        .append(cm.total()).append("</th></tr>\n");
            }
            b.append("</table>\n</div>\n");
        }
        for (Figure f : figures) {
            if (f.file.equals(FILTERS_PNG)) {
                b.append("<h2>What the first layer learned</h2>\n<p class=\"status\">Each filter is scaled to its own"
                        + " min (black) .. max (white); with 3 input channels they are drawn as RGB.</p>\n");
                img(b, f);
            }
        }
        boolean galleryHeading = false;
        for (Figure f : figures) {
            if (f.file.equals(RIGHT_PNG) || f.file.equals(WRONG_PNG)) {
                if (!galleryHeading) b.append("<h2>Test images, right and wrong</h2>\n");
                galleryHeading = true;
                b.append("<p>");
                img(b, f);
                b.append("</p>\n");
            }
        }
        // Marks the page once every picture has loaded (or says which did not): readers and tests can see it.
        b.append("""
                <script>
                window.addEventListener('load', function () {
                  var imgs = document.images, ok = 0, broken = [];
                  for (var i = 0; i < imgs.length; i++) {
                    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++; else broken.push(imgs[i].getAttribute('src'));
                  }
                  document.body.setAttribute('data-images-loaded', ok + '/' + imgs.length);
                  if (broken.length) {
                    var p = document.getElementById('broken');
                    p.textContent = 'Could not load: ' + broken.join(', ');
                    p.hidden = false;
                  }
                });
                </script>
                </body>
                </html>
                """);
        return b.toString();
    }

    private static void img(StringBuilder b, Figure f) {
        b.append("<img src=\"").append(esc(f.file)).append("\" width=\"").append(f.width).append("\" height=\"")
                .append(f.height).append("\" alt=\"").append(esc(f.alt)).append("\">\n");
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "\u2014" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "\u2014" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
