package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the CLI turns a command's failure into an exit code and one readable line. */
class MainTest {
    /** A command that fails the way its body says. */
    @picocli.CommandLine.Command(name = "boom", description = "fails")
    private static final class Failing extends Command {
        private final Runnable body;

        Failing(Runnable body) { this.body = body; }

        @Override protected int run() {
            body.run();
            return OK;
        }
    }

    private static int run(Command c, StringBuilder errText) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(c), new String[] {c.name()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        errText.append(err.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void outOfMemorySaysHowToRaiseTheHeapInsteadOfAStackTrace() {
        StringBuilder err = new StringBuilder();
        int code = run(new Failing(() -> { throw new OutOfMemoryError("Java heap space"); }), err);
        assertEquals(Command.FAILED, code);
        String text = err.toString();
        assertTrue(text.startsWith("conv4j boom: out of memory"), text);
        assertTrue(text.contains("JAVA_OPTS=-Xmx"), text);
        assertTrue(text.contains("maximum " + (Runtime.getRuntime().maxMemory() >> 20) + " MB"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
    }

    @Test
    void badArgumentIsUsageError() {
        StringBuilder err = new StringBuilder();
        int code = run(new Failing(() -> { throw new IllegalArgumentException("--epochs must be positive"); }), err);
        assertEquals(Command.USAGE, code);
        assertEquals("conv4j boom: --epochs must be positive", err.toString().strip());
    }

    @Test
    void unknownCommandListsTheCommands() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"trian"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Command.USAGE, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("unknown command 'trian'") && text.contains("train"), text);
    }
}
