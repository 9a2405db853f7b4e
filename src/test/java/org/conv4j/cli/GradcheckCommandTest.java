package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.conv4j.gradcheck.CheckCase;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.GradCheckSuite;
import org.junit.jupiter.api.Test;

/** {@code conv4j gradcheck} through {@link Main#run}, as a user runs it. */
class GradcheckCommandTest {
    private String out = "", err = "";

    private int run(String... argv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void filteredRunPrintsATableAndASummaryAndExitsZero() {
        assertEquals(0, run("gradcheck", "--filter", "batchnorm"), err);
        String[] lines = out.strip().split("\n");
        assertTrue(lines[0].startsWith("layer") && lines[0].contains("configuration") && lines[0].contains("max rel err"), lines[0]);
        long bnCases = GradCheckSuite.all().stream().filter(c -> c.layer().startsWith("BatchNorm")).count();
        assertEquals(bnCases + 2, lines.length, out);
        for (int i = 1; i < lines.length - 1; i++) {
            assertTrue(lines[i].startsWith("BatchNorm"), lines[i]);
            assertTrue(lines[i].endsWith("pass"), lines[i]);
        }
        assertTrue(lines[lines.length - 1].startsWith(bnCases + " checks: " + bnCases + " passed, 0 failed"), lines[lines.length - 1]);
    }

    @Test
    void wholeSuiteRunsInSecondsAndPasses() {
        long t0 = System.nanoTime();
        int code = run("gradcheck");
        double s = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, code, out + err);
        List<CheckCase> all = GradCheckSuite.all();
        assertTrue(out.contains(all.size() + " checks: " + all.size() + " passed, 0 failed"), out);
        assertFalse(out.contains("FAIL"), out);
        assertTrue(s < 60, "gradcheck took " + s + " s");
    }

    @Test
    void unknownFilterAndOptionsAreUsageErrors() {
        assertEquals(Command.USAGE, run("gradcheck", "--filter", "NoSuchLayer"));
        assertTrue(err.contains("no check matches --filter 'NoSuchLayer'") && err.contains("ReLU"), err);
        assertEquals(Command.USAGE, run("gradcheck", "--filtr", "x"));
        assertTrue(err.contains("unknown option --filtr"), err);
        assertEquals(Command.USAGE, run("gradcheck", "extra"));
        assertTrue(err.contains("unexpected argument 'extra'"), err);
    }

    @Test
    void aFailingOrThrowingCheckIsReportedAndExitsOne() throws Exception {
        List<CheckCase> cases = List.of(
                new CheckCase("Good", "a", () -> new CheckResult("Good", "a", 1e-7, "dx")),
                new CheckCase("Bad", "b", () -> new CheckResult("Bad", "b", 3e-3, "dweight")),
                new CheckCase("Broken", "c", () -> { throw new IllegalStateException("boom"); }));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = Main.run(List.of(new GradcheckCommand(() -> cases)), new String[] {"gradcheck"},
                new PrintStream(o, true, StandardCharsets.UTF_8), System.err);
        String text = o.toString(StandardCharsets.UTF_8);
        assertEquals(Command.FAILED, code, text);
        assertTrue(text.matches("(?s).*Good +a +1\\.00e-07 +dx +pass.*"), text);
        assertTrue(text.matches("(?s).*Bad +b +3\\.00e-03 +dweight +FAIL.*"), text);
        assertTrue(text.matches("(?s).*Broken +c +NaN +error: boom +FAIL.*"), text);
        assertTrue(text.contains("3 checks: 1 passed, 2 failed"), text);
    }

    @Test
    void helpDescribesTheMethodAndOptions() {
        assertEquals(0, run("gradcheck", "--help"));
        assertTrue(out.contains("--filter=TEXT") && out.contains("centred-difference"), out);
        assertEquals(0, run("--help"));
        assertTrue(out.contains("gradcheck"), out);
    }
}
