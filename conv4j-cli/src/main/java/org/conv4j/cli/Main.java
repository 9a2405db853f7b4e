package org.conv4j.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point of the {@code conv4j} command-line tool. */
public final class Main {
    private Main() {}

    /** Every sub-command, in the order {@code conv4j --help} lists them. */
    static List<Command> commands() {
        return List.of(
                new TrainCommand(),
                new EvalCommand(),
                new PredictCommand(),
                new SummaryCommand(),
                new ExplainCommand(org.conv4j.model.ModelFile::load),
                new GradcheckCommand(),
                new BenchCommand(),
                new ExportCommand(),
                new ImportCommand());
    }

    public static void main(String[] argv) {
        StopOnSignal.exit(run(argv, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code (tests call this directly). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(commands(), argv, out, err);
    }

    /** Runs {@code argv} against the given commands (tests pass their own). */
    static int run(List<Command> commands, String[] argv, PrintStream out, PrintStream err) {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands) byName.put(c.name(), c);
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.println("usage: conv4j COMMAND [options]   (conv4j COMMAND --help for details)\n\ncommands:");
            for (Command c : byName.values()) out.printf("  %-10s %s%n", c.name(), c.summary());
            return argv.length == 0 ? Command.USAGE : Command.OK;
        }
        Command c = byName.get(argv[0]);
        if (c == null) {
            err.println("conv4j: unknown command '" + argv[0] + "'; commands: " + String.join(", ", byName.keySet()));
            return Command.USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        for (String s : rest) {
            if (s.equals("--help") || s.equals("-h")) { out.println(c.help()); return Command.OK; }
        }
        try {
            return c.run(Args.parse(rest, flagsOf(c)), out, err);
        } catch (Args.UsageException e) {
            err.println("conv4j " + c.name() + ": " + e.getMessage() + " (see conv4j " + c.name() + " --help)");
            return Command.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("conv4j " + c.name() + ": " + e.getMessage());
            return Command.USAGE;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("conv4j " + c.name() + ": " + e.getMessage());
            return Command.IO_ERROR;
        } catch (Exception e) {
            err.println("conv4j " + c.name() + ": " + e);
            return Command.FAILED;
        } catch (OutOfMemoryError e) {
            // The size checks before each read compare with the heap's free room, but a collector with
            // generations can still fail one large array; say what to do instead of printing a stack trace.
            err.println("conv4j " + c.name() + ": out of memory: the JVM's heap (maximum "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB) is too small for this run; raise it with "
                    + "JAVA_OPTS=-Xmx<size>, e.g. JAVA_OPTS=-Xmx2g ./conv4j " + c.name() + " ...");
            return Command.FAILED;
        }
    }

    private static Set<String> flagsOf(Command c) {
        return c instanceof FlagCommand f ? f.flags() : Set.of();
    }

    /** A command with boolean options that take no value. */
    public interface FlagCommand extends Command {
        Set<String> flags();
    }
}
