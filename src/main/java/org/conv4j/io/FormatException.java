package org.conv4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not what its format says it must be: bad magic, a header that does not parse, a declared
 * size the file cannot hold or beyond a ceiling. The message always names the file and what is wrong,
 * e.g. {@code "weights.npy: header field 'shape' declares 4294967296 elements, more than the file's
 * 80 data bytes can hold"}. Every loader throws this (never an unchecked exception) for malformed input.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message the whole message, already naming the file or field */
    public FormatException(String message) { super(message); }

    public FormatException(String message, Throwable cause) { super(message, cause); }

    /** @param source the file (or stream name) being read; its name prefixes the message */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public FormatException(Path source, String problem) {
        this(String.valueOf(source), problem);
    }

    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
