package org.conv4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The launcher's first build prints no escape sequences on a plain terminal. Runs Maven as ./conv4j does
 * (its MAVEN_OPTS and flags, read from the script) on the cheap {@code validate} goal, output to a file,
 * and looks for ESC. The same Maven without those settings is the control: it writes ESC[0m (Maven 3.8's
 * jansi resets the console when it closes, even with -B), so the check can fail.
 */
class LauncherBuildTest {
    private static String maven(List<String> flags, String mavenOpts) throws Exception {
        Path log = Files.createTempFile("conv4j-launcher-build", ".log");
        try {
            List<String> cmd = new ArrayList<>(List.of("mvn"));
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", "validate"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MAVEN_OPTS", mavenOpts);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mvn validate ends");
            String out = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void theLaunchersMavenBuildWritesNoEscapeSequences() throws Exception {
        boolean mvn = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "mvn")));
        Assumptions.assumeTrue(mvn, "Maven on the PATH");
        String script = Files.readString(Path.of("../conv4j")); // this test runs in conv4j-cli
        Matcher opts = Pattern.compile("MAVEN_OPTS=\"\\$\\{MAVEN_OPTS:-\\} ([^\"]+)\"").matcher(script);
        Matcher flags = Pattern.compile("\\bmvn ((?:-[^ ]+ )+)-DskipTests package").matcher(script);
        assertTrue(opts.find() && flags.find(), "the launcher's Maven command");
        List<String> launcherFlags = List.of(flags.group(1).trim().split(" "));
        assertTrue(launcherFlags.contains("-B"), launcherFlags.toString());

        String launcher = maven(launcherFlags, opts.group(1));
        assertFalse(launcher.contains("\u001b"), "ESC in the launcher's build output: " + launcher);
        assertFalse(launcher.contains("WARNING: A terminally deprecated method"), launcher);

        String control = maven(List.of("-q", "-B"), "");
        Assumptions.assumeTrue(control.contains("\u001b"), "this Maven writes no ESC even without the launcher's settings");
        System.out.println("LauncherBuildTest: plain 'mvn -q -B' wrote " + control.chars().filter(c -> c == 27).count()
                + " ESC characters; the launcher's settings (" + opts.group(1) + ", " + launcherFlags + ") wrote none");
    }
}
