package org.conv4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * For tests that run PyTorch itself: Debian's /usr/bin/python3 with python3-torch and python3-numpy. Where
 * they are missing (CI does not install them), the calling test is skipped, not failed.
 */
public final class LiveTorch {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean available;

    private LiveTorch() {}

    /** The Python that imports torch and numpy; skips the calling test (a JUnit assumption) if there is none. */
    public static synchronized Path python() throws IOException, InterruptedException {
        if (available == null) {
            boolean ok = Files.isExecutable(PYTHON);
            if (ok) {
                Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
                ok = probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0;
            }
            available = ok;
        }
        assumeTrue(available, "needs " + PYTHON + " with torch and numpy (apt-get install python3-torch)");
        return PYTHON;
    }
}
