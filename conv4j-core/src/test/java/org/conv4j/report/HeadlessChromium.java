package org.conv4j.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's headless Chromium on a local file. Without a chromium binary the calling test is
 * skipped, unless CONV4J_REQUIRE_BROWSER is set (CI sets it after installing chromium), then it fails.
 */
final class HeadlessChromium {
    private HeadlessChromium() {}

    static Path binary() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        String msg = "no headless browser: install Debian's chromium (apt-get install -y chromium)";
        if (System.getenv("CONV4J_REQUIRE_BROWSER") != null) throw new AssertionError(msg);
        Assumptions.abort(msg);
        return null;
    }

    /** Loads {@code page}, waits for its load event, and returns the DOM as serialised by the browser. */
    static String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
        return run(scratch, List.of("--dump-dom", page.toUri().toString()));
    }

    /** Renders {@code page} at {@code width x height} CSS pixels into {@code png}. */
    static void screenshot(Path page, Path png, int width, int height, Path scratch) throws IOException, InterruptedException {
        run(scratch, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", page.toUri().toString()));
    }

    private static String run(Path scratch, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path out = scratch.resolve("chromium-" + System.nanoTime() + ".out"), err = scratch.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
