package org.conv4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.conv4j.kernels.Kernels;
import org.conv4j.train.StopOnSignal;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of the {@code conv4j} command-line tool: picocli parses the command line into a
 * {@link Command}'s fields, {@link #run} calls it and turns what it throws into an exit code
 * ({@link Command#EXIT_CODES}) and one line on stderr, never a stack trace.
 */
public final class Main {
    private Main() {}

    /** Every sub-command, in the order {@code conv4j --help} lists them; new objects for each run (they hold options). */
    static List<Command> commands() {
        return List.of(
                new TrainCommand(),
                new EvalCommand(),
                new PredictCommand(),
                new SummaryCommand(),
                new ExplainCommand(Command::loadModel),
                new GradcheckCommand(),
                new BenchCommand(),
                new ExportCommand(),
                new ImportCommand(),
                new CompletionCommand());
    }

    public static void main(String[] argv) {
        // The library's warnings (e.g. "scalar kernels: module jdk.incubator.vector is not loaded (add
        // --add-modules jdk.incubator.vector)" under a bare java -jar) as one line each, not JUL's two.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        StopOnSignal.exit(run(argv, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code (tests call this directly). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(commands(), argv, out, err);
    }

    /** The top-level command {@code conv4j}: only options and sub-commands. */
    @CommandLine.Command(name = "conv4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
            synopsisHeading = "usage: ", customSynopsis = "conv4j COMMAND [options]   (conv4j COMMAND --help for details)",
            commandListHeading = "%ncommands:%n", description = "%nConvolutional neural networks in pure Java.",
            exitCodeListHeading = "%nexit codes (every command):%n")
    static final class Top {}

    /** The command line for {@code commands}, with conv4j's help layout and value checks; {@link CompletionCommand} uses it too. */
    static CommandLine commandLine(List<? extends Command> commands, PrintStream out, PrintStream err) {
        CommandLine top = new CommandLine(new Top());
        for (Command c : commands) {
            c.streams(out, err);
            top.addSubcommand(new CommandLine(c));
        }
        top.addSubcommand(new CommandLine.HelpCommand());
        for (CommandLine cl : top.getSubcommands().values()) {
            cl.getCommandSpec().usageMessage().synopsisHeading("usage: ").descriptionHeading("%n")
                    .optionListHeading("%noptions:%n").parameterListHeading("%narguments:%n")
                    .exitCodeListHeading("%nexit codes (the same for every command):%n").exitCodeList(exitCodeList());
        }
        top.getCommandSpec().usageMessage().exitCodeList(exitCodeList());
        // Doubles must be finite, as every numeric setting is a rate, a factor or a fraction; spaces around are forgiven.
        CommandLine.ITypeConverter<Double> finite = s -> {
            double d = Double.parseDouble(s.trim());
            if (!Double.isFinite(d)) throw new CommandLine.TypeConversionException("not a finite number");
            return d;
        };
        top.registerConverter(Double.class, finite).registerConverter(double.class, finite);
        top.registerConverter(Integer.class, s -> Integer.parseInt(s.trim())).registerConverter(int.class, s -> Integer.parseInt(s.trim()));
        top.registerConverter(Long.class, s -> Long.parseLong(s.trim())).registerConverter(long.class, s -> Long.parseLong(s.trim()));
        top.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        top.setCaseInsensitiveEnumValuesAllowed(true);
        return top;
    }

    private static Map<String, String> exitCodeList() {
        Map<String, String> m = new LinkedHashMap<>();
        Command.EXIT_CODES.forEach((code, meaning) -> m.put(Integer.toString(code), meaning));
        return m;
    }

    /** Runs {@code argv} against the given commands (tests pass their own). */
    static int run(List<? extends Command> commands, String[] argv, PrintStream out, PrintStream err) {
        CommandLine top = commandLine(commands, out, err);
        CommandLine.ParseResult parsed;
        CommandLine sub = argv.length == 0 ? null : top.getSubcommands().get(argv[0]);
        try {
            if (sub != null && sub.getCommand() instanceof Command) {
                // --help anywhere after a command prints its help, even beside options that would not parse
                for (int i = 1; i < argv.length && !argv[i].equals("--"); i++) {
                    if (argv[i].equals("--help") || argv[i].equals("-h")) {
                        sub.usage(out);
                        return Command.OK;
                    }
                }
            }
            parsed = top.parseArgs(argv);
        } catch (ParameterException e) {
            err.println(describe(e, top));
            return Command.USAGE;
        }
        if (argv.length == 0) {
            top.usage(out);
            return Command.USAGE;
        }
        try {
            if (CommandLine.printHelpIfRequested(parsed)) return Command.OK;
        } catch (ParameterException e) { // conv4j help NOSUCHCOMMAND
            err.println(describe(e, top));
            return Command.USAGE;
        }
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) leaf = leaf.subcommand();
        if (!(leaf.commandSpec().userObject() instanceof Command c)) {
            top.usage(out);
            return Command.USAGE;
        }
        return call(c, err);
    }

    /** Calls the command and maps what it throws to an exit code and one line naming the command. */
    private static int call(Command c, PrintStream err) {
        String who = "conv4j " + c.name();
        try {
            return c.call();
        } catch (UsageException e) {
            err.println(who + ": " + e.getMessage() + " (see conv4j " + c.name() + " --help)");
            return Command.USAGE;
        } catch (IllegalArgumentException e) {
            err.println(who + ": " + e.getMessage());
            return Command.USAGE;
        } catch (NoSuchFileException e) {
            err.println(who + ": file not found: " + e.getFile() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
            return Command.IO_ERROR;
        } catch (AccessDeniedException e) {
            err.println(who + ": permission denied: " + e.getFile());
            return Command.IO_ERROR;
        } catch (FileNotFoundException | BadInputException e) {
            err.println(who + ": " + e.getMessage());
            return Command.IO_ERROR;
        } catch (IOException | UncheckedIOException e) {
            err.println(who + ": " + e.getMessage());
            return Command.IO_ERROR;
        } catch (Exception e) {
            err.println(who + ": " + e);
            return Command.FAILED;
        } catch (OutOfMemoryError e) {
            // The size checks before each read compare with the heap's free room, but a collector with
            // generations can still fail one large array; say what to do instead of printing a stack trace.
            err.println(who + ": out of memory: the JVM's heap (maximum " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB) is too small for this run; raise it with JAVA_OPTS=-Xmx<size>, e.g. JAVA_OPTS=-Xmx2g ./conv4j "
                    + c.name() + " ...");
            return Command.FAILED;
        }
    }

    /** A parse error as one line: "conv4j train: unknown option --epochz; did you mean --epochs? (see conv4j train --help)". */
    static String describe(ParameterException e, CommandLine top) {
        CommandLine at = e.getCommandLine() == null ? top : e.getCommandLine();
        boolean isTop = at.getCommand() instanceof Top;
        String who = isTop ? "conv4j" : "conv4j " + at.getCommandName();
        String see = isTop ? " (see conv4j --help)" : " (see " + who + " --help)";
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            List<String> suggestions = u.getSuggestions();
            String guess = suggestions.isEmpty() ? "" : "did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?";
            String hint = guess.isEmpty() ? "" : "; " + guess;
            if (isTop && !first.startsWith("-")) {
                List<String> names = new ArrayList<>(top.getSubcommands().keySet());
                return "conv4j: unknown command '" + first + "'" + (guess.isEmpty() ? "" : " (" + guess + ")") + "; commands: "
                        + String.join(", ", names);
            }
            if (first.startsWith("-")) {
                int eq = first.indexOf('=');
                return who + ": unknown option " + (eq > 0 ? first.substring(0, eq) : first) + hint + see;
            }
            return who + ": unexpected argument '" + first + "'" + see;
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            List<String> missingOptions = new ArrayList<>();
            for (ArgSpec a : m.getMissing()) if (a instanceof OptionSpec o) missingOptions.add(o.longestName());
            boolean valueMissing = e.getMessage().startsWith("Missing required parameter for option");
            if (valueMissing && !missingOptions.isEmpty()) return who + ": option " + missingOptions.get(0) + " needs a value" + see;
            if (!missingOptions.isEmpty()) return who + ": missing required option " + String.join(", ", missingOptions) + see;
            return who + ": missing " + (m.getMissing().isEmpty() ? "argument" : m.getMissing().get(0).paramLabel()) + see;
        }
        if (e instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec os) {
            return who + ": option " + os.longestName() + " given twice" + see;
        }
        if (e.getArgSpec() instanceof OptionSpec o && e.getValue() != null && e.getMessage().startsWith("Invalid value")) {
            Class<?> t = o.type();
            String want = t == int.class || t == Integer.class || t == long.class || t == Long.class ? "an integer"
                    : t == double.class || t == Double.class ? "a finite number"
                    : t.isEnum() ? "one of " + enumNames(t) : null;
            if (want != null) return who + ": " + o.longestName() + " expects " + want + ", got '" + e.getValue() + "'" + see;
        }
        return who + ": " + e.getMessage() + see;
    }

    private static String enumNames(Class<?> t) {
        List<String> names = new ArrayList<>();
        for (Object v : t.getEnumConstants()) names.add(v.toString().toLowerCase(Locale.ROOT));
        return String.join(", ", names);
    }

    /**
     * {@code conv4j --version}: the version Maven wrote into version.properties at build time (the pom's
     * version), then the Java runtime and the kernels it chose.
     */
    static final class Version implements CommandLine.IVersionProvider {
        /** The pom's version, or "unknown" when the resource was not filtered by Maven. */
        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    String v = p.getProperty("version", "");
                    if (!v.isEmpty() && !v.contains("${")) return v;
                }
            } catch (IOException e) {
                // fall through to the jar's manifest
            }
            String v = Main.class.getPackage().getImplementationVersion();
            return v != null ? v : "unknown";
        }

        @Override
        public String[] getVersion() {
            return new String[] {
                "conv4j " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("os.name")
                        + " " + System.getProperty("os.arch"),
                "kernels: " + Kernels.reason()};
        }
    }
}
