package org.conv4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file (or stream) is not what its format says it must be: bad magic, a header that does not parse,
 * truncated, a declared size the file cannot hold or beyond a ceiling. Every conv4j loader reports
 * malformed input with this one exception (never an unchecked one); its message names the source and
 * what is wrong, e.g. {@code "train-images-idx3-ubyte.gz: declares 2147483647 images of 28x28 but holds
 * only 16 bytes"}.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file or stream name, or null when the message names it. */
    private final String source;

    /**
     * A problem in a named source.
     *
     * @param source  the file (or stream name) being read; its name prefixes the message
     * @param problem what is wrong, e.g. {@code "bad magic 0x0803, expected 0x0801"}
     */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /**
     * A problem in a named source, found through another exception.
     *
     * @param source  the file (or stream name) being read; its name prefixes the message
     * @param problem what is wrong
     * @param cause   the underlying exception, e.g. a parser's or a decompressor's
     */
    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /**
     * A problem in a file.
     *
     * @param file    the file being read; its path prefixes the message
     * @param problem what is wrong
     */
    public FormatException(Path file, String problem) {
        this(String.valueOf(file), problem);
    }

    /**
     * A problem in a file, found through another exception.
     *
     * @param file    the file being read; its path prefixes the message
     * @param problem what is wrong
     * @param cause   the underlying exception
     */
    public FormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /**
     * A message that already names its source.
     *
     * @param message the whole message, e.g. {@code "net.json: line 3, column 7: expected ':'"}
     */
    public FormatException(String message) {
        super(message);
        this.source = null;
    }

    /**
     * A message that already names its source, with the underlying cause.
     *
     * @param message the whole message, starting with the source
     * @param cause   the underlying exception
     */
    public FormatException(String message, Throwable cause) {
        super(message, cause);
        this.source = null;
    }

    /** {@return the file name or resource the malformed data came from, or null when the message names it} */
    public String source() {
        return source;
    }
}
