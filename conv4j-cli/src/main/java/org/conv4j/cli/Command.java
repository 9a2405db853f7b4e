package org.conv4j.cli;

import java.io.PrintStream;

/**
 * One sub-command of the {@code conv4j} CLI. Exit codes: 0 success, 1 the work ran and failed
 * (a check failed, training diverged, out of memory), 2 a bad option or value, 3 an I/O error or a
 * malformed file ({@link org.conv4j.io.FormatException}), 4 interrupted by Ctrl-C
 * or SIGTERM after saving what is needed to continue (training's checkpoint).
 */
public interface Command {
    int OK = 0, FAILED = 1, USAGE = 2, IO_ERROR = 3, INTERRUPTED = 4;

    String name();

    /** One line for the command list. */
    String summary();

    /** Full help text, printed by {@code --help}. */
    String help();

    int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
