package org.conv4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conv4j.model.Model;
import org.conv4j.model.ModelFile;
import picocli.CommandLine;

/**
 * One sub-command of the {@code conv4j} CLI: a picocli command whose options are annotated fields and
 * whose {@link #run} does the work. {@link Main} sets {@link #out} and {@link #err}, parses the command
 * line into the fields, then calls {@link #run}; an exception it throws becomes an exit code and one line
 * on stderr (see {@link #EXIT_CODES}).
 */
public abstract class Command implements Callable<Integer> {
    /** Exit codes, the same for every command; {@link #EXIT_CODES} says what each means. */
    public static final int OK = 0, FAILED = 1, USAGE = 2, IO_ERROR = 3, INTERRUPTED = 4;

    /**
     * What each exit code means: the one description, printed by every command's {@code --help} and
     * mirrored by the table in docs/cli.md (a test compares the two).
     */
    public static final Map<Integer, String> EXIT_CODES = exitCodes();

    private static Map<Integer, String> exitCodes() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(OK, "done");
        m.put(FAILED, "the work ran and failed: a check failed, training diverged, or the heap was too small");
        m.put(USAGE, "a bad command line: an unknown option, a missing or bad value, options that do not go together");
        m.put(IO_ERROR, "an input is missing, unreadable, malformed or does not fit the model; the message names it");
        m.put(INTERRUPTED, "stopped by Ctrl-C or SIGTERM after saving what is needed to continue (a checkpoint)");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Where the command prints its results. */
    protected PrintStream out = System.out;
    /** Where the command prints messages, progress and errors. */
    protected PrintStream err = System.err;

    /** The command's picocli model (name, which options were given). */
    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    /** Sets the streams; {@link Main} calls it before {@link #call}. */
    final void streams(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The command's name, as typed after {@code conv4j}. */
    public final String name() { return spec != null ? spec.name() : getClass().getAnnotation(CommandLine.Command.class).name(); }

    /** True if the user gave {@code option} (e.g. "--lr") on the command line, as opposed to its default. */
    protected final boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Does the work; returns an exit code. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception { return run(); }

    /** Fails with a usage error (exit {@link #USAGE}) unless {@code value} is at least 1. */
    protected static int positive(String option, int value) {
        if (value < 1) throw new UsageException(option + " must be at least 1, got " + value);
        return value;
    }

    /**
     * Loads a model file, saying what was expected when it is missing or a folder (ModelFile's own errors
     * name the file and what is wrong inside it).
     */
    static Model loadModel(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            Path inside = file.resolve("model.safetensors");
            throw new FileNotFoundException("model file " + file + " is a folder"
                    + (Files.isRegularFile(inside) ? "; did you mean " + inside + "?" : EXPECTED_MODEL));
        }
        if (!Files.exists(file)) throw new FileNotFoundException("model file not found: " + file + EXPECTED_MODEL);
        return ModelFile.load(file);
    }

    private static final String EXPECTED_MODEL = " (expected a .safetensors model written by conv4j train or conv4j import,"
            + " e.g. runs/NAME/model.safetensors)";
}
