package org.conv4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file (or stream) that is not what its reader expects: truncated, inconsistent, too large for the
 * limits conv4j reads within, or simply of another format. Every conv4j loader reports malformed input
 * with this one exception (never an unchecked exception); its message names the source and what is wrong, e.g.
 * {@code "train-images-idx3-ubyte.gz: declares 2147483647 images of 28x28 but holds only 16 bytes"}.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String source;

    /** @param source the file name or resource the data came from */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    public FormatException(Path file, String problem) {
        this(String.valueOf(file), problem);
    }

    public FormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /** A message that already starts with its source, e.g. {@code "net.json: line 3, column 7: expected ':'"}. */
    public FormatException(String message) {
        super(message);
        int colon = message.indexOf(": ");
        this.source = colon > 0 ? message.substring(0, colon) : null;
    }

    /** A message that already starts with its source, with the underlying cause. */
    public FormatException(String message, Throwable cause) {
        super(message, cause);
        int colon = message.indexOf(": ");
        this.source = colon > 0 ? message.substring(0, colon) : null;
    }

    /** The file name or resource the malformed data came from (null if unknown). */
    public String source() {
        return source;
    }
}
