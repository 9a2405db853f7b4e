package org.conv4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html as a real browser shows it: every picture loads from disk, the final accuracy is on the page. */
class ReportBrowserTest {
    @TempDir Path dir;

    @Test
    void chromiumLoadsEveryImageAndShowsTheFinalAccuracy() throws Exception {
        Path run = dir.resolve("run");
        ReportFixtures.Eval e = ReportFixtures.evaluate(1000, 10, 1, 0.85, 11);
        RunReport report = new RunReport(run);
        report.write(ReportFixtures.data(e, 1, false, ReportFixtures.filters(32, 1, 3, 3, 1)));
        report.write(ReportFixtures.data(e, 3, true, ReportFixtures.filters(32, 1, 3, 3, 1)));

        String dom = HeadlessChromium.dumpDom(run.resolve(RunReport.HTML), dir);
        Matcher m = Pattern.compile("data-images-loaded=\"(\\d+)/(\\d+)\"").matcher(dom);
        assertTrue(m.find(), "the page's load script ran and marked the body; DOM was:\n" + dom.substring(0, Math.min(2000, dom.length())));
        assertEquals("7", m.group(2), "loss, accuracy, batch loss, confusion, filters, right, wrong");
        assertEquals(m.group(2), m.group(1), "every image loaded");
        String acc = RunReport.pct((double) e.right() / e.n());
        assertTrue(dom.contains("id=\"test-accuracy\">" + acc + "<"), "final accuracy " + acc + " shown");
        assertTrue(dom.contains("Final test accuracy"));

        Path shot = dir.resolve("shot.png");
        HeadlessChromium.screenshot(run.resolve(RunReport.HTML), shot, 1280, 2600, dir);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1280, img.getWidth());
        // the headline's accuracy is drawn in #1f77b4 near the top of the page
        boolean blue = false;
        for (int y = 0; y < 250 && !blue; y++) {
            for (int x = 0; x < 600 && !blue; x++) blue = (img.getRGB(x, y) & 0xffffff) == 0x1f77b4;
        }
        assertTrue(blue, "accuracy headline rendered");
        String keep = System.getProperty("conv4j.keepScreenshot");
        if (keep != null) Files.copy(shot, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aMissingPictureIsReportedOnThePage() throws Exception {
        Path run = dir.resolve("run");
        ReportFixtures.Eval e = ReportFixtures.evaluate(300, 10, 3, 0.85, 12);
        new RunReport(run).write(ReportFixtures.data(e, 2, true, ReportFixtures.filters(16, 3, 5, 5, 1)));
        Files.delete(run.resolve(RunReport.CONFUSION_PNG));
        String dom = HeadlessChromium.dumpDom(run.resolve(RunReport.HTML), dir);
        assertTrue(dom.contains("data-images-loaded=\"6/7\""), "six of seven load");
        assertTrue(dom.contains("Could not load: confusion.png"));
    }
}
