package org.conv4j.cli;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.conv4j.gradcheck.CheckCase;
import org.conv4j.gradcheck.CheckResult;
import org.conv4j.gradcheck.GradCheck;
import org.conv4j.gradcheck.GradCheckSuite;
import picocli.CommandLine.Option;

/** {@code conv4j gradcheck}: runs every gradient check and prints one row per case. */
@picocli.CommandLine.Command(name = "gradcheck",
        description = {
            "check every layer's and loss's backward against centred differences",
            "",
            "Runs the centred-difference gradient checks of every layer and loss over a grid of configurations and prints "
                    + "one row per check: layer, configuration, the largest relative error over the output and every gradient "
                    + "(dx, dweight, dbias ...), which one it was, and pass or FAIL. Each layer's float32 backward is compared "
                    + "with numerical gradients of a double-precision forward; relative error = |a - n| / max(|a|, |n|, "
                    + GradCheck.ABS_FLOOR + "), and a check passes at " + GradCheck.MAX_REL_ERROR + " or below. Exit code 1 "
                    + "means a check failed."})
final class GradcheckCommand extends Command {
    private final Supplier<List<CheckCase>> suite;

    @Option(names = "--filter", paramLabel = "TEXT", description = "run only layers whose name contains TEXT (case-insensitive), "
            + "e.g. Conv2d")
    String filter;

    GradcheckCommand() { this(GradCheckSuite::all); }

    /** Runs the given cases instead of {@link GradCheckSuite#all()} (tests use this). */
    GradcheckCommand(Supplier<List<CheckCase>> suite) { this.suite = suite; }

    @Override
    protected int run() {
        List<CheckCase> all = suite.get();
        List<CheckCase> cases = filter == null ? all : all.stream()
                .filter(c -> c.layer().toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT))).toList();
        if (cases.isEmpty()) {
            TreeSet<String> layers = new TreeSet<>();
            for (CheckCase c : all) layers.add(c.layer());
            err.println("conv4j gradcheck: no check matches --filter '" + filter + "'; layers: " + String.join(", ", layers));
            return USAGE;
        }
        int layerWidth = 8, configWidth = 13;
        for (CheckCase c : cases) {
            layerWidth = Math.max(layerWidth, c.layer().length());
            configWidth = Math.max(configWidth, c.config().length());
        }
        String row = "%-" + layerWidth + "s  %-" + configWidth + "s  %12s  %-13s  %s%n";
        out.printf(row, "layer", "configuration", "max rel err", "worst", "result");
        long t0 = System.nanoTime();
        int failed = 0;
        for (CheckCase c : cases) {
            CheckResult r;
            String worst;
            try {
                r = c.run();
                worst = r.worst();
            } catch (RuntimeException e) {
                r = new CheckResult(c.layer(), c.config(), Double.NaN, "error");
                worst = "error: " + e.getMessage();
            }
            boolean ok = r.passed();
            if (!ok) failed++;
            out.printf(row, c.layer(), c.config(), String.format(Locale.ROOT, "%.2e", r.maxRelError()), worst, ok ? "pass" : "FAIL");
            out.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%d checks: %d passed, %d failed (bound %.0e relative) in %.1f s%n",
                cases.size(), cases.size() - failed, failed, GradCheck.MAX_REL_ERROR, seconds);
        return failed == 0 ? OK : FAILED;
    }
}
