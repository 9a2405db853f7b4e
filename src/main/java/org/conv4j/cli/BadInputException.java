package org.conv4j.cli;

/**
 * Input that reads fine but does not fit what the command needs, e.g. a data set whose images are not
 * the size the model takes. Exit code {@link Command#IO_ERROR}, like a malformed file: the input is what
 * must change, not the command line.
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) { super(message); }
}
