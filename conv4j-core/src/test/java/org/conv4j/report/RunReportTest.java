package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir Path dir;

    private static BufferedImage read(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertTrue(img != null, p + " is not a readable PNG");
        return img;
    }

    @Test
    void writesEveryPictureAtItsDeclaredSize() throws IOException {
        ReportFixtures.Eval e = ReportFixtures.evaluate(1000, 10, 1, 0.8, 1);
        RunReport report = new RunReport(dir);
        report.write(ReportFixtures.data(e, 3, false, ReportFixtures.filters(32, 1, 3, 3, 2)));

        for (String f : List.of(RunReport.LOSS_PNG, RunReport.ACCURACY_PNG, RunReport.BATCH_LOSS_PNG)) {
            BufferedImage img = read(dir.resolve(f));
            assertEquals(RunReport.CHART_WIDTH, img.getWidth(), f);
            assertEquals(RunReport.CHART_HEIGHT, img.getHeight(), f);
        }
        // 10 classes: cells of 48 px, 130 px for names on the left and above
        BufferedImage cm = read(dir.resolve(RunReport.CONFUSION_PNG));
        assertEquals(130 + 10 * 48 + 16, cm.getWidth());
        assertEquals(130 + 10 * 48 + 40, cm.getHeight());
        // 32 filters of 3x3: 14 px per weight, 8 per row, 4 rows, 6 px gaps, 10 px padding, 30 px title
        BufferedImage filters = read(dir.resolve(RunReport.FILTERS_PNG));
        assertEquals(10 + 8 * 42 + 7 * 6 + 10, filters.getWidth());
        assertEquals(30 + 10 + 4 * 42 + 3 * 6 + 10, filters.getHeight());
        // 6 right and 6 wrong 28x28 images: tiles 150 wide, 84 + 8 + 4*14 + 6 high, one row of 6
        for (String f : List.of(RunReport.RIGHT_PNG, RunReport.WRONG_PNG)) {
            BufferedImage g = read(dir.resolve(f));
            assertEquals(10 + 6 * 150 + 5 * 8 + 10, g.getWidth(), f);
            assertEquals(30 + 10 + (84 + 8 + 56 + 6) + 10, g.getHeight(), f);
        }
        // atomic writes leave no temporary files behind
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void confusionMatrixSumsToTestSetAndDiagonalIsTheReportedAccuracy() throws IOException {
        ReportFixtures.Eval e = ReportFixtures.evaluate(777, 10, 1, 0.7, 3);
        ConfusionMatrix cm = e.collector().confusion();
        assertEquals(777, cm.total());
        assertEquals(e.right(), cm.correct());
        ReportData d = ReportFixtures.data(e, 2, true, null);
        new RunReport(dir).write(d);
        String html = Files.readString(dir.resolve(RunReport.HTML), StandardCharsets.UTF_8);
        String shown = RunReport.pct((double) e.right() / 777);
        assertTrue(html.contains("<span class=\"acc\" id=\"test-accuracy\">" + shown + "</span>"), "headline shows " + shown);
        assertTrue(html.contains(e.right() + " of 777 test images right"));
        // per-class rows: support sums to the set size, recall is diagonal / row sum
        int[][] c = cm.counts();
        long supports = 0;
        for (int k = 0; k < 10; k++) {
            supports += cm.support(k);
            int row = 0;
            for (int v : c[k]) row += v;
            assertEquals((double) c[k][k] / row, cm.recall(k), 1e-12);
        }
        assertEquals(777, supports);
        assertFalse(Files.exists(dir.resolve(RunReport.FILTERS_PNG)), "no conv layer, no filter picture");
    }

    @Test
    void pageRefreshesWhileRunningAndStopsWhenFinished() throws IOException {
        ReportFixtures.Eval e = ReportFixtures.evaluate(200, 10, 1, 0.9, 4);
        RunReport report = new RunReport(dir);
        report.write(ReportFixtures.data(e, 1, false, null));
        String running = Files.readString(dir.resolve(RunReport.HTML));
        assertTrue(running.contains("http-equiv=\"refresh\""));
        assertTrue(running.contains("Latest test accuracy"));
        report.write(ReportFixtures.data(e, 2, true, null));
        String done = Files.readString(dir.resolve(RunReport.HTML));
        assertFalse(done.contains("http-equiv=\"refresh\""));
        assertTrue(done.contains("Final test accuracy"));
        assertEquals(2, report.writes());
        assertTrue(report.totalWriteNanos() >= report.lastWriteNanos() && report.lastWriteNanos() > 0);
    }

    @Test
    void aReaderDuringRewritesAlwaysSeesACompletePictureAndPage() throws Exception {
        ReportFixtures.Eval e = ReportFixtures.evaluate(300, 10, 1, 0.8, 6);
        RunReport report = new RunReport(dir);
        report.write(ReportFixtures.data(e, 1, false, null));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> bad = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && bad.get() == null) {
                try {
                    BufferedImage img = ImageIO.read(dir.resolve(RunReport.CONFUSION_PNG).toFile());
                    String html = Files.readString(dir.resolve(RunReport.HTML));
                    if (img == null || img.getWidth() != ConfusionMatrixPlot.width(10)) bad.set("partial PNG");
                    else if (!html.endsWith("</html>\n")) bad.set("partial page");
                    reads.incrementAndGet();
                } catch (IOException ex) {
                    bad.set(ex.toString());
                }
            }
        });
        reader.start();
        for (int i = 2; i <= 8; i++) report.write(ReportFixtures.data(e, i, false, null));
        done.set(true);
        reader.join();
        assertEquals(null, bad.get());
        assertTrue(reads.get() > 0);
    }

    @Test
    void textFromTheUserIsEscaped() throws IOException {
        ReportFixtures.Eval e = ReportFixtures.evaluate(100, 10, 1, 0.9, 5);
        new RunReport(dir).write(ReportFixtures.data(e, 1, true, null));
        String html = Files.readString(dir.resolve(RunReport.HTML));
        assertTrue(html.contains("Adam lr 0.001 &lt;batch 64&gt;"));
        assertFalse(html.contains("<batch 64>"));
    }

    @Test
    void rgbFiltersAreDrawnInColourAndScaledPerFilter() throws IOException {
        // filter 0: red channel high, others low -> pure red squares; filter 1: tiny magnitudes still span black..white
        Tensor w = new Tensor(2, 3, 2, 2);
        for (int i = 0; i < 4; i++) w.data()[i] = 1f;
        for (int i = 0; i < 12; i++) w.data()[12 + i] = 1e-6f * i;
        BufferedImage img = ImageGrid.render("t", w, 40);
        int s = ImageGrid.scale(2, 2, 40);
        assertEquals(20, s);
        int x0 = ImageGrid.PAD + 1, y0 = ImageGrid.TITLE_H + ImageGrid.PAD + 1;
        assertEquals(0xff0000, img.getRGB(x0, y0) & 0xffffff);
        int x1 = ImageGrid.PAD + 2 * s + ImageGrid.GAP;
        // top-left weight of filter 1: R = value 0 (its min, 0), G = value 4 (4/11 of the range), B = value 8
        assertEquals(0 << 16 | Math.round(4 / 11f * 255) << 8 | Math.round(8 / 11f * 255), img.getRGB(x1, y0) & 0xffffff);
        // last blue value (index 11) is the largest: bottom-right square of filter 1 has blue 255
        int last = img.getRGB(x1 + s + 1, y0 + s);
        assertEquals(255, last & 0xff);
    }

    @Test
    void badInputsNameWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        EvalCollector c = new EvalCollector(3, 1);
        Exception e2 = assertThrows(RuntimeException.class, () -> c.add(new Tensor(2, 1, 4, 4), new Tensor(2, 4), new int[2]));
        assertTrue(e2.getMessage().contains("logits"), e2.getMessage());
        Exception e3 = assertThrows(IllegalArgumentException.class,
                () -> c.add(new Tensor(1, 1, 4, 4), new Tensor(1, 3), new int[] {5}));
        assertTrue(e3.getMessage().contains("label 5"), e3.getMessage());
    }

    @Test
    void batchLossAveragesEachWindow() {
        BatchLossSeries s = new BatchLossSeries(3);
        for (int i = 1; i <= 10; i++) s.record(i);
        assertEquals(10, s.batches());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3, 6, 9}, s.xs());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {2, 5, 8}, s.ys());
    }

    @Test
    void galleryKeepsFirstRightAndWrongWithTopThreeProbabilities() {
        EvalCollector c = new EvalCollector(4, 1);
        Tensor images = new Tensor(3, 1, 2, 2);
        Tensor logits = Tensor.wrap(new float[] {
                0, 0, 5, 1,      // item 0: predicted 2, label 2 (right)
                3, 0, 0, 0,      // item 1: predicted 0, label 1 (wrong)
                0, 9, 0, 0}, 3, 4); // item 2: right, but only one right kept
        c.add(images, logits, new int[] {2, 1, 1});
        List<GallerySample> g = c.gallery();
        assertEquals(2, g.size());
        assertTrue(g.get(0).correct());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 3, 0}, g.get(0).topClasses());
        double z = Math.exp(5) + Math.exp(1) + 2;
        assertEquals(Math.exp(5) / z, g.get(0).topProbs()[0], 1e-6);
        assertEquals(Math.exp(1) / z, g.get(0).topProbs()[1], 1e-6);
        assertFalse(g.get(1).correct());
        assertEquals(1, g.get(1).label());
        assertEquals(3, c.confusion().total());
        assertEquals(2, c.confusion().correct());
    }
}
