package org.conv4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress output: a bar only on a terminal stderr, plain lines (no carriage returns) otherwise. */
class ProgressTest {
    private static String draw(Progress.Mode mode) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(b, true, StandardCharsets.UTF_8);
        Progress p = Progress.of(ps, mode);
        if (p != null) {
            for (int batch = 1; batch <= 50; batch++) p.update(1, 1, batch, 50, batch * 10L, batch * 0.01, 0.5, 0.9);
            p.endEpoch();
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesHaveNoCarriageReturnsAndComeAboutEvery10Percent() {
        String lines = draw(Progress.Mode.LINES);
        assertFalse(lines.contains("\r"), lines);
        assertEquals(11, lines.lines().count(), lines); // the first batch, then batches 5, 10, ..., 50
        assertTrue(lines.lines().allMatch(l -> l.startsWith("epoch 1/1  batch ")), lines);
        assertTrue(draw(Progress.Mode.BAR).contains("\repoch 1/1 ["));
        assertEquals("", draw(Progress.Mode.NONE));
    }

    @Test
    void onlyTerminalDevicesCountAsTerminals() {
        assertTrue(Progress.isTerminalDevice("/dev/pts/3"));
        assertTrue(Progress.isTerminalDevice("/dev/tty1"));
        for (String notATerminal : new String[] {"/dev/null", "/tmp/train.log", "pipe:[123456]", "socket:[77]"}) {
            assertFalse(Progress.isTerminalDevice(notATerminal), notATerminal);
        }
        // Surefire hands the test JVM a pipe as stderr, whatever the terminal Maven runs in: never a bar here.
        assertFalse(Progress.stderrIsTerminal());
        assertEquals(Progress.Mode.LINES, Progress.Mode.AUTO.resolve());
        assertEquals(Progress.Mode.BAR, Progress.Mode.BAR.resolve());
    }
}
