package org.conv4j.cli;

/** Bad command-line usage found by a command itself; the CLI prints the message and exits with {@link Command#USAGE}. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) { super(message); }
}
